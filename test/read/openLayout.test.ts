// openLayout's two ways to the data rows: one at a time and in batches, which
// must give the same rows after the header and fail the same way.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ShiliError } from '../../src/errors.js';
import type { Row } from '../../src/io/table.js';
import { openLayout } from '../../src/read/openLayout.js';
import { getTemplate } from '../../src/templates/registry.js';
import { buildXlsx, tempDir, values, worksheet } from '../io/read-fixtures/xlsx.js';

/** Sheets opened by openTable, in order: each open of an .xlsx reads its shared strings. */
const opened = vi.hoisted((): (string | undefined)[] => []);
vi.mock('../../src/io/open.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../src/io/open.js')>();
  return { ...mod, openTable: (path: string, opts?: { sheet?: string }) => (opened.push(opts?.sheet), mod.openTable(path, opts)) };
});

const tmp = tempDir('open-layout');
afterAll(() => tmp.cleanup());

const roster = getTemplate('roster');
const text = (ref: string, v: string): string => `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
const title = `<row r="1">${text('A1', '2024 学年学生名单')}</row>`;
const header = `<row r="3">${text('A3', '学籍号')}${text('B3', '姓名')}</row>`;
const dataRow = (r: number): string => `<row r="${r}">${text(`A${r}`, `G${String(r).padStart(18, '0')}`)}${text(`B${r}`, `学生${r}`)}</row>`;
/** Enough rows for several batches. */
const LAST = 20_003;
const sheet = worksheet(title + header + Array.from({ length: LAST - 3 }, (_, i) => dataRow(i + 4)).join(''));
const path = tmp.file('roster.xlsx', buildXlsx({ sheets: [{ name: '学生名单', xml: sheet }] }));

async function flatBatches(batches: AsyncIterable<Row[]>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of batches) {
    expect(batch.length).toBeGreaterThan(0);
    rows.push(...batch);
  }
  return rows;
}

describe('openLayout', () => {
  it('gives the rows after the header, the same in batches as one by one', async () => {
    const batched = await flatBatches((await openLayout(path, roster)).dataRowBatches);
    const single: Row[] = [];
    for await (const row of (await openLayout(path, roster)).dataRows) single.push(row);
    expect(batched).toEqual(single);
    expect(batched.map((r) => r.rowNumber)).toEqual(Array.from({ length: LAST - 3 }, (_, i) => i + 4));
    expect(batched[0]!.cells).toEqual([{ t: 's', v: 'G000000000000000004' }, { t: 's', v: '学生4' }]);
  });

  it('fails the same way in batches as one by one when the sheet is cut off', async () => {
    const cut = tmp.file('cut.xlsx', buildXlsx({ sheets: [{ name: '学生名单', xml: sheet.slice(0, sheet.indexOf('学生9000')) }] }));
    const expected = { code: 'XLSX_CORRUPT', location: { file: cut, sheet: '学生名单' } };
    await expect(flatBatches((await openLayout(cut, roster)).dataRowBatches)).rejects.toMatchObject(expected);
    await expect(
      (async () => {
        for await (const _ of (await openLayout(cut, roster)).dataRows);
      })(),
    ).rejects.toMatchObject(expected);
  });
});

describe('openLayout with a refused layout', () => {
  const vision = getTemplate('national-vision');
  const refused = { spec: vision, error: (sheet: string) => Object.assign(new ShiliError('REFUSED', `refused on ${sheet}`), { sheet }) };
  const row = (r: number, cells: string[]): string =>
    `<row r="${r}">${cells.map((v, i) => text(`${String.fromCharCode(65 + i)}${r}`, v)).join('')}</row>`;
  const rosterXml = worksheet(row(1, ['学籍号', '姓名', '性别']) + row(2, ['G110101201501010011', '张三', '男']));
  const visionXml = worksheet(row(1, ['学籍号', '姓名', '右眼裸眼视力']) + row(2, ['G110101201501010011', '张三', '5.0']));
  const twoVisionColumns = worksheet(row(1, ['学籍号', '姓名', '右眼裸眼视力', '右眼裸眼视力']) + row(2, ['G110101201501010011', '张三', '5.0', '5.0']));
  const book = (name: string, sheets: { name: string; xml: string }[]): string => tmp.file(name, buildXlsx({ sheets }));

  async function dataOf(p: Promise<Awaited<ReturnType<typeof openLayout>>>): Promise<{ sheet: string; rows: Row[] }> {
    const l = await p;
    return { sheet: l.source.sheet, rows: await flatBatches(l.dataRowBatches) };
  }

  it('throws the refusal when the file would open as the refused layout, naming its sheet', async () => {
    const f = book('vision.xlsx', [{ name: '视力', xml: visionXml }]);
    // The same file opens as a roster when nothing is refused.
    expect((await dataOf(openLayout(f, roster))).rows).toHaveLength(1);
    await expect(openLayout(f, roster, {}, [], refused)).rejects.toMatchObject({ code: 'REFUSED', sheet: '视力' });
    await expect(openLayout(f, roster, { sheet: '视力' }, [], refused)).rejects.toMatchObject({ code: 'REFUSED' });
  });

  it('refuses a vision sheet after the roster sheet, as a separate check of the whole book would', async () => {
    const f = book('both.xlsx', [{ name: '名单', xml: rosterXml }, { name: '视力', xml: visionXml }]);
    await expect(openLayout(f, roster, {}, [], refused)).rejects.toMatchObject({ code: 'REFUSED', sheet: '视力' });
    // Named, the roster sheet alone is looked at.
    const named = await dataOf(openLayout(f, roster, { sheet: '名单' }, [], refused));
    expect(named.sheet).toBe('名单');
    expect(values(named.rows)).toEqual([['G110101201501010011', '张三', '男']]);
  });

  it('opens a roster as before, and does not refuse a refused-layout header with a duplicate column', async () => {
    const plain = book('roster-only.xlsx', [{ name: '名单', xml: rosterXml }]);
    expect(await dataOf(openLayout(plain, roster, {}, [], refused))).toEqual(await dataOf(openLayout(plain, roster)));
    // openLayout(vision) fails on it with HEADER_DUPLICATE, so it is not a vision file.
    const dup = book('dup.xlsx', [{ name: '视力', xml: twoVisionColumns }]);
    await expect(openLayout(dup, vision)).rejects.toMatchObject({ code: 'HEADER_DUPLICATE' });
    expect((await dataOf(openLayout(dup, roster, {}, [], refused))).rows).toHaveLength(1);
  });

  it('reads each sheet once for both layouts', async () => {
    const f = book('count.xlsx', [{ name: '名单', xml: rosterXml }, { name: '其他', xml: rosterXml }]);
    opened.length = 0;
    await dataOf(openLayout(f, roster, {}, [], refused));
    expect(opened).toEqual(['名单', '其他']);
    opened.length = 0;
    await dataOf(openLayout(f, roster, { sheet: '其他' }, [], refused));
    expect(opened).toEqual(['其他']);
  });
});
