import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTPUT_TEMP_PATTERN } from '../../src/io/outputFile.js';
import { STALE_AFTER_MS, sweepStaleTemps } from '../../src/io/staleTemps.js';
import { TEMP_FILE_PATTERN } from '../../src/io/tempFiles.js';
import { runShili } from '../helpers/cli.js';

const dirs: string[] = [];
const scratch = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'shili-stale-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function touch(dir: string, name: string, ageMs: number): string {
  const p = join(dir, name);
  writeFileSync(p, 'student data', { mode: 0o600 });
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(p, t, t);
  return p;
}

const HOURS = 60 * 60 * 1000;

describe.skipIf(process.platform === 'win32')('sweeping temp files a killed run left behind', () => {
  it('removes old files of dead writers, and nothing else', () => {
    const dir = scratch();
    const dead = deadPid();
    const oldDead = touch(dir, `shili-spill-${dead}-0123456789ab.tmp`, 2 * HOURS);
    const recentDead = touch(dir, `shili-spill-${dead}-ba9876543210.tmp`, STALE_AFTER_MS / 2);
    const oldLive = touch(dir, `shili-spill-${process.ppid}-0123456789ab.tmp`, 2 * HOURS);
    const mine = touch(dir, `shili-spill-${process.pid}-0123456789ab.tmp`, 2 * HOURS);
    const other = touch(dir, `shili-spill-notapid-0123456789ab.tmp`, 2 * HOURS);
    const userFile = touch(dir, `成绩.xlsx`, 2 * HOURS);
    mkdirSync(join(dir, `shili-spill-${dead}-aaaaaaaaaaaa.tmp`));

    expect(sweepStaleTemps(dir, TEMP_FILE_PATTERN)).toBe(1);
    expect(existsSync(oldDead)).toBe(false);
    for (const kept of [recentDead, oldLive, mine, other, userFile, join(dir, `shili-spill-${dead}-aaaaaaaaaaaa.tmp`)]) {
      expect(existsSync(kept), kept).toBe(true);
    }
    // Once per folder and process: a second call does not scan again.
    touch(dir, `shili-spill-${dead}-cccccccccccc.tmp`, 2 * HOURS);
    expect(sweepStaleTemps(dir, TEMP_FILE_PATTERN)).toBe(0);
  });

  it('knows the output temp names, Chinese and dotted stems included', () => {
    expect(OUTPUT_TEMP_PATTERN.exec('.一年级1班.city-upload.xlsx.shili-12345-0a1b2c3d.tmp')?.[1]).toBe('12345');
    expect(OUTPUT_TEMP_PATTERN.exec('一年级1班.city-upload.xlsx')).toBeNull();
    expect(OUTPUT_TEMP_PATTERN.exec('.a.shili-12345-0a1b2c3d.tmp.xlsx')).toBeNull();
    expect(TEMP_FILE_PATTERN.exec('shili-spill-12345-0123456789ab.tmp')?.[1]).toBe('12345');
  });

  it('a convert clears old leftovers from the temp folder and from --out, and writes its outputs', async () => {
    const tmp = scratch();
    const out = scratch();
    const dead = deadPid();
    const spill = touch(tmp, `shili-spill-${dead}-0123456789ab.tmp`, 3 * HOURS);
    const outTemp = touch(out, `.national.city-upload.xlsx.shili-${dead}-0a1b2c3d.tmp`, 3 * HOURS);
    const db = join(out, 'r.db');
    const env = { TMPDIR: tmp };
    expect((await runShili(['roster', 'import', 'fixtures/sample/roster.xlsx', '--db', db], { env })).code).toBe(0);
    const r = await runShili(['convert', 'national-to-city', 'fixtures/sample/national.xlsx', '--db', db, '--out', out], { env });
    expect([0, 3]).toContain(r.code);
    expect(existsSync(spill)).toBe(false);
    expect(existsSync(outTemp)).toBe(false);
    expect(existsSync(join(out, 'national.city-upload.xlsx'))).toBe(true);
  });
});
