// Workbooks shili writes never carry a formula that came from input text. A national file and a
// roster whose names, addresses, class names, 学籍号 and values start with = + - @ go through
// convert; every output is read with exceljs and its sheet XML inspected raw.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAM_DATE_HEADER, NATIONAL_HEADERS } from '../../fixtures/gen/national.js';
import { CsvWriter, csvField } from '../../src/io/csvWriter.js';
import { zipEntries } from '../fixtures/zipEntries.js';
import { jsonLine, removeScratch, runShili, scratchDir } from '../faults/support.js';
import { studentId } from './ids.js';

const HYPERLINK = '=HYPERLINK("http://x","y")';
const EVIL_ID = '=HYPERLINK("http://evil","点我")';
const DDE = "=cmd|' /C calc'!A0";
/** Input text → the output kind(s) it must reach, as a plain string. */
const PAYLOADS: Record<string, string[]> = {
  [HYPERLINK]: ['city-upload'],
  '@SUM(1)': ['city-upload'],
  '+1+1': ['city-upload'],
  '-2+3': ['city-upload'],
  '=1+2': ['city-template', 'unmatched'],
  [DDE]: ['city-template', 'unmatched'],
  [EVIL_ID]: ['unmatched'],
  '=1+1': ['unmatched'],
  '@cmd': ['unmatched'],
};

const S1 = studentId('110101', '20150301', 1, '1');
const S2 = studentId('110101', '20150402', 2, '2');
const S3 = studentId('110101', '20150503', 3, '1');
const NOT_IN_ROSTER = studentId('110101', '20150503', 9, '1');

let out: string;
let outputs: Record<string, string>;

function nationalRow(v: Partial<Record<string, ExcelJS.CellValue>>): ExcelJS.CellValue[] {
  const base: Record<string, ExcelJS.CellValue> = {
    年级编号: '11', 班级编号: '1101', 班级名称: '1班', 民族代码: '01', 性别: '1', 家庭住址: '北京市东城区',
    右眼裸眼视力: '5.0', 左眼裸眼视力: '4.8', 右眼屈光球镜S: '-1.25', 右眼屈光柱镜C: '-0.50', 右眼屈光轴位A: '90',
    左眼屈光球镜S: '+0.50', 左眼屈光柱镜C: '0', 左眼屈光轴位A: '180', '是否为角膜塑形镜（OK镜）佩戴者': '否',
    [EXAM_DATE_HEADER]: '2025/09/15',
  };
  const row = { ...base, ...v };
  return [...NATIONAL_HEADERS, EXAM_DATE_HEADER].map((h) => row[h] ?? null);
}

