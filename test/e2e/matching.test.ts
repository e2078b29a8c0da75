// Matching rules on small handcrafted workbooks, so each case is visible in the test itself.
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../src/normalize/idCheckDigit.js';
import { runShili, tempDir } from '../helpers/cli.js';
import { readBack } from '../helpers/readBack.js';

const id = (first17: string) => first17 + idCheckDigit(first17);
const A = 'G' + id('11010120150101001'); // 张三
const B = 'G' + id('11010120150202002'); // 李四
const C = 'G' + id('11010120150303003'); // 王五 (一年级1班)
const D = 'G' + id('11010120150303005'); // 王五 (一年级2班), same birth date: ambiguous with C
const E = 'G' + id('11010120150404007'); // 赵六

const NATIONAL = ['年级编号', '班级编号', '班级名称', '学籍号', '民族代码', '姓名', '性别', '出生日期', '家庭住址', '右眼裸眼视力', '左眼裸眼视力',
  '右眼屈光球镜S', '右眼屈光柱镜C', '右眼屈光轴位A', '左眼屈光球镜S', '左眼屈光柱镜C', '左眼屈光轴位A', '是否为角膜塑形镜（OK镜）佩戴者', '体检日期'];

function nationalRow(studentId: unknown, name: string, sex: string, birth: unknown, ucva: unknown = '4.8'): unknown[] {
  return ['11', '1101', '一年级1班', studentId, '01', name, sex, birth, '', ucva, '5.0', '-1.25', '-0.50', '180', '+0.25', '0', '90', '否', '2025/9/15'];
}

let dir: string;
let db: string;

beforeAll(async () => {
  dir = tempDir('shili-match-');
  db = join(dir, 'r.db');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  ws.addRow(['学籍号', '姓名', '性别', '出生日期', '班级']);
  ws.addRow([A, '张三', '男', '2015-01-01', '一年级1班']);
  ws.addRow([B, '李四', '女', '2015-02-02', '一年级1班']);
  ws.addRow([C, '王五', '男', '2015-03-03', '一年级1班']);
  ws.addRow([D, '王五', '男', '2015-03-03', '一年级2班']);
  ws.addRow([E, '赵六', '男', '2015-04-04', '一年级2班']);
  await wb.xlsx.writeFile(join(dir, 'roster.xlsx'));
  const r = await runShili(['roster', 'import', join(dir, 'roster.xlsx'), '--db', db]);
  expect(r.code).toBe(0);
});

async function convert(rows: unknown[][]): Promise<{ code: number | null; json: Record<string, any> }> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(NATIONAL);
  for (const r of rows) ws.addRow(r);
  const f = join(tempDir(), 'n.xlsx');
  await wb.xlsx.writeFile(f);
  const r = await runShili(['convert', 'national-to-city', f, '--db', db, '--json']);
  expect(r.stderr).toBe('');
  return { code: r.code, json: JSON.parse(r.stdout) };
}

describe('matching', () => {
  it('normalises full-width, lower-case and spaced 学籍号 before matching', async () => {
    const fullWidth = A.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const { code, json } = await convert([
      nationalRow(fullWidth, '张三', '1', '2015/1/1'),
      nationalRow(` ${B.toLowerCase().slice(0, 8)} ${B.toLowerCase().slice(8)}\u200b`, '李四', '2', '2015/2/2'),
    ]);
    expect(code).toBe(0);
    expect(json.matched).toBe(2);
    const up = await readBack(json.outputs.cityUpload);
    expect(up.records.map((r) => r['学籍号'])).toEqual([A, B]);
  });

  it('finds the roster student behind an Excel-damaged id and offers it as candidate, never as a match', async () => {
    const digits = Number(E.slice(1, 16) + '000'); // what Excel keeps of the id typed as a number
    const { code, json } = await convert([nationalRow(digits, '赵 六（错名）', '1', '2016/1/1'), nationalRow('1.10101E+17', '某某', '1', '2015/1/9')]);
    expect(code).toBe(3);
    expect(json.reasons).toEqual({ ID_DAMAGED: 2 });
    const s = await readBack(json.outputs.unmatched);
    expect(s.records[0]!['候选1学籍号']).toBe(E);
    expect(s.records[0]!['候选1依据']).toMatch(/15/);
  });

  it('matches by 姓名 + 出生日期 when the 学籍号 is unknown, and refuses to guess between two students', async () => {
    const unknown = 'G' + id('11010120150202009');
    const { json } = await convert([
      nationalRow(unknown, '李四', '2', '2015/2/2'),
      nationalRow('G' + id('11010120150303001'), '王五', '1', '2015/3/3'),
      nationalRow(unknown.replace('G', 'J'), '李四', '1', '2015/2/2'), // sex differs from the roster
    ]);
    expect(json.matchedByIdentity).toBe(1);
    expect(json.reasons).toEqual({ AMBIGUOUS: 1, NOT_IN_ROSTER: 1 });
    const t = await readBack(json.outputs.cityTemplate);
    expect(t.records[0]).toMatchObject({ 学籍号: B, 姓名: '李四', 性别: '女', 出生日期: '2015/02/02', 班级: '一年级1班', 体检日期: '2025/09/15' });
    const u = await readBack(json.outputs.unmatched);
    const amb = u.records.find((r) => r['原因代码'] === 'AMBIGUOUS')!;
    expect([amb['候选1学籍号'], amb['候选2学籍号']].sort()).toEqual([C, D].sort());
  });

  it('merges identical duplicates and keeps conflicting ones out of the upload', async () => {
    const { code, json } = await convert([
      nationalRow(A, '张三', '1', '2015/1/1'),
      nationalRow(A, '张三', '1', '2015/1/1'),
      nationalRow(B, '李四', '2', '2015/2/2', '4.9'),
      nationalRow(B, '李四', '2', '2015/2/2', '4.7'),
    ]);
    expect(code).toBe(3);
    expect(json).toMatchObject({ rows: 4, matched: 1, merged: 1, unmatched: 2, reasons: { DUPLICATE_CONFLICT: 2 } });
    const u = await readBack(json.outputs.unmatched);
    expect(u.records.map((r) => r['原行号'])).toEqual(['4', '5']);
    expect(u.records[0]!['说明']).toContain('第 4、5 行');
    // Clean rows parked as bytes by pass 1 come back as their texts.
    expect(u.records.map((r) => [r['学籍号'], r['姓名'], r['出生日期'], r['右眼裸眼视力']])).toEqual([
      [B, '李四', '2015/02/02', '4.9'],
      [B, '李四', '2015/02/02', '4.7'],
    ]);
  });

  it('never puts a row with an out-of-range value into an upload file, and names the cell', async () => {
    const { json } = await convert([nationalRow(A, '张三', '1', '2015/1/1', '6.1'), nationalRow(B, '李四', '2', '2015/2/2', '0.8')]);
    expect(json).toMatchObject({ matched: 1, unmatched: 1, reasons: { INVALID_VALUE: 1 } });
    const u = await readBack(json.outputs.unmatched);
    expect(u.records[0]!['说明']).toMatch(/单元格 J2（右眼裸眼视力）/);
    const up = await readBack(json.outputs.cityUpload);
    expect(up.records[0]!['右眼裸眼视力']).toBe('4.9'); // decimal 0.8 converted
  });
});
