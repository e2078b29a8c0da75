// Two shili processes on one database at once: one waits for the other (WAL mode and a busy
// timeout), both finish correctly, the file stays intact and neither batch is lost.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureSet } from '../../fixtures/gen/fixtureSet.js';
import {
  BASE_SET,
  MAIN_SET,
  STACK,
  WriteLockProbe,
  cachedFixture,
  dbState,
  hasOpen,
  jsonLine,
  removeScratch,
  rosterIds,
  runShili,
  scratchDir,
  sleep,
  spillsIn,
  startShili,
  studentIds,
  waitUntil,
  type DbState,
  type Running,
} from './support.js';

let main: FixtureSet;
let base: FixtureSet;
let work: string;
let mainIds: string[];
let baseIds: string[];

beforeAll(async () => {
  [main, base] = await Promise.all([cachedFixture('faults-main', MAIN_SET), cachedFixture('faults-base', BASE_SET)]);
  work = scratchDir('shili-concurrent-');
  [mainIds, baseIds] = await Promise.all([rosterIds(main.roster.xlsx), rosterIds(base.roster.xlsx)]);
}, 240_000);
afterAll(removeScratch);

// An import that cannot get the write lock: started first and left waiting (its 10 s busy
// timeout) in the background while the other tests run; checked by the last test.
let busy: { db: string; before: DbState; lock: WriteLockProbe; run: Running; started: number } | undefined;
beforeAll(async () => {
  const db = join(work, 'busy.db');
  const r = await runShili(['roster', 'import', base.roster.xlsx, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
  const lock = new WriteLockProbe(db);
  lock.hold();
  busy = { db, before: dbState(db), lock, started: Date.now(), run: startShili(['roster', 'import', main.roster.xlsx, '--db', db, '--json']) };
}, 60_000);
afterAll(() => {
  busy?.lock.close();
});

/** Every student of every file is in the database, and the batches account for every row. */
function expectNothingLost(db: string, files: string[][], summaries: (Record<string, unknown> | null)[]): void {
  const state = dbState(db);
  expect(state.integrity).toBe('ok');
  const want = new Set(files.flat());
  const have = studentIds(db);
  expect([...want].filter((id) => !have.has(id))).toEqual([]);
  expect(have.size).toBe(want.size);
  // Each import accounted for all its rows: added + updated + unchanged.
  summaries.forEach((s, i) => s && expect((s.added as number) + (s.updated as number) + (s.unchanged as number)).toBe(files[i]!.length));
  expect(state.batches.filter((b) => b.finished_at !== null)).toHaveLength(state.batches.length);
}

describe('two commands on one database at once', () => {
  it('two roster imports started together on a new database: both batches are there', async () => {
    const db = join(work, 'two-imports.db');
    // Both create the file, migrate it and import while the other does the same.
    const results = await Promise.all([main.roster.xlsx, base.roster.xlsx].map((f) => runShili(['roster', 'import', f, '--db', db, '--json'])));
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    }
    const summaries = results.map((r) => jsonLine(r.stdout));
    expectNothingLost(db, [mainIds, baseIds], summaries);
    expect(dbState(db).batches).toHaveLength(2);
    expect((summaries[0]!.added as number) + (summaries[1]!.added as number)).toBe(studentIds(db).size);
  }, 90_000);

  it('two imports of halves of one roster, whose transactions overlap: one waits, none is lost', async () => {
    // Halves of the same size take as long to read, so both want the write lock at about the same time.
    const lines = readFileSync(main.roster.csv!, 'utf8').split(/\r?\n/).filter(Boolean);
    const halves = [0, 1].map((k) => {
      const file = join(work, `half-${k}.csv`);
      writeFileSync(file, [lines[0], ...lines.slice(1).filter((_, i) => i % 2 === k)].join('\n'));
      return file;
    });
    const idCol = lines[0]!.replace(/^\ufeff/, '').split(',').indexOf('学籍号');
    const halfIds = [0, 1].map((k) => lines.slice(1).filter((_, i) => i % 2 === k).map((l) => l.split(',')[idCol]!));
    const db = join(work, 'halves.db');
    const first = await runShili(['roster', 'import', base.roster.xlsx, '--db', db]);
    expect(first.code, first.stderr).toBe(0);
    // Hold the write lock until both have read their file and opened the database, so that both
    // then wait for it at once: one gets it, the other waits its turn (busy timeout).
    const lock = new WriteLockProbe(db);
    lock.hold();
    const runs = halves.map((f) => startShili(['roster', 'import', f, '--db', db, '--json']));
    try {
      const bothOpen = () => runs.every((r) => hasOpen(r.pid, db) ?? true);
      for (const r of runs) await waitUntil(r, () => (bothOpen() ? true : undefined));
      await sleep(hasOpen(process.pid, db) === undefined ? 3000 : 100);
      expect(runs.every((r) => !r.exited())).toBe(true);
    } finally {
      lock.release();
      lock.close();
    }
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expectNothingLost(db, [...halfIds, baseIds], [...results.map((r) => jsonLine(r.stdout))]);
    expect(dbState(db).batches).toHaveLength(3);
  }, 90_000);

  it('an import racing a convert that reads the same database: both finish correctly', async () => {
    const db = join(work, 'race.db');
    const r0 = await runShili(['roster', 'import', main.roster.xlsx, '--db', db]);
    expect(r0.code, r0.stderr).toBe(0);
    const args = (out: string) => ['convert', 'national-to-city', main.national!.xlsx, '--db', db, '--out', out, '--json'];
    const tmp = scratchDir('shili-race-tmp-');
    // Deterministic overlap: the import waits for a lock we hold until the convert is reading
    // (its spill file exists), then writes while the convert looks students up.
    const lock = new WriteLockProbe(db);
    lock.hold();
    let imp: Running;
    let convert: Running;
    try {
      imp = startShili(['roster', 'import', base.roster.xlsx, '--db', db, '--json']);
      await waitUntil(imp, () => (hasOpen(imp.pid, db) ?? true ? true : undefined));
      convert = startShili(args(join(work, 'race-out')), { tmp });
      expect(await waitUntil(convert, () => (spillsIn(tmp).length ? true : undefined))).toBe(true);
    } finally {
      lock.release();
      lock.close();
    }
    const importFirst = Promise.race([imp.done.then(() => true), convert.done.then(() => false)]);
    const [c, i] = await Promise.all([convert.done, imp.done]);
    // The import wrote and finished while the convert was still reading.
    expect(await importFirst).toBe(true);
    expect(i.code, i.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(3);
    expect(c.stderr).not.toMatch(STACK);
    // Against the generator's ground truth (the base roster's students appear nowhere in this
    // seeded national file, so they change no row's outcome).
    const raced = jsonLine(c.stdout);
    const t = main.national!.totals;
    expect(raced).toMatchObject({ rows: t.rows, matched: t.tier1, matchedByIdentity: t.tier2, unmatched: t.tier3, merged: t.merged });
    expect(raced.reasons).toEqual(Object.fromEntries(Object.entries(t.reasons).filter(([, n]) => n > 0)));
    expectNothingLost(db, [mainIds, baseIds], [null, jsonLine(i.stdout)]);
    expect(dbState(db).batches).toHaveLength(2);
  }, 90_000);


  it('an import that cannot get the write lock within 10 s gives up with a clear message and writes nothing', async () => {
    const { db, before, lock, run, started } = busy!;
    const r = await run.done;
    lock.release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ error: { code: 'DB_BUSY', message: expect.stringMatching(/另一个 shili 进程/) } });
    expect(r.stderr).not.toMatch(STACK);
    const after = dbState(db);
    expect(after.integrity).toBe('ok');
    expect(after.content).toBe(before.content);
    expect(after.batches).toEqual(before.batches);
  }, 60_000);
});
