// The command line itself: help, usage errors, colour, and the roster and inspect commands' outputs.
import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../src/normalize/idCheckDigit.js';
import { BIN, ROOT, runShili, tempDir } from '../helpers/cli.js';

const ANSI = /\x1b\[/;
const CJK = /[\u4e00-\u9fff]/;
const id = (first17: string) => 'G' + first17 + idCheckDigit(first17);

describe('help and usage', () => {
  it('prints Chinese help for the program and every command', async () => {
    for (const args of [['--help'], ['roster', 'import', '--help'], ['inspect', '--help'], ['convert', 'national-to-city', '--help'], ['help', 'inspect']]) {
      const r = await runShili(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^用法：/);
      expect(r.stdout).toMatch(/选项：/);
      expect(r.stdout).not.toMatch(/Usage:|Options:|display help/);
    }
  });

  it('answers bad usage with one Chinese line and exit code 2', async () => {
    for (const args of [['--bogus'], ['frob'], ['convert', 'national-to-city'], ['convert', 'national-to-city', 'a.xlsx', '--encoding', 'latin9']]) {
      const r = await runShili(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(CJK);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });

  it('prints the version', async () => {
    const r = await runShili(['--version']);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('uses no colour with NO_COLOR, even when colour is forced', async () => {
    const r = await runShili(['inspect', join(ROOT, 'fixtures/sample/national.xlsx')], { env: { NO_COLOR: '1', FORCE_COLOR: '3' } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    const coloured = await runShili(['inspect', join(ROOT, 'fixtures/sample/national.xlsx')], { env: { NO_COLOR: undefined, FORCE_COLOR: '3' } });
    expect(coloured.stdout).toMatch(ANSI);
  });

  it('fails with one Chinese line, not a stack trace, when the file does not exist; --verbose adds the trace', async () => {
    const r = await runShili(['inspect', 'no-such-file.xlsx']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-such-file\.xlsx/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const v = await runShili(['inspect', 'no-such-file.xlsx', '--verbose']);
    expect(v.stderr).toMatch(/\n\s+at /);
  });
});

describe('roster import', () => {
  async function roster(rows: unknown[][]): Promise<string> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['全国学籍号', '姓名', '性别', '出生日期', '学校名称', '班级名称']);
    for (const r of rows) ws.addRow(r);
    const f = join(tempDir(), 'roster.xlsx');
    await wb.xlsx.writeFile(f);
    return f;
  }

  it('adds, updates and skips with row numbers and reasons, and creates the db 0600', async () => {
    const d = tempDir();
    const db = join(d, 'sub.db');
    const a = id('11010120150101001');
    const b = id('11010120150202002');
    const first = await runShili(['roster', 'import', await roster([[a, '张三', '男', '2015-01-01', '一小', '1班'], [b, '李四', '女', '2015/2/2', '一小', '1班']]), '--db', db, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 2, added: 2, updated: 0, skipped: 0 });
    expect(statSync(db).mode & 0o777).toBe(0o600);

    const second = await runShili([
      'roster', 'import',
      await roster([
        [a, '张三', '男', '2015-01-01', '一小', '2班'], // moved class: updated
        [b, '李四', '女', '2015/2/2', '一小', '1班'], // unchanged
        [110101201503030000, '王五', '男', '2015-03-03', '一小', '1班'], // Excel-damaged id
        ['G123', '赵六', '男', '2015-04-04', '一小', '1班'],
        ['', '钱七', '女', '2015-05-05', '一小', '1班'],
      ]),
      '--db', db,
    ]);
    expect(second.code).toBe(3);
    expect(second.stdout).toMatch(/新增 0 人，更新 1 人，未变 1 人，跳过 3 行/);
    expect(second.stdout).toMatch(/单元格 A4：学籍号被 Excel 改成了数字/);
    expect(second.stdout).toMatch(/单元格 A5：学籍号格式不对/);
    expect(second.stdout).toMatch(/单元格 A6：学籍号为空/);
    // Counts, not names, unless --verbose.
    expect(second.stdout).not.toMatch(/王五|赵六|钱七/);
  });

  it('refuses a roster with the same 学籍号 twice and different data, importing the rest', async () => {
    const db = join(tempDir(), 'r.db');
    const a = id('11010120150101001');
    const r = await runShili(['roster', 'import', await roster([[a, '张三', '男', '2015-01-01'], [a, '张山', '男', '2015-01-01'], [id('11010120150202002'), '李四', '女', '2015-02-02']]), '--db', db, '--json']);
    expect(r.code).toBe(3);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ added: 1, skipped: 2 });
    expect(s.skippedRows).toEqual([{ row: 2, reason: 'DUPLICATE_CONFLICT' }, { row: 3, reason: 'DUPLICATE_CONFLICT' }]);
  });

  it('reads the GB18030 CSV roster Chinese Excel writes', async () => {
    const db = join(tempDir(), 'gb.db');
    const r = await runShili(['roster', 'import', join(ROOT, 'fixtures/sample/roster-gb18030.csv'), '--db', db, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 300, added: 300, skipped: 0 });
  });

  it('refuses a national vision file, naming its sheet, and creates no database', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('名单').addRow(['全国学籍号', '姓名']);
    const vision = wb.addWorksheet('视力');
    vision.addRow(['学籍号', '姓名', '性别', '右眼裸眼视力', '左眼裸眼视力']);
    vision.addRow([id('11010120150101001'), '张三', '男', '5.0', '4.9']);
    const d = tempDir();
    const f = join(d, 'vision.xlsx');
    await wb.xlsx.writeFile(f);
    const r = await runShili(['roster', 'import', f, '--db', join(d, 'x.db'), '--json']);
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe('WRONG_TEMPLATE');
    expect(error.message).toContain('视力');
    expect(existsSync(join(d, 'x.db'))).toBe(false);
    // Told which sheet to read, the roster sheet alone is looked at: no longer refused (it has no students).
    const named = await runShili(['roster', 'import', f, '--sheet', '名单', '--db', join(d, 'x.db'), '--json']);
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout)).toMatchObject({ sheet: '名单', rows: 0, added: 0 });
  });

  it('leaves no database behind when the roster file cannot be read', async () => {
    const d = tempDir();
    const r = await runShili(['roster', 'import', join(d, 'missing.xlsx'), '--db', join(d, 'x.db')]);
    expect(r.code).toBe(1);
    expect(existsSync(join(d, 'x.db'))).toBe(false);
  });

  it('a first import that fails halfway through the file leaves no database, not even an empty one', async () => {
    const d = tempDir();
    // 3,000 good rows (several batches are in the transaction by then), then a quote never closed.
    const rows = Array.from({ length: 3000 }, (_, i) => `${id('1101082015010' + String(i).padStart(4, '0'))},学生${i},男`);
    const csv = join(d, 'roster.csv');
    writeFileSync(csv, ['学籍号,姓名,性别', ...rows, '"G1101'].join('\n'));
    const r = await runShili(['roster', 'import', csv, '--db', join(d, 'x.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/第 3002 行.*双引号/);
    expect(r.stderr).not.toMatch(/\.shili-\d+-[0-9a-f]+\.tmp/); // names no temp file
    expect(readdirSync(d)).toEqual(['roster.csv']);
    // So a convert still says what is missing, rather than finding no students.
    const c = await runShili(['convert', 'national-to-city', join(ROOT, 'fixtures/sample/national.xlsx'), '--db', join(d, 'x.db'), '--out', d, '--json']);
    expect(c.code).toBe(1);
    expect(JSON.parse(c.stdout).error.code).toBe('DB_NOT_FOUND');
    // The same file without its broken last line: the database appears, with every row.
    writeFileSync(csv, ['学籍号,姓名,性别', ...rows].join('\n'));
    const ok = await runShili(['roster', 'import', csv, '--db', join(d, 'x.db'), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ added: 3000, db: join(d, 'x.db') });
    expect(readdirSync(d).sort()).toEqual(['roster.csv', 'x.db']);
    expect(statSync(join(d, 'x.db')).mode & 0o777).toBe(0o600);
  });
});

describe('inspect', () => {
  it('names the template, header row and mapping, and the problems with their cells, writing nothing', async () => {
    const r = await runShili(['inspect', join(ROOT, 'fixtures/sample/national.xlsx'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.template.id).toBe('beijing-city-upload');
    expect(s.headerRows).toEqual([2, 2]);
    expect(s.rows).toBe(200);
    expect(s.columns[3]).toEqual({ cell: 'D2', header: '学籍号', field: 'studentId', type: 'studentId' });
    expect(s.problemCells.some((p: { cell: string }) => p.cell === 'N6')).toBe(true);
  });

  it('recognises a roster', async () => {
    const r = await runShili(['inspect', join(ROOT, 'fixtures/sample/roster.xlsx'), '--json']);
    expect(JSON.parse(r.stdout).template.id).toBe('roster');
  });
});

describe('on a terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it.skipIf(!hasScript)('shows a spinner with a real width, finishes on a 0-column pty, and writes the same outputs', async () => {
    const d = tempDir();
    const db = join(d, 'r.db');
    await runShili(['roster', 'import', join(ROOT, 'fixtures/sample/roster.xlsx'), '--db', db]);
    const national = join(ROOT, 'fixtures/sample/national.xlsx');
    const env = { ...process.env, NO_COLOR: undefined, CI: undefined, TERM: 'xterm' } as Record<string, string | undefined>;
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    for (const [cols, out] of [['0', 'zero'], ['100', 'wide']] as const) {
      const cmd = `stty cols ${cols}; node ${BIN} convert national-to-city ${national} --db ${db} --out ${join(d, out)}`;
      const r = spawnSync('script', ['-qec', cmd, join(d, `${out}.log`)], { env: env as NodeJS.ProcessEnv, timeout: 60_000 });
      expect(r.signal, `cols ${cols}`).toBeNull();
      expect(r.status).toBe(3);
      expect(existsSync(join(d, out, 'national.unmatched.xlsx'))).toBe(true);
    }
    expect(readFileSync(join(d, 'wide.log'), 'utf8')).toMatch(/\x1b\[\?25l/); // ora hid the cursor: a spinner ran
  });
});
