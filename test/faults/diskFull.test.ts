// A full disk, simulated with a small tmpfs (Linux, needs mount rights: skipped cleanly without).
// shili fails with exit 1 and a Chinese "disk full" message, leaves nothing under a final name,
// no temp files, and the database unchanged.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureSet } from '../../fixtures/gen/fixtureSet.js';
import { BASE_SET, MAIN_SET, STACK, cachedFixture, copyDb, dbState, finalsIn, outTempsIn, removeScratch, runShili, scratchDir, spillsIn } from './support.js';

const DISK_FULL = /磁盘空间不足|磁盘已满/;
const finalNames = ['national.city-upload.xlsx', 'national.city-template.xlsx', 'national.unmatched.xlsx'];

let main: FixtureSet;
let base: FixtureSet;
let work: string;
let mnt: string;
let mounted = false;
let whyNot = '';
/** The main roster, on a disk with room. */
let db: string;
let tmpCaseMessage = '';

/** Fills the tmpfs until only `leave` bytes are free. */
function fill(leave: number): void {
  const s = statfsSync(mnt);
  const free = s.bavail * s.bsize;
  writeFileSync(join(mnt, 'filler.bin'), Buffer.alloc(Math.max(0, free - leave)));
}

function emptyDisk(): void {
  for (const f of ['filler.bin']) rmSync(join(mnt, f), { force: true });
}

beforeAll(async () => {
  work = scratchDir('shili-diskfull-');
  mnt = join(work, 'small');
  mkdirSync(mnt);
  if (process.platform !== 'linux') whyNot = 'tmpfs needs Linux';
  else {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mnt], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      whyNot = `cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
    }
  }
  if (!mounted) return;
  [main, base] = await Promise.all([cachedFixture('faults-main', MAIN_SET), cachedFixture('faults-base', BASE_SET)]);
  db = join(work, 'roster.db');
  const r = await runShili(['roster', 'import', main.roster.xlsx, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
}, 240_000);

afterAll(() => {
  if (mounted) execFileSync('umount', [mnt]);
  removeScratch();
});

describe('a full disk', () => {
  it('as --out: exit 1, a clear message, no final and no temp files, the spill file removed', async (ctx) => {
    if (!mounted) return ctx.skip(whyNot);
    const before = dbState(db);
    const out = join(mnt, 'out');
    mkdirSync(out);
    fill(96 * 1024);
    const tmp = scratchDir('shili-diskfull-tmp-');
    try {
      const r = await runShili(['convert', 'national-to-city', main.national!.xlsx, '--db', db, '--out', out], { tmp });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(DISK_FULL);
      expect(r.stderr).toContain(out);
      expect(r.stderr).not.toMatch(STACK);
      expect(finalsIn(out)).toEqual([]);
      expect(outTempsIn(out)).toEqual([]);
      expect(spillsIn(tmp)).toEqual([]);
      expect(dbState(db)).toEqual(before);
      // --force over earlier outputs, with --json: the earlier outputs stay as they were, and
      // stdout holds one JSON object naming the failure.
      const earlier = finalNames.map((f) => join(out, f));
      for (const f of earlier) writeFileSync(f, `earlier ${f}`);
      const j = await runShili(['convert', 'national-to-city', main.national!.xlsx, '--db', db, '--out', out, '--json', '--force'], { tmp });
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout.trim())).toMatchObject({ error: { code: 'DISK_FULL', message: expect.stringMatching(DISK_FULL) } });
      for (const f of earlier) expect(readFileSync(f, 'utf8')).toBe(`earlier ${f}`);
      expect(outTempsIn(out)).toEqual([]);
      expect(spillsIn(tmp)).toEqual([]);
    } finally {
      emptyDisk();
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('as the temp folder (spill file): exit 1, a clear message, nothing written', async (ctx) => {
    if (!mounted) return ctx.skip(whyNot);
    const tmp = join(mnt, 'tmp');
    mkdirSync(tmp);
    fill(64 * 1024);
    const out = join(work, 'tmp-case-out');
    try {
      const r = await runShili(['convert', 'national-to-city', main.national!.xlsx, '--db', db, '--out', out], { tmp });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(DISK_FULL);
      expect(r.stderr).not.toMatch(STACK);
      expect(finalsIn(out)).toEqual([]);
      expect(outTempsIn(out)).toEqual([]);
      expect(spillsIn(tmp)).toEqual([]);
      tmpCaseMessage = r.stderr;
    } finally {
      emptyDisk();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);

  // BUG: the message names no folder and its fix (--out) does not help: the spill file goes to
  // the system temp folder whatever --out says.
  it('as the temp folder: the message names the temp folder and how to choose another (TMPDIR)', (ctx) => {
    if (!mounted) return ctx.skip(whyNot);
    expect(tmpCaseMessage).toContain(join(mnt, 'tmp'));
    expect(tmpCaseMessage).toMatch(/TMPDIR|临时文件夹/);
  });

  it('as the database location: exit 1, a clear message, the database unchanged', async (ctx) => {
    if (!mounted) return ctx.skip(whyNot);
    const seed = join(work, 'seed.db');
    expect((await runShili(['roster', 'import', base.roster.xlsx, '--db', seed])).code).toBe(0);
    const db = copyDb(seed, join(mnt, 'roster.db'));
    const before = dbState(db);
    fill(160 * 1024);
    try {
      const r = await runShili(['roster', 'import', main.roster.xlsx, '--db', db]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(DISK_FULL);
      expect(r.stderr).not.toMatch(STACK);
      emptyDisk();
      const after = dbState(db);
      expect(after.integrity).toBe('ok');
      expect(after.content).toBe(before.content);
      expect(after.batches).toEqual(before.batches);
    } finally {
      emptyDisk();
    }
  }, 60_000);

  it('as the location of a new database: exit 1, a message naming that database, and no file left', async (ctx) => {
    if (!mounted) return ctx.skip(whyNot);
    const fresh = join(mnt, 'new.db');
    fill(160 * 1024);
    try {
      const r = await runShili(['roster', 'import', main.roster.xlsx, '--db', fresh]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(DISK_FULL);
      expect(r.stderr).not.toMatch(STACK);
      // It is built under a hidden temp name; the message names the database the user asked for.
      expect(r.stderr).not.toMatch(/\.shili-\d+/);
      expect(readdirSync(mnt).filter((f) => f.includes('new.db'))).toEqual([]);
    } finally {
      emptyDisk();
    }
  }, 60_000);
});
