// End to end: the built CLI on generated workbooks, outputs read back with an independent reader.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateFixtureSet } from '../../fixtures/gen/fixtureSet.js';
import type { TruthRow, TruthTotals } from '../../fixtures/gen/truth.js';
import { runShili, tempDir } from '../helpers/cli.js';
import { readBack } from '../helpers/readBack.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

let dir: string;
let db: string;
let national: string;
let truth: { totals: TruthTotals; rows: TruthRow[] };

beforeAll(async () => {
  dir = tempDir('shili-e2e-');
  const set = await generateFixtureSet({ out: dir, students: 500, rows: 400, seed: 'e2e-convert', examDateColumn: true, titleRows: 1 });
  national = set.national!.xlsx;
  truth = JSON.parse(readFileSync(set.national!.truth, 'utf8'));
  db = join(dir, 'roster.db');
  const r = await runShili(['roster', 'import', set.roster.xlsx, '--db', db]);
  expect(r.stderr).toBe('');
  expect([0, 3]).toContain(r.code);
});

describe('shili convert national-to-city', () => {
  let out: string;
  let summary: Record<string, unknown>;
  let code: number | null;
  let inputHash: string;

  beforeAll(async () => {
    out = join(dir, 'out');
    inputHash = sha(national);
    const r = await runShili(['convert', 'national-to-city', national, '--db', db, '--out', out, '--json']);
    code = r.code;
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    summary = JSON.parse(lines[0]!);
  });

  it('reports the tiers the ground truth expects, and exit code 3 for rows needing a person', () => {
    const t = truth.totals;
    expect(code).toBe(3);
    expect(summary).toMatchObject({
      input: national,
      rows: t.rows,
      matched: t.tier1,
      matchedByIdentity: t.tier2,
      unmatched: t.tier3,
    });
    const expectedReasons = Object.fromEntries(Object.entries(t.reasons).filter(([, n]) => n > 0));
    expect(summary.reasons).toEqual(expectedReasons);
    expect(summary.outputs).toEqual({
      cityUpload: join(out, 'national.city-upload.xlsx'),
      cityTemplate: join(out, 'national.city-template.xlsx'),
      unmatched: join(out, 'national.unmatched.xlsx'),
    });
  });

  it('writes every tier-1 row, as text, national columns in input order plus 体检日期 last', async () => {
    const s = await readBack(join(out, 'national.city-upload.xlsx'));
    expect(s.header).toEqual([
      '年级编号', '班级编号', '班级名称', '学籍号', '民族代码', '姓名', '性别', '出生日期', '家庭住址',
      '右眼裸眼视力', '左眼裸眼视力', '右眼屈光球镜S', '右眼屈光柱镜C', '右眼屈光轴位A',
      '左眼屈光球镜S', '左眼屈光柱镜C', '左眼屈光轴位A', '是否为角膜塑形镜（OK镜）佩戴者', '体检日期',
    ]);
    const expected = truth.rows.filter((r) => r.tier === 1 && r.duplicateOf === undefined).map((r) => r.studentId).sort();
    expect(s.records.map((r) => r['学籍号']).sort()).toEqual(expected);
    for (const row of s.rows) {
      for (const cell of row) {
        if (cell.value === null) continue;
        expect(cell.type).toBe('String');
        expect(cell.numFmt).toBe('@');
      }
    }
    for (const r of s.records) {
      expect(r['学籍号']).toMatch(/^[GJL][0-9A-Z]{18}$/);
      expect(r['体检日期']).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
      if (r['出生日期']) expect(r['出生日期']).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
      for (const h of ['右眼裸眼视力', '左眼裸眼视力']) if (r[h]) expect(r[h]).toMatch(/^(0|[345]\.\d)$/);
      for (const h of ['右眼屈光球镜S', '右眼屈光柱镜C', '左眼屈光球镜S', '左眼屈光柱镜C']) if (r[h]) expect(r[h]).toMatch(/^([+-]\d+\.\d\d|0\.00)$/);
      for (const h of ['右眼屈光轴位A', '左眼屈光轴位A']) if (r[h]) expect(Number(r[h])).toBeLessThanOrEqual(180);
      if (r['性别']) expect(r['性别']).toMatch(/^[12]$/);
    }
  });

  it('writes tier-2 rows in the city template with the roster 学籍号', async () => {
    const s = await readBack(join(out, 'national.city-template.xlsx'));
    expect(s.header.slice(0, 7)).toEqual(['学籍号', '姓名', '性别', '出生日期', '年级', '班级', '体检日期']);
    const expected = truth.rows.filter((r) => r.tier === 2 && r.duplicateOf === undefined).map((r) => r.studentId).sort();
    expect(s.records.map((r) => r['学籍号']).sort()).toEqual(expected);
    for (const row of s.rows) for (const c of row) if (c.value !== null) expect([c.type, c.numFmt]).toEqual(['String', '@']);
  });

  it('lists every tier-3 row with its source row number, reason code and a Chinese explanation', async () => {
    const s = await readBack(join(out, 'national.unmatched.xlsx'));
    expect(s.name).toBe('需人工处理');
    expect(s.header.slice(0, 8)).toEqual(['原行号', '学籍号', '姓名', '性别', '出生日期', '班级名称', '原因代码', '说明']);
    expect(s.header).toContain('候选1学籍号');
    const got = s.records.map((r) => `${r['原行号']} ${r['原因代码']}`).sort();
    const want = truth.rows.filter((r) => r.tier === 3).map((r) => `${r.row} ${r.reason}`).sort();
    expect(got).toEqual(want);
    for (const r of s.records) {
      expect(r['说明']).toMatch(/[\u4e00-\u9fff]/);
      expect(r['说明']).toMatch(/请/);
      if (r['原因代码'] === 'INVALID_VALUE') expect(r['说明']).toMatch(/单元格 [A-Z]+\d+/);
    }
    // An Excel-damaged id is found again through its surviving digits whenever the roster holds it.
    const roster = new Database(db, { readonly: true });
    const damaged = s.records.filter((r) => r['原因代码'] === 'ID_DAMAGED');
    for (const r of damaged) {
      const digits = r['学籍号']!.replace(/\D/g, '').slice(0, 15);
      const hit = roster.prepare('SELECT student_id FROM students WHERE substr(student_id, 2, 15) = ?').all(digits) as { student_id: string }[];
      if (hit.length === 1) expect(r['候选1学籍号']).toBe(hit[0]!.student_id);
    }
    roster.close();
  });

  it('leaves the input untouched and writes files readable by their owner only', () => {
    expect(sha(national)).toBe(inputHash);
    for (const f of readdirSync(out)) {
      expect(statSync(join(out, f)).mode & 0o077).toBe(0);
      expect(f).not.toMatch(/tmp/);
    }
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite existing outputs without --force, and overwrites with it', async () => {
    const before = sha(join(out, 'national.unmatched.xlsx'));
    const r = await runShili(['convert', 'national-to-city', national, '--db', db, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/输出文件已存在/);
    expect(r.stderr).toMatch(/--force/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(sha(join(out, 'national.unmatched.xlsx'))).toBe(before);
    const f = await runShili(['convert', 'national-to-city', national, '--db', db, '--out', out, '--force']);
    expect(f.code).toBe(3);
    expect(f.stdout).toMatch(/读取 \d+ 行/);
  });
});

describe('exam date', () => {
  it('stops before writing anything when there is neither a 体检日期 column nor --exam-date', async () => {
    const d = tempDir();
    const set = await generateFixtureSet({ out: d, students: 60, rows: 40, seed: 'no-date', examDateColumn: false, clean: true });
    await runShili(['roster', 'import', set.roster.xlsx, '--db', join(d, 'x.db')]);
    const r = await runShili(['convert', 'national-to-city', set.national!.xlsx, '--db', join(d, 'x.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/体检日期/);
    expect(r.stderr).toMatch(/--exam-date/);
    expect(readdirSync(d).filter((f) => f.includes('city') || f.includes('unmatched'))).toEqual([]);

    const ok = await runShili(['convert', 'national-to-city', set.national!.xlsx, '--db', join(d, 'x.db'), '--exam-date', '2025年9月15日', '--json']);
    expect(ok.code).toBe(0);
    const s = JSON.parse(ok.stdout);
    expect(s.unmatched).toBe(0);
    expect(s.outputs.unmatched).toBeNull();
    expect(existsSync(join(d, 'national.unmatched.xlsx'))).toBe(false);
    const up = await readBack(s.outputs.cityUpload);
    expect(up.header.at(-1)).toBe('体检日期');
    expect(new Set(up.records.map((r) => r['体检日期']))).toEqual(new Set(['2025/09/15']));
  });

  it('refuses an --out that is a file, or runs through one, as a usage error before reading anything', async () => {
    const d = tempDir();
    const file = join(d, '结果.xlsx');
    writeFileSync(file, 'not a folder');
    for (const outArg of [file, join(file, 'sub')]) {
      // Two inputs: a batch must not be stopped by an internal error either.
      const r = await runShili(['convert', 'national-to-city', national, national, '--db', db, '--out', outArg]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^错误：--out 应当是一个文件夹/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(readdirSync(d)).toEqual(['结果.xlsx']);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('rejects a malformed --exam-date as a usage error (exit 2)', async () => {
    const r = await runShili(['convert', 'national-to-city', 'x.xlsx', '--exam-date', '2025/02/30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--exam-date/);
    // It says what is wrong, not only the format: a date in the future is well written but impossible.
    expect(r.stderr).toMatch(/不存在/);
    const future = await runShili(['convert', 'national-to-city', 'x.xlsx', '--exam-date', '2099/01/01']);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/^错误：--exam-date 的值“2099\/01\/01”不是有效的体检日期：日期 2099\/01\/01 不在合理范围/);
  });
});

describe('several inputs', () => {
  it('prints one JSON object per input and keeps going past a broken file', async () => {
    const d = tempDir();
    const set = await generateFixtureSet({ out: d, students: 80, rows: 50, seed: 'multi', examDateColumn: true, clean: true });
    const db = join(d, 'm.db');
    await runShili(['roster', 'import', set.roster.xlsx, '--db', db]);
    const second = join(d, 'second.xlsx');
    copyFileSync(set.national!.xlsx, second);
    const broken = join(d, 'broken.xlsx');
    copyFileSync(set.roster.xlsx, broken); // a roster is not a national template
    const r = await runShili(['convert', 'national-to-city', set.national!.xlsx, broken, second, '--db', db, '--out', join(d, 'o'), '--json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].matched).toBe(50);
    expect(lines[1].error.code).toMatch(/^HEADER_/);
    expect(lines[2].matched).toBe(50);
    expect(r.code).toBe(1);
  });
});

describe('memory limit of the conversion thread', () => {
  it('turns running out of memory into a Chinese error naming SHILI_HEAP_MB, writing nothing', async () => {
    // 1 MB is too little for the thread to start: the batch stops before its first file.
    const out = join(tempDir(), 'o');
    const r = await runShili(['convert', 'national-to-city', national, '--db', db, '--out', out], { env: { SHILI_HEAP_MB: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^错误：转换时内存不足（上限 1 MB），正在转换的文件没有写出任何结果文件。请设置环境变量 SHILI_HEAP_MB=1024 后重新转换/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a SHILI_HEAP_MB that is not a number as a usage error (exit 2)', async () => {
    const r = await runShili(['convert', 'national-to-city', national, '--db', db, '--out', join(tempDir(), 'o')], { env: { SHILI_HEAP_MB: '1g' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SHILI_HEAP_MB 的值“1g”不是正整数');
  });

  it('converts the same file alike with a larger limit', async () => {
    const out = join(tempDir(), 'o');
    const r = await runShili(['convert', 'national-to-city', national, '--db', db, '--out', out, '--json'], { env: { SHILI_HEAP_MB: '1024' } });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: truth.totals.rows, matched: truth.totals.tier1, unmatched: truth.totals.tier3 });
  });
});
