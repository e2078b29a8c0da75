// SIGKILL at deterministic points of `roster import` and `convert national-to-city`: the points
// are found by watching what the process does from outside (its database write lock, its temp
// files), not by guessing delays. Afterwards the database is intact, a batch is all or nothing,
// and no file sits under a final output name unless it is complete.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureSet } from '../../fixtures/gen/fixtureSet.js';
import { readBack } from '../helpers/readBack.js';
import {
  BASE_SET,
  MAIN_SET,
  POSIX,
  STACK,
  WriteLockProbe,
  cachedFixture,
  copyDb,
  dbState,
  finalsIn,
  jsonLine,
  outTempsIn,
  removeScratch,
  runShili,
  scratchDir,
  sheetDataRows,
  sleep,
  spillsIn,
  startShili,
  waitUntil,
  type DbState,
  type Running,
} from './support.js';

let main: FixtureSet;
let base: FixtureSet;

beforeAll(async () => {
  [main, base] = await Promise.all([cachedFixture('faults-main', MAIN_SET), cachedFixture('faults-base', BASE_SET)]);
}, 240_000);
afterAll(removeScratch);

async function kill(run: Running): Promise<void> {
  if (!run.exited()) run.child.kill('SIGKILL');
  const r = await run.done;
  // Either our SIGKILL, or (only if the process beat us to the end) a normal exit.
  expect(r.signal === 'SIGKILL' || r.code === 0 || r.code === 3, `${r.code} ${r.signal} ${r.stderr}`).toBe(true);
}

