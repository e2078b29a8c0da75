// Differential test: a workbook written by exceljs reads the same through our
// reader as through exceljs's own reader, cell by cell (dates compared as serials).
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSheets, openTable } from '../../src/io/open.js';
import type { Cell, Row } from '../../src/io/table.js';
import { tempDir } from './read-fixtures/xlsx.js';

const tmp = tempDir('xlsx-exceljs');
afterAll(() => tmp.cleanup());

const MS_PER_DAY = 86_400_000;
/** exceljs turns serials into Dates as UTC midnight plus the fraction; undo that. */
const serialOf = (d: Date): number => d.getTime() / MS_PER_DAY + 25569;

async function writeSample(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const cover = wb.addWorksheet('封面', { state: 'hidden' });
  cover.getCell('A1').value = '说明';
  const ws = wb.addWorksheet('视力');
  wb.addWorksheet('备用', { state: 'veryHidden' }).getCell('B2').value = 1;

  ws.mergeCells('A1:H1');
  ws.getCell('A1').value = '2024年秋季学期 视力筛查结果';
  ws.addRow(['姓名', '学号', '出生日期', '戴镜', '右眼', '备注', '公式', '错误', '检查时间']);
  for (let i = 0; i < 40; i++) {
    const row = ws.addRow([
      i % 7 === 0 ? { richText: [{ text: '张', font: { bold: true } }, { text: `三${i}` }] } : `学生${i}`,
      20240000 + i,
      new Date(Date.UTC(2012 + (i % 5), i % 12, 1 + (i % 27))),
      i % 3 === 0,
      4 + (i % 11) / 10,
      i % 5 === 0 ? `第一行\r\n第二行 & <${i}>` : null,
      i % 2 ? { formula: `E${i + 3}*2`, result: (4 + (i % 11) / 10) * 2 } : { formula: `A${i + 3}&"x"`, result: `x${i}` },
      i % 9 === 0 ? { error: '#N/A' } : -0.25 * i,
      new Date(Date.UTC(2024, 8, 2, 8, 30 + i, 15)),
    ]);
    row.getCell(3).numFmt = 'yyyy-mm-dd';
    row.getCell(9).numFmt = 'yyyy/m/d h:mm:ss';
    if (i % 10 === 4) row.hidden = true;
  }
  ws.addRow([]);
  ws.addRow(['合计', { formula: 'COUNTA(B3:B42)', result: 40 }]);
  ws.mergeCells('F45:G46');
  await wb.xlsx.writeFile(path);
}

function expectedCell(cell: ExcelJS.Cell): { cell: Cell | undefined; formula: boolean } {
  if (cell.type === ExcelJS.ValueType.Merge) return { cell: undefined, formula: false };
  const v = cell.value as unknown;
  const formula = typeof v === 'object' && v !== null && ('formula' in v || 'sharedFormula' in v);
  const plain = formula ? (v as { result?: unknown }).result : v;
  return { cell: toCell(plain), formula };
}

function toCell(v: unknown): Cell | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'string') return { t: 's', v };
  if (typeof v === 'number') return { t: 'n', v };
  if (typeof v === 'boolean') return { t: 'b', v };
  if (v instanceof Date) return { t: 'd', v: serialOf(v) };
  if (typeof v === 'object' && 'richText' in v) return { t: 's', v: (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('') };
  if (typeof v === 'object' && 'error' in v) return { t: 'e', v: String((v as ExcelJS.CellErrorValue).error) };
  throw new Error(`unexpected exceljs value ${JSON.stringify(v)}`);
}

describe('exceljs-written workbook', () => {
  const path = `${tmp.dir}/exceljs.xlsx`;
  let ours: Row[] = [];
  let merges: unknown[] = [];
  const reference = new ExcelJS.Workbook();

  beforeAll(async () => {
    await writeSample(path);
    const source = await openTable(path);
    for await (const row of source.rows()) ours.push(row);
    merges = source.merges();
    await reference.xlsx.readFile(path);
  });

  it('lists the same sheets with the same visibility', async () => {
    expect(await listSheets(path)).toEqual(reference.worksheets.map((ws) => ({ name: ws.name, hidden: ws.state !== 'visible' })));
  });

  it('reads every cell with the same value and type as exceljs', () => {
    const ws = reference.getWorksheet('视力')!;
    const byNumber = new Map(ours.map((r) => [r.rowNumber, r]));
    let compared = 0;
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const mine = byNumber.get(rowNumber);
      row.eachCell({ includeEmpty: true }, (cell, colNumber) => {
        const { cell: want, formula } = expectedCell(cell);
        const got = mine?.cells[colNumber - 1];
        const where = `${cell.address}`;
        if (want?.t === 'd' && got?.t === 'd') expect(got.v, where).toBeCloseTo(want.v, 8);
        else expect(got, where).toEqual(want);
        expect(mine?.formulas?.[colNumber - 1] ?? false, where).toBe(formula);
        compared++;
      });
      expect(mine?.hidden ?? false, `row ${rowNumber}`).toBe(row.hidden);
    });
    expect(compared).toBeGreaterThan(300);
    // No extra rows on our side either.
    const theirs: number[] = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      if (row.values && (row.values as unknown[]).some((v) => v !== null && v !== undefined && v !== '')) theirs.push(n);
    });
    expect(ours.map((r) => r.rowNumber)).toEqual(theirs);
  });

  it('reports the same merged ranges', () => {
    const ws = reference.getWorksheet('视力')!;
    const refs = (ws.model as unknown as { merges: string[] }).merges;
    expect(refs.sort()).toEqual(['A1:H1', 'F45:G46']);
    expect(merges).toEqual([
      { top: 1, left: 0, bottom: 1, right: 7 },
      { top: 45, left: 5, bottom: 46, right: 6 },
    ]);
  });

  it('matches exceljs’s streaming reader too', async () => {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
    const streamed = new Map<string, Cell | undefined>();
    for await (const sheet of reader) {
      if ((sheet as unknown as { name: string }).name !== '视力') continue;
      for await (const row of sheet) row.eachCell((cell) => streamed.set(cell.address, expectedCell(cell).cell));
    }
    let n = 0;
    for (const row of ours) {
      row.cells.forEach((got, i) => {
        if (!got) return;
        const address = `${String.fromCharCode(65 + i)}${row.rowNumber}`;
        const want = streamed.get(address);
        if (got.t === 'd' && want?.t === 'd') expect(got.v, address).toBeCloseTo(want.v, 8);
        else expect(got, address).toEqual(want);
        n++;
      });
    }
    expect(n).toBeGreaterThan(300);
  });
});
