// SheetSource.rowBatches(): the same rows as rows(), a batch per chunk read,
// with the same error mapping and the same release of the file on an early stop.
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/io/open.js';
import { rowsOf, type Row } from '../../src/io/table.js';
import { buildXlsx, readAll, stylesXml, tempDir, worksheet } from './read-fixtures/xlsx.js';
import { fdsSettled, openFds } from '../helpers/fds.js';

const tmp = tempDir('batches');
afterAll(() => tmp.cleanup());

async function readBatches(path: string): Promise<Row[][]> {
  const source = await openTable(path);
  const batches: Row[][] = [];
  for await (const batch of source.rowBatches()) batches.push(batch);
  return batches;
}

// ~2 MB of sheet XML: several inflated chunks, so several batches.
const ROWS = 20_000;
const xlsx = tmp.file(
  'big.xlsx',
  buildXlsx({
    sheets: [{ name: 'S', xml: worksheet(Array.from({ length: ROWS }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i % 3}</v></c><c r="B${i + 1}" s="1"><v>${45000 + (i % 500)}</v></c><c r="D${i + 1}"><v>${i}</v></c></row>`).join('')) }],
    sharedStrings: ['张三', '', '李四'],
    styles: stylesXml([0, 14]),
  }),
);

describe('rowBatches', () => {
  it('gives an .xlsx sheet\'s rows in order, in several non-empty batches, equal to rows()', async () => {
    const batches = await readBatches(xlsx);
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.every((b) => b.length > 0)).toBe(true);
    const rows = batches.flat();
    expect(rows).toHaveLength(ROWS);
    expect(rows).toEqual(await readAll(xlsx));
    expect(rows[1]).toEqual({ rowNumber: 2, cells: [undefined, { t: 'd', v: 45001 }, undefined, { t: 'n', v: 1 }] });
  });

  it('gives a CSV\'s rows equal to rows(), skipping blank lines as rows() does', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => (i % 1000 === 7 ? '' : `张${i},"a,b",${i}`));
    const csv = tmp.file('big.csv', `${lines.join('\r\n')}\r\n`);
    const batches = await readBatches(csv);
    expect(batches.every((b) => b.length > 0)).toBe(true);
    const rows = batches.flat();
    expect(rows).toEqual(await readAll(csv));
    expect(rows).toHaveLength(30_000 - 30);
    expect(rows[7]).toEqual({ rowNumber: 9, cells: [{ t: 's', v: '张8' }, { t: 's', v: 'a,b' }, { t: 's', v: '8' }] });
  });

  it('maps errors as rows() does: a sheet cut off mid-row is XLSX_CORRUPT, located in the file', async () => {
    const whole = worksheet('<row><c t="inlineStr"><is><t>张三</t></is></c><c><v>4.8</v></c></row>'.repeat(3));
    const cut = tmp.file('cut.xlsx', buildXlsx({ sheets: [{ name: '名单', xml: whole.slice(0, whole.lastIndexOf('4.8')) }] }));
    await expect(readBatches(cut)).rejects.toMatchObject({ code: 'XLSX_CORRUPT', location: { file: cut, sheet: '名单' } });
  });

  it.skipIf(process.platform !== 'linux')('closes the file when the caller stops after the first batch', async () => {
    const before = openFds();
    for (let k = 0; k < 10; k++) {
      const source = await openTable(xlsx);
      for await (const batch of source.rowBatches()) {
        expect(batch[0]!.rowNumber).toBe(1);
        break;
      }
    }
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });
});

describe('rowsOf', () => {
  const row = (n: number): Row => ({ rowNumber: n, cells: [] });

  it('flattens batches, passing over empty ones, and passes an early stop on', async () => {
    let stopped = false;
    async function* batches(): AsyncGenerator<Row[]> {
      try {
        yield [row(1), row(2)];
        yield [];
        yield [row(3)];
        yield [row(4), row(5)];
      } finally {
        stopped = true;
      }
    }
    const seen: number[] = [];
    for await (const r of rowsOf(batches())) seen.push(r.rowNumber);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    stopped = false;
    for await (const r of rowsOf(batches())) if (r.rowNumber === 3) break;
    expect(stopped).toBe(true);
  });
});
