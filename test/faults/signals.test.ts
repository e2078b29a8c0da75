// Ctrl-C (SIGINT) and a polite kill (SIGTERM) mid-run: shili exits non-zero, removes every temp
// file it made (in --out and its spill file in the temp folder), and writes no final file.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureSet } from '../../fixtures/gen/fixtureSet.js';
import {
  BASE_SET,
  MAIN_SET,
  POSIX,
  WriteLockProbe,
  cachedFixture,
  copyDb,
  dbState,
  finalsIn,
  outTempsIn,
  removeScratch,
  runShili,
  scratchDir,
  spillsIn,
  startShili,
  waitUntil,
  type Running,
} from './support.js';

let main: FixtureSet;
let base: FixtureSet;
let work: string;
let db: string;

beforeAll(async () => {
  [main, base] = await Promise.all([cachedFixture('faults-main', MAIN_SET), cachedFixture('faults-base', BASE_SET)]);
  work = scratchDir('shili-signals-');
  db = join(work, 'roster.db');
  const r = await runShili(['roster', 'import', main.roster.xlsx, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
}, 240_000);
afterAll(removeScratch);

/** Sends `signal` and checks the process ended because of it (killed by it, or exit 128+n). */
async function interrupt(run: Running, signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  expect(run.exited(), 'the process finished before the signal could be sent').toBe(false);
  run.child.kill(signal);
  const r = await run.done;
  const byThisSignal = r.signal === signal || r.code === 128 + (signal === 'SIGINT' ? 2 : 15);
  expect(byThisSignal, `exit ${r.code} ${r.signal}: ${r.stderr}`).toBe(true);
  expect(r.code).not.toBe(0);
}

describe.skipIf(!POSIX)('convert national-to-city interrupted', () => {
  const convert = (out: string, extra: string[] = []) => ['convert', 'national-to-city', main.national!.xlsx, '--db', db, '--out', out, ...extra];

  it('SIGINT during pass 1 removes the spill file and writes nothing', async () => {
    const out = join(work, 'out-p1');
    const tmp = scratchDir('shili-sig-tmp-');
    const run = startShili(convert(out), { tmp });
    expect(await waitUntil(run, () => (spillsIn(tmp).length ? true : undefined))).toBe(true);
    await interrupt(run, 'SIGINT');
    expect(spillsIn(tmp)).toEqual([]);
    expect(finalsIn(out)).toEqual([]);
    expect(outTempsIn(out)).toEqual([]);
  }, 60_000);

  it('SIGTERM during pass 2 removes the output temps and the spill file, and writes no final file', async () => {
    const out = join(work, 'out-p2');
    const tmp = scratchDir('shili-sig-tmp-');
    const run = startShili(convert(out), { tmp });
    expect(await waitUntil(run, () => (outTempsIn(out).length ? true : undefined))).toBe(true);
    // The rows' spill (a file this small is read by one thread; see the next describe).
    expect(spillsIn(tmp)).toHaveLength(1);
    await interrupt(run, 'SIGTERM');
    expect(outTempsIn(out)).toEqual([]);
    expect(spillsIn(tmp)).toEqual([]);
    expect(finalsIn(out)).toEqual([]);
  }, 60_000);

  it('SIGINT during pass 2 of a --force run leaves the earlier outputs exactly as they were', async () => {
    const out = join(work, 'out-force');
    mkdirSync(out);
    const earlier = ['national.city-upload.xlsx', 'national.city-template.xlsx', 'national.unmatched.xlsx'];
    for (const f of earlier) writeFileSync(join(out, f), `earlier ${f}`);
    const tmp = scratchDir('shili-sig-tmp-');
    const run = startShili(convert(out, ['--force']), { tmp });
    expect(await waitUntil(run, () => (outTempsIn(out).length ? true : undefined))).toBe(true);
    await interrupt(run, 'SIGINT');
    for (const f of earlier) expect(readFileSync(join(out, f), 'utf8')).toBe(`earlier ${f}`);
    expect(finalsIn(out)).toEqual(earlier.sort());
    expect(outTempsIn(out)).toEqual([]);
    expect(spillsIn(tmp)).toEqual([]);
  }, 60_000);
});

describe.skipIf(!POSIX)('roster import interrupted', () => {
  // No handler of shili's runs inside the (synchronous) import transaction: the signal's default
  // action ends the process there, and SQLite rolls the transaction back on the next open.
  it('SIGINT inside the import transaction leaves the database as it was', async () => {
    const baseDb = join(work, 'base.db');
    const r = await runShili(['roster', 'import', base.roster.xlsx, '--db', baseDb]);
    expect(r.code, r.stderr).toBe(0);
    const before = dbState(baseDb);
    const target = copyDb(baseDb, join(work, 'target.db'));
    const probe = new WriteLockProbe(target);
    const run = startShili(['roster', 'import', main.roster.xlsx, '--db', target]);
    try {
      expect(await waitUntil(run, () => (probe.held() ? true : undefined))).toBe(true);
      await interrupt(run, 'SIGINT');
    } finally {
      probe.close();
    }
    const after = dbState(target);
    expect(after.integrity).toBe('ok');
    expect(after.content).toBe(before.content);
    expect(after.batches).toEqual(before.batches);
  }, 60_000);
  it('SIGINT during a first import leaves no database and no temp file', async () => {
    const dir = scratchDir('shili-sig-new-');
    const fresh = join(dir, 'new.db');
    const run = startShili(['roster', 'import', main.roster.xlsx, '--db', fresh]);
    // The new database's temp has its -wal once migrations ran: the import is under way.
    expect(await waitUntil(run, () => (readdirSync(dir).some((f) => f.endsWith('.tmp-wal')) ? true : undefined))).toBe(true);
    await interrupt(run, 'SIGINT');
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});

describe.skipIf(!POSIX)('convert national-to-city of a big file interrupted while two threads read it', () => {
  // Over the size at which a helper thread takes every other block of rows (pass1Thread.ts).
  let big: FixtureSet;
  let bigDb: string;
  beforeAll(async () => {
    big = await cachedFixture('faults-big', { students: 20_000, rows: 20_000, seed: 'shili-faults-big', examDateColumn: true });
    bigDb = join(work, 'big.db');
    const r = await runShili(['roster', 'import', big.roster.xlsx, '--db', bigDb]);
    expect(r.code, r.stderr).toBe(0);
  }, 240_000);

  it('SIGINT in pass 1 removes both threads\' spill files, and writes nothing', async () => {
    const out = join(work, 'out-big');
    const tmp = scratchDir('shili-sig-tmp-');
    const run = startShili(['convert', 'national-to-city', big.national!.xlsx, '--db', bigDb, '--out', out], { tmp, env: { SHILI_PASS1_THREADS: '2' } });
    expect(await waitUntil(run, () => (spillsIn(tmp).length === 2 ? true : undefined))).toBe(true);
    await interrupt(run, 'SIGINT');
    expect(spillsIn(tmp)).toEqual([]);
    expect(finalsIn(out)).toEqual([]);
    expect(outTempsIn(out)).toEqual([]);
  }, 240_000);
});
