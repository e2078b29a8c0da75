// Candidates searched on another thread during pass 1 (src/convert/candidateSearch.ts) must give
// the error workbook exactly what pass 2 finds when it searches itself: with every answer, with a
// search thread that fails part-way, and with one that cannot start.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { RosterStore } from '../../src/db/roster.js';
import { CandidatePrefetch, CandidateServer, type CandidateRequest } from '../../src/convert/candidateSearch.js';
import { convertNationalToCity, type ConvertSummary } from '../../src/convert/nationalToCity.js';
import type { Candidate } from '../../src/convert/errorWorkbook.js';
import { zipEntries } from '../fixtures/zipEntries.js';
import { cachedFixture, removeScratch, runShili, scratchDir } from '../faults/support.js';

const dist = (module: string) => pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../../dist/src', module)).href;

let national: string;
let dbPath: string;

beforeAll(async () => {
  // The generator's usual mix: ~7% of rows match nobody, so ~100 rows need candidates.
  const set = await cachedFixture('candidates', { students: 1500, rows: 1500, seed: 'candidates', examDateColumn: true });
  national = set.national!.xlsx;
  dbPath = join(scratchDir('shili-cand-'), 'r.db');
  const r = await runShili(['roster', 'import', set.roster.xlsx, '--db', dbPath]);
  expect(r.code).toBe(0);
}, 240_000);

afterAll(removeScratch);

interface Run {
  summary: ConvertSummary;
  /** Every part of the error workbook but its timestamp. */
  unmatched: Map<string, Buffer>;
  /** Searches pass 2 made itself. */
  searchedInPass2: number;
}

/** Counts the candidate searches made through this roster (pass 2's own). */
function counted<R extends Pick<RosterStore, 'candidates'>>(roster: R): { roster: R; searches: () => number } {
  let n = 0;
  const search = roster.candidates.bind(roster);
  roster.candidates = (q, limit) => (n++, search(q, limit));
  return { roster, searches: () => n };
}

/** Converts with the source's convertNationalToCity, counting the searches pass 2 makes itself. */
async function convert(candidates?: CandidatePrefetch): Promise<Run> {
  const db = openDatabase(dbPath, { mustExist: true });
  try {
    const { roster, searches } = counted(new RosterStore(db));
    const summary = await convertNationalToCity(national, { roster, outDir: scratchDir('shili-cand-out-'), force: false, ...(candidates ? { candidates } : {}) });
    return { summary, unmatched: parts(summary.outputs.unmatched!), searchedInPass2: searches() };
  } finally {
    db.close();
  }
}

function parts(file: string): Map<string, Buffer> {
  const all = zipEntries(file);
  all.delete('docProps/core.xml');
  return all;
}

/** A prefetch answered on this thread by a CandidateServer, as the candidate thread would; `answerable` requests are answered, later ones get null. */
function inProcess(answerable = Infinity): { prefetch: CandidatePrefetch; requests: () => number; close: () => void } {
  const server = new CandidateServer(dbPath);
  let requests = 0;
  const prefetch: CandidatePrefetch = new CandidatePrefetch((req: CandidateRequest) => {
    const n = requests++;
    setImmediate(() => prefetch.receive(n < answerable ? server.answer(req) : { op: 'candidates', id: req.id, answers: null }));
  });
  return { prefetch, requests: () => requests, close: () => server.close() };
}

