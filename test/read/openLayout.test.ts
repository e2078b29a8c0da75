// openLayout's two ways to the data rows: one at a time and in batches, which
// must give the same rows after the header and fail the same way.
import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/io/table.js';
import { openLayout } from '../../src/read/openLayout.js';
import { getTemplate } from '../../src/templates/registry.js';
import { buildXlsx, tempDir, worksheet } from '../io/read-fixtures/xlsx.js';

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