describe.skipIf(!POSIX)('SIGKILL during roster import', () => {
  let work: string;
  let baseDb: string;
  let before: DbState;
  let expected: { added: number; state: DbState; txnMs: number };

  beforeAll(async () => {
    work = scratchDir('shili-kill-import-');
    baseDb = join(work, 'base.db');
    const r = await runShili(['roster', 'import', base.roster.xlsx, '--db', baseDb, '--json']);
    expect(r.code, r.stderr).toBe(0);
    before = dbState(baseDb);

    // A run that is not killed: what the batch adds, and how long its transaction holds the lock.
    const db = copyDb(baseDb, join(work, 'reference.db'));
    const probe = new WriteLockProbe(db);
    const run = startShili(['roster', 'import', main.roster.xlsx, '--db', db, '--json']);
    await waitUntil(run, () => (probe.held() ? true : undefined));
    const t0 = Date.now();
    await waitUntil(run, () => (probe.held() ? undefined : true));
    const txnMs = Date.now() - t0;
    probe.close();
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    const added = jsonLine(done.stdout).added as number;
    expect(added).toBeGreaterThan(1000);
    expected = { added, state: dbState(db), txnMs };
  }, 120_000);

  /** Kills an import into a copy of the base database at `point`; returns whether the batch landed. */
  async function killAt(name: string, point: (run: Running, probe: WriteLockProbe) => Promise<unknown>): Promise<'absent' | 'present'> {
    const db = copyDb(baseDb, join(work, `${name}.db`));
    const probe = new WriteLockProbe(db);
    const run = startShili(['roster', 'import', main.roster.xlsx, '--db', db, '--json']);
    try {
      await point(run, probe);
      await kill(run);
    } finally {
      probe.close();
    }
    const after = dbState(db);
    expect(after.integrity).toBe('ok');
    if (after.students === before.students) {
      expect(after.content).toBe(before.content);
      expect(after.batches).toEqual(before.batches);
      return 'absent';
    }
    expect(after.students).toBe(before.students + expected.added);
    expect(after.content).toBe(expected.state.content);
    expect(after.batches).toHaveLength(before.batches.length + 1);
    const last = after.batches[after.batches.length - 1]!;
    expect(last.finished_at).not.toBeNull();
    expect(last.added).toBe(expected.added);
    return 'present';
  }

  const lockTaken = (run: Running, probe: WriteLockProbe) => waitUntil(run, () => (probe.held() ? true : undefined));

  it('killed as its transaction starts: the batch is wholly absent, and a rerun imports it', async () => {
    expect(await killAt('at-start', lockTaken)).toBe('absent');
    const r = await runShili(['roster', 'import', main.roster.xlsx, '--db', join(work, 'at-start.db'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLine(r.stdout).added).toBe(expected.added);
    const after = dbState(join(work, 'at-start.db'));
    expect(after.integrity).toBe('ok');
    expect(after.content).toBe(expected.state.content);
  }, 60_000);

  it('killed in the middle of its transaction: all or nothing', async () => {
    const outcome = await killAt('mid', async (run, probe) => {
      await lockTaken(run, probe);
      await sleep(Math.max(1, expected.txnMs / 2));
    });
    expect(['absent', 'present']).toContain(outcome);
    console.info(`SIGKILL ${Math.round(expected.txnMs / 2)} ms into a ${expected.txnMs} ms import transaction: batch ${outcome}`);
  }, 60_000);

  it('killed right after its commit: the batch is wholly present', async () => {
    const outcome = await killAt('after-commit', async (run, probe) => {
      await lockTaken(run, probe);
      await waitUntil(run, () => (probe.held() ? undefined : true));
    });
    expect(outcome).toBe('present');
  }, 60_000);

  // A new database is built under a hidden temp name beside it (db/newDatabase.ts).
  const newTemps = (db: string): string[] => readdirSync(dirname(db)).filter((f) => f.startsWith(`.${basename(db)}.shili-`));
  it.each([
    ['its temp file appears', (db: string) => newTemps(db).some((f) => f.endsWith('.tmp'))],
    ['the temp\'s -wal file appears (migrations)', (db: string) => newTemps(db).some((f) => f.endsWith('.tmp-wal'))],
  ])('killed while creating a new database (when %s): no database appears, and a rerun works', async (_label, appeared) => {
    // The small roster: these points come right after reading, so its size does not matter.
    const db = join(scratchDir('shili-kill-new-'), 'new.db');
    const run = startShili(['roster', 'import', base.roster.xlsx, '--db', db, '--json']);
    expect(await waitUntil(run, () => (appeared(db) ? true : undefined))).toBe(true);
    await kill(run);
    // Killed before its commit: nothing under the database's name (the hidden temps of a killed
    // process are swept by a later run once they are an hour old).
    const killed = (await run.done).signal === 'SIGKILL';
    if (killed) expect(existsSync(db)).toBe(false);
    const r = await runShili(['roster', 'import', base.roster.xlsx, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(STACK);
    const after = dbState(db);
    expect(after).toMatchObject({ integrity: 'ok', content: before.content });
    if (killed) {
      expect(jsonLine(r.stdout).added).toBe(before.students);
      expect(after.batches).toHaveLength(1);
    }
  }, 60_000);
});

describe.skipIf(!POSIX)('SIGKILL during convert national-to-city', () => {
  let db: string;
  let dbBefore: DbState;
  let ref: { summary: Record<string, unknown>; phases: { spill: number; temp: number; final: number } };
  let out: string;
  let tmp: string;
  const leftovers: string[] = [];

  const convert = (outDir: string, extra: string[] = []) => ['convert', 'national-to-city', main.national!.xlsx, '--db', db, '--out', outDir, '--json', ...extra];
  const rowsOf = (summary: Record<string, unknown>) => ({
    'city-upload': summary.matched as number,
    'city-template': summary.matchedByIdentity as number,
    unmatched: summary.unmatched as number,
  });

  /** Every file under a final name is a whole workbook with every row the reference run wrote. */
  async function expectFinalsComplete(dir: string): Promise<void> {
    const want = rowsOf(ref.summary);
    for (const f of finalsIn(dir)) {
      const kind = f.replace(/^national\.|\.xlsx$/g, '') as keyof typeof want;
      expect(sheetDataRows(join(dir, f)), f).toBe(want[kind]);
      // An independent reader opens it (checked once per file version: exceljs is slow).
      const key = `${f}:${statSync(join(dir, f)).mtimeMs}`;
      if (opened.has(key)) continue;
      opened.add(key);
      const sheet = await readBack(join(dir, f));
      expect(sheet.rows.length, f).toBe(want[kind]);
    }
  }
  const opened = new Set<string>();

  beforeAll(async () => {
    const work = scratchDir('shili-kill-convert-');
    db = join(work, 'roster.db');
    const r = await runShili(['roster', 'import', main.roster.xlsx, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    dbBefore = dbState(db);
    out = join(work, 'out');
    tmp = scratchDir('shili-kill-tmp-');

    // The reference run, timed by what appears: spill (pass 1), output temps (pass 2), finals (commit).
    const refOut = join(work, 'ref-out');
    const refTmp = scratchDir('shili-kill-reftmp-');
    const run = startShili(convert(refOut), { tmp: refTmp });
    const t0 = Date.now();
    const seen: Partial<Record<'spill' | 'temp' | 'final', number>> = {};
    await waitUntil(run, () => {
      if (seen.spill === undefined && spillsIn(refTmp).length) seen.spill = Date.now() - t0;
      if (seen.temp === undefined && outTempsIn(refOut).length) seen.temp = Date.now() - t0;
      if (seen.final === undefined && finalsIn(refOut).length) seen.final = Date.now() - t0;
      return undefined;
    });
    const done = await run.done;
    expect(done.code, done.stderr).toBe(3);
    expect(spillsIn(refTmp)).toEqual([]);
    expect(outTempsIn(refOut)).toEqual([]);
    ref = { summary: jsonLine(done.stdout), phases: { spill: seen.spill ?? 0, temp: seen.temp ?? 0, final: seen.final ?? 0 } };
    expect(ref.phases.spill).toBeLessThan(ref.phases.temp);
  }, 120_000);

  async function killAt(point: (run: Running) => Promise<unknown>): Promise<void> {
    const run = startShili(convert(out, ['--force']), { tmp });
    await point(run);
    await kill(run);
    const state = dbState(db);
    expect(state.integrity).toBe('ok');
    expect(state.content).toBe(dbBefore.content);
    await expectFinalsComplete(out);
    const temps = outTempsIn(out).map((f) => join(out, f)).filter((f) => !leftovers.includes(f));
    const spills = spillsIn(tmp).map((f) => join(tmp, f)).filter((f) => !leftovers.includes(f));
    report.push(`${temps.length} output temp(s), ${spills.length} spill file(s), ${finalsIn(out).length} complete final(s)`);
    leftovers.push(...temps, ...spills);
  }
  const report: string[] = [];

  const appears = (list: () => string[]) => (run: Running) => waitUntil(run, () => (list().length ? true : undefined));
  // Leftovers of earlier kills are already there: wait for this run's own files.
  const newSpill = () => spillsIn(tmp).filter((f) => !leftovers.includes(join(tmp, f)));
  const newTemp = () => outTempsIn(out).filter((f) => !leftovers.includes(join(out, f)));

  it('killed as pass 1 starts (spill file created): no output under a final name', async () => {
    await killAt(appears(newSpill));
    expect(finalsIn(out)).toEqual([]);
  }, 60_000);

  it('killed as pass 2 starts (first output temp created): no output under a final name', async () => {
    await killAt(appears(newTemp));
    expect(finalsIn(out)).toEqual([]);
  }, 60_000);

  it('killed in the middle of pass 2: any final file is complete', async () => {
    await killAt(async (run) => {
      await appears(newTemp)(run);
      await sleep((ref.phases.final - ref.phases.temp) / 2);
    });
  }, 60_000);

  it('killed as the outputs appear under their final names (commit): any final file is complete', async () => {
    await killAt(appears(() => finalsIn(out)));
  }, 60_000);

  it('leftover temp files do not disturb a later run, which does not treat them as outputs', async () => {
    const before = new Map(leftovers.filter(existsSync).map((f) => [f, statSync(f).size]));
    // Reported, not hidden: a SIGKILL gives the process no chance to clean up.
    console.info(`SIGKILL of convert, after each kill: ${report.join('; ')}`);
    const r = await runShili(convert(out, ['--force']), { tmp });
    expect(r.code, r.stderr).toBe(3);
    const s = jsonLine(r.stdout);
    expect(rowsOf(s)).toEqual(rowsOf(ref.summary));
    expect(s.reasons).toEqual(ref.summary.reasons);
    expect(Object.values(s.outputs as Record<string, string>).sort()).toEqual(finalsIn(out).map((f) => join(out, f)).sort());
    await expectFinalsComplete(out);
    // The leftovers are exactly as they were; the run's own temps are gone.
    expect(new Map([...before.keys()].filter(existsSync).map((f) => [f, statSync(f).size]))).toEqual(before);
    expect([...outTempsIn(out).map((f) => join(out, f)), ...spillsIn(tmp).map((f) => join(tmp, f))].sort()).toEqual([...before.keys()].sort());
  }, 60_000);
});
