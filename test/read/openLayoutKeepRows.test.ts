// OpenedLayout.keepRows: two readers of the same file, each opening it and finding
// its header, share the data rows out between them by row number.
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/io/table.js';
import { openLayout } from '../../src/read/openLayout.js';
import { getTemplate } from '../../src/templates/registry.js';
import { tempDir } from '../io/read-fixtures/xlsx.js';

const tmp = tempDir('open-layout-keep');
afterAll(() => tmp.cleanup());

const roster = getTemplate('roster');
const LAST = 3002;

async function writeRoster(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学生名单');
  ws.mergeCells('A1:C1');
  ws.getCell('A1').value = '2024 学年学生名单';
  ws.addRow(['学籍号', '姓名', '出生日期']);
  for (let r = 3; r <= LAST; r++) {
    const row = ws.addRow([`G${String(r).padStart(18, '0')}`, `学生${r}`, new Date(Date.UTC(2012, r % 12, 1 + (r % 27)))]);
    row.getCell(3).numFmt = 'yyyy-mm-dd';
    if (r % 97 === 0) row.hidden = true;
  }
  await wb.xlsx.writeFile(path);
}

async function dataRows(path: string, keep?: (rowNumber: number) => boolean): Promise<Row[]> {
  const layout = await openLayout(path, roster);
  if (keep) layout.keepRows(keep);
  const rows: Row[] = [];
  for await (const batch of layout.dataRowBatches) {
    expect(batch.length).toBeGreaterThan(0);
    rows.push(...batch);
  }
  return rows;
}

describe('openLayout keepRows', () => {
  const path = join(tmp.dir, 'roster.xlsx');
  beforeAll(() => writeRoster(path));

  it.each([256, 16, 1])('shares the data rows of an exceljs-written workbook out in blocks of %i rows', async (block) => {
    const all = await dataRows(path);
    expect(all.map((r) => r.rowNumber)).toEqual(Array.from({ length: LAST - 2 }, (_, i) => i + 3));
    const owner = (k: number) => (n: number) => Math.floor(n / block) % 2 === k;
    const [even, odd] = await Promise.all([dataRows(path, owner(0)), dataRows(path, owner(1))]);
    expect(even.length).toBeGreaterThan(0);
    expect(odd.length).toBeGreaterThan(0);
    expect(even).toEqual(all.filter((r) => owner(0)(r.rowNumber)));
    expect(odd).toEqual(all.filter((r) => owner(1)(r.rowNumber)));
    expect([...even, ...odd].sort((a, b) => a.rowNumber - b.rowNumber)).toEqual(all);
  });

  it('gives nothing, and no empty batch, when it keeps no row', async () => {
    expect(await dataRows(path, () => false)).toEqual([]);
  });
});