describe('candidates searched during pass 1', () => {
  let plain: Run;
  beforeAll(async () => {
    plain = await convert();
  });

  it('fill the error workbook exactly as pass 2 would, and pass 2 searches only the rows pass 1 did not foresee', async () => {
    expect(plain.searchedInPass2).toBeGreaterThan(50);
    expect(plain.unmatched.get('xl/worksheets/sheet1.xml')!.toString()).toContain('候选1学籍号');
    const s = inProcess();
    const run = await convert(s.prefetch);
    s.close();
    expect(s.requests()).toBeGreaterThan(0);
    expect(run.searchedInPass2).toBeLessThan(plain.searchedInPass2 / 10);
    expect(run.summary).toEqual({ ...plain.summary, outputs: run.summary.outputs });
    expect(run.unmatched).toEqual(plain.unmatched);
  });

  it('lose nothing when the search fails: pass 2 searches every row itself', async () => {
    const s = inProcess(0);
    const run = await convert(s.prefetch);
    s.close();
    expect(run.searchedInPass2).toBe(plain.searchedInPass2);
    expect(run.unmatched).toEqual(plain.unmatched);
  });

  it('give the same workbook through the real candidate thread, and when that thread cannot open the roster', async () => {
    const { CandidateThread } = (await import(dist('convert/candidateSearch.js'))) as typeof import('../../src/convert/candidateSearch.js');
    const { convertNationalToCity: builtConvert } = (await import(dist('convert/nationalToCity.js'))) as typeof import('../../src/convert/nationalToCity.js');
    const { openDatabase: builtOpen } = (await import(dist('db/open.js'))) as typeof import('../../src/db/open.js');
    const { RosterStore: BuiltRoster } = (await import(dist('db/roster.js'))) as typeof import('../../src/db/roster.js');
    for (const threadDb of [dbPath, join(scratchDir('shili-cand-none-'), 'missing.db')]) {
      const thread = new CandidateThread(threadDb);
      const db = builtOpen(dbPath, { mustExist: true });
      try {
        const { roster, searches } = counted(new BuiltRoster(db));
        const s = await builtConvert(national, { roster, outDir: scratchDir('shili-cand-out-'), force: false, candidates: thread.prefetch() });
        expect(parts(s.outputs.unmatched!)).toEqual(plain.unmatched);
        expect(s.unmatched).toBe(plain.summary.unmatched);
        if (threadDb === dbPath) expect(searches()).toBeLessThan(plain.searchedInPass2 / 10);
        else expect(searches()).toBe(plain.searchedInPass2);
      } finally {
        db.close();
        await thread.close();
      }
    }
  });
});

describe('CandidatePrefetch', () => {
  const cand = (id: string): Candidate[] => [{ student: { studentId: id, name: '某', sex: null, birthDate: null } as Candidate['student'], why: '学籍号仅差1位' }];

  it('hands pass 2 the answers by row number, in row order, and nothing for rows it was not asked about', async () => {
    const sent: CandidateRequest[] = [];
    const p = new CandidatePrefetch((req) => sent.push(req));
    for (const row of [3, 5, 9]) p.ask(row, { studentId: `G${row}` });
    const done = p.done();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.queries).toEqual([{ studentId: 'G3' }, { studentId: 'G5' }, { studentId: 'G9' }]);
    p.receive({ op: 'candidates', id: sent[0]!.id, answers: [JSON.stringify(cand('A')), '[]', JSON.stringify(cand('C'))] });
    const lookup = await done;
    expect([1, 3, 4, 5, 9, 10].map((r) => lookup(r))).toEqual([undefined, cand('A'), undefined, [], cand('C'), undefined]);
    p.dispose();
  });

  it('takes no answer meant for an earlier file, and none once disposed', async () => {
    const sent: CandidateRequest[] = [];
    const failed = new CandidatePrefetch((req) => sent.push(req));
    failed.ask(7, { studentId: 'G7' });
    void failed.done();
    failed.dispose();
    const next = new CandidatePrefetch((req) => sent.push(req));
    next.ask(7, { studentId: 'G7' });
    const done = next.done();
    const [old, mine] = sent;
    expect(old!.id).not.toBe(mine!.id);
    failed.receive({ op: 'candidates', id: old!.id, answers: ['[]'] });
    // The earlier file's answer, delivered to the current prefetch as the candidate thread does.
    next.receive({ op: 'candidates', id: old!.id, answers: [JSON.stringify(cand('OLD'))] });
    next.receive({ op: 'candidates', id: mine!.id, answers: [JSON.stringify(cand('NEW'))] });
    expect((await done)(7)).toEqual(cand('NEW'));
    next.dispose();
  });

  it('sends full batches while pass 1 goes on, and stops waiting when the thread fails', async () => {
    const sent: CandidateRequest[] = [];
    const p = new CandidatePrefetch((req) => sent.push(req));
    for (let row = 2; row < 2 + 600; row++) p.ask(row, { nameKey: 'x' });
    expect(sent.map((r) => r.queries.length)).toEqual([256, 256]);
    const done = p.done();
    p.receive({ op: 'candidates', id: sent[0]!.id, answers: sent[0]!.queries.map(() => '[]') });
    p.fail();
    const lookup = await done;
    expect(lookup(2)).toBeUndefined();
    p.dispose();
  });
});