beforeAll(async () => {
  const dir = scratchDir('shili-formulas-');
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  writeFileSync(
    join(dir, 'roster.csv'),
    [
      '学籍号,姓名,性别,出生日期,班级',
      `${S1},张三,1,2015/03/01,1班`,
      `${S2},李四,2,2015/04/02,1班`,
      // A roster whose name and class are formula text: they reach tier 2 and candidate columns.
      `${S3},=1+2,1,2015/05/03,${q(DDE)}`,
    ].join('\n'),
  );
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow([...NATIONAL_HEADERS, EXAM_DATE_HEADER]);
  // Tier 1 (学籍号 in the roster): formula text in 姓名, 班级名称, 家庭住址.
  ws.addRow(nationalRow({ 学籍号: S1, 姓名: HYPERLINK, 班级名称: '@SUM(1)', 家庭住址: '+1+1', 出生日期: '2015/03/01' }));
  // Tier 1, with a real formula cell in the input (a cached value and an <f> element).
  ws.addRow(nationalRow({ 学籍号: S2, 姓名: '-2+3', 性别: '2', 出生日期: '2015/04/02', 家庭住址: { formula: 'HYPERLINK("http://x","y")', result: 'y' } }));
  // Tier 2: 学籍号 not in the roster, 姓名 + 出生日期 of S3, whose roster name and class are formulas.
  ws.addRow(nationalRow({ 学籍号: NOT_IN_ROSTER, 姓名: '=1+2', 出生日期: '2015/05/03' }));
  // Tier 3: a formula as 学籍号, as acuity and as 班级名称; S3 comes up as a candidate by name.
  ws.addRow(nationalRow({ 学籍号: EVIL_ID, 姓名: '=1+2', 出生日期: '2014/01/01', 右眼裸眼视力: '=1+1', 班级名称: '@cmd' }));
  await wb.xlsx.writeFile(join(dir, 'national.xlsx'));

  const db = join(dir, 'r.db');
  const r = await runShili(['roster', 'import', join(dir, 'roster.csv'), '--db', db]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  out = join(dir, 'out');
  const c = await runShili(['convert', 'national-to-city', join(dir, 'national.xlsx'), '--db', db, '--out', out, '--json']);
  expect(c.code, c.stderr).toBe(3);
  const s = jsonLine(c.stdout);
  expect(s).toMatchObject({ matched: 2, matchedByIdentity: 1, unmatched: 1 });
  outputs = {
    'city-upload': join(out, 'national.city-upload.xlsx'),
    'city-template': join(out, 'national.city-template.xlsx'),
    unmatched: join(out, 'national.unmatched.xlsx'),
  };
}, 60_000);
afterAll(removeScratch);

describe('no formulas from input text in output workbooks', () => {
  it('exceljs reads every cell as a string or a number, never a formula, and the input text arrives unchanged', async () => {
    for (const [kind, file] of Object.entries(outputs)) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const texts = new Set<string>();
      wb.eachSheet((ws) =>
        ws.eachRow((row) =>
          row.eachCell((cell) => {
            expect(cell.type, `${kind} ${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
            expect(cell.formula, `${kind} ${cell.address}`).toBeFalsy();
            expect([ExcelJS.ValueType.String, ExcelJS.ValueType.Number], `${kind} ${cell.address}`).toContain(cell.type);
            if (cell.type === ExcelJS.ValueType.String) texts.add(cell.value as string);
          }),
        ),
      );
      for (const [payload, kinds] of Object.entries(PAYLOADS)) {
        if (kinds.includes(kind)) expect([...texts].some((t) => t === payload || t.includes(payload)), `${kind} holds ${payload}`).toBe(true);
      }
    }
  });

  it('the sheet XML has no <f> element, no formula-string cells, and the input text sits in inline strings', () => {
    for (const [kind, file] of Object.entries(outputs)) {
      const parts = zipEntries(file);
      expect([...parts.keys()].filter((p) => /externalLink|calcChain|vbaProject|connections/i.test(p)), kind).toEqual([]);
      const sheets = [...parts].filter(([p]) => p.startsWith('xl/worksheets/'));
      expect(sheets.length).toBeGreaterThan(0);
      for (const [part, bytes] of sheets) {
        const xml = bytes.toString('utf8');
        expect(xml, `${kind} ${part}`).not.toMatch(/<f[\s>/]/);
        expect(xml, `${kind} ${part}`).not.toMatch(/\bt="(str|e)"/);
        for (const cell of xml.match(/<c [^>]*>.*?<\/c>/g) ?? []) {
          if (/<v>/.test(cell)) expect(cell, `${kind} ${part}: a number cell`).toMatch(/^<c r="[A-Z]+\d+"( s="\d+")?><v>-?\d+(\.\d+)?<\/v><\/c>$/);
          else expect(cell, `${kind} ${part}`).toMatch(/ t="inlineStr"/);
        }
      }
      // The only defined name allowed is the filter range Excel needs: a plain range, no formula.
      const workbook = parts.get('xl/workbook.xml')!.toString('utf8');
      for (const [, name, body] of workbook.matchAll(/<definedName name="([^"]+)"[^>]*>(.*?)<\/definedName>/g)) {
        expect(name).toBe('_xlnm._FilterDatabase');
        expect(body).toMatch(/^'[^']+'!\$[A-Z]+\$\d+:\$[A-Z]+\$\d+$/);
      }
    }
  });

  it('signed numbers such as -1.25 and +0.50 stay plain text, not numbers and not prefixed', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(outputs['city-upload']!);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).map(String);
    const col = (h: string) => header.indexOf(h);
    for (const r of [2, 3]) {
      const row = ws.getRow(r);
      expect(row.getCell(col('右眼屈光球镜S')).value).toBe('-1.25');
      expect(row.getCell(col('左眼屈光球镜S')).value).toBe('+0.50');
      expect(row.getCell(col('右眼屈光柱镜C')).value).toBe('-0.50');
    }
  });
});

describe('CSV written by shili is guarded against formula injection', () => {
  it('prefixes = + - @ (and tab, CR) with an apostrophe, keeps signed numbers, quotes what needs quoting', async () => {
    const values = [HYPERLINK, EVIL_ID, DDE, '@SUM(1)', '+1+1', '-2+3', '=1+2', '\t=1', '-1.25', '+0.50', '-.5', '张三'];
    const file = join(scratchDir('shili-csv-formula-'), 'out.csv');
    const w = await CsvWriter.create(file);
    await w.writeRow(values);
    await w.close();
    const [row] = parse(readFileSync(file), { bom: true }) as string[][];
    expect(row).toEqual(values.map((v) => (/^[+-](\d+(\.\d*)?|\.\d+)$/.test(v) || /^[^=+\-@\t\r]/.test(v) ? v : `'${v}`)));
    for (const v of values) expect(csvField(v).replace(/^"|"$/g, '').replace(/""/g, '"').replace(/^'/, '')).toBe(v);
  });
});
