// Row filters (SheetParser.keep, SheetSource.keepRows): two readers of one sheet
// share its rows out. What a filtered reader gives must be exactly the unfiltered
// rows it accepts, whatever the XML holds and wherever the chunks split it.
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/io/open.js';
import type { Row } from '../../src/io/table.js';
import { SharedStrings } from '../../src/io/xlsx/sharedStrings.js';
import { SheetParser } from '../../src/io/xlsx/sheetParser.js';
import { convertWithSoffice, pythonWithOpenpyxl, runPython, soffice } from './read-fixtures/external.js';
import { buildXlsx, readAll, stylesXml, tempDir, worksheet } from './read-fixtures/xlsx.js';

const tmp = tempDir('xlsx-skip');
afterAll(() => tmp.cleanup());

type Keep = (rowNumber: number) => boolean;

/** Rows of every kind a skip must get right; row numbers in the comments. */
const ROWS = [
  // 1: shared, date, inline rich text with a phonetic run.
  `<row r="1" spans="1:4"><c r="A1" t="s"><v>1</v></c><c r="B1" s="1"><v>45536.25</v></c><c r="C1" t="inlineStr"><is><r><t>张</t></r><r><t xml:space="preserve">三&amp;</t></r><rPh><t>ZS</t></rPh></is></c></row>`,
  // 2: no r on the row or its cells.
  `<row><c t="inlineStr"><is><t>无编号</t></is></c><c/><c><v>3</v></c></row>`,
  `<row r="4" hidden="1"><c r="A4"><v>4</v></c><c r="B4" t="s"><v>0</v></c></row>`,
  `<row r="5"/>`,
  `<row r="6" hidden="true" spans="1:2"/>`,
  // 7: implicit after a self-closing row; a formula.
  `<row><c r="A7"><f>A1*2</f><v>8</v></c></row>`,
  // 8: CDATA holding what looks like an end tag and a row start.
  `<row r="8"><c r="A8" t="str"><v><![CDATA[x</row><row r="99">]]></v></c><c r="B8"><v>1</v></c></row>`,
  // 9: a comment holding an end tag.
  `<row r="9"><!-- </row> --><c r="A9"><v>9</v></c></row>`,
  // 10: an end tag with a space, then an ordinary one later on.
  `<row r="10"><c r="A10"><v>10</v></c></row ><row r="11"><c r="A11"><v>11</v></c></row>`,
  // 12: a processing instruction holding an end tag.
  `<row r="12"><?pi </row>?><c r="A12"><v>12</v></c></row>`,
  `<row r="13"><c r="A13" t="e"><v>#DIV/0!</v></c><c r="B13" t="b"><v>1</v></c></row>`,
  // 14: text with the letters a skip watches for.
  `<row r="14"><c r="A14" t="inlineStr"><is><t>wang hong &lt;row&gt; ge</t></is></c></row>`,
  // 15 has no end tag (the next row start drops it, as without a filter); 16 follows.
  `<row r="15"><c r="A15"><v>15</v></c>`,
  `<row r="16"><c r="A16"><v>16</v></c></row>`,
  `<x:row r="17"><x:c r="A17"><x:v>17</x:v></x:c></x:row>`,
  // 18, 19: end tags with another prefix than the start tag.
  `<x:row r="18"><x:c r="A18"><x:v>18</x:v></x:c></row>`,
  `<row r="19"><c r="A19"><v>19</v></c></x:row>`,
  `<row r="20" spans="1:2"><c r="A20" s="1"><v>45000</v></c><c r="B20"><f>1</f><v>2</v></c></row>`,
  `<row r="21"></row>`,
  `<row r="22"><c r="A22"><v>22</v></c></row>`,
  `<row r="30"><c r="C30"><v>30</v></c></row>`,
  // 31: implicit after an explicit jump.
  `<row spans="1:1"><c><v>31</v></c></row>`,
];
const MERGES = '<mergeCells><mergeCell ref="A1:B1"/><mergeCell ref="C30:D31"/></mergeCells>';
const XML = worksheet(ROWS.join(''), MERGES);
/** The same sheet as the OpenXML SDK writes it, every tag prefixed. */
const PREFIXED = worksheet(ROWS.join('').replace(/<(\/?)(?:x:)?(row|c|v|f|is|t|r|rPh)\b/g, '<$1x:$2'), MERGES.replace(/<(\/?)/g, '<$1x:'), 'x');
/** Merges inside a row without its end tag, and a sheet that ends inside it. */
const UNENDED = worksheet(`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c><mergeCell ref="A2:B2"/>`, '').replace(
  '</worksheet>',
  '</worksheet><row r="3"><c r="A3"><v>3</v></c>',
);

const KEEPS: Record<string, Keep> = {
  odd: (n) => n % 2 === 1,
  thirds: (n) => n % 3 === 0,
  pairs: (n) => Math.floor(n / 2) % 2 === 0,
  none: () => false,
};
/** Fewer filters where every split or cut is tried, to keep the run short. */
const SPLIT_KEEPS: Record<string, Keep> = { odd: KEEPS.odd!, none: KEEPS.none! };

function parser(keep: Keep | null): SheetParser {
  const p = new SheetParser({ file: 'f', sheet: 's', sharedStrings: SharedStrings.of(['x', '学生']), dateStyles: [false, true], date1904: false });
  p.keep = keep;
  return p;
}

type Result = { rows: Row[]; merges: unknown } | { error: unknown };

function parse(pieces: (string | Buffer)[], keep: Keep | null): Result {
  const p = parser(keep);
  const rows: Row[] = [];
  try {
    for (const piece of pieces) {
      p.write(piece);
      rows.push(...p.rows);
      p.rows = [];
    }
    p.end();
  } catch (error) {
    return { error };
  }
  rows.push(...p.rows);
  return { rows, merges: p.merges };
}

/** What a filtered parser must give: the unfiltered rows it accepts, the same merges, or the same error. */
function filtered(whole: Result, keep: Keep): Result {
  return 'error' in whole ? whole : { rows: whole.rows.filter((r) => keep(r.rowNumber)), merges: whole.merges };
}

function expectShare(pieces: (string | Buffer)[], keep: Keep, where: string): void {
  const whole = parse(pieces, null);
  const mine = parse(pieces, keep);
  const theirs = parse(pieces, (n) => !keep(n));
  expect(mine, where).toEqual(filtered(whole, keep));
  expect(theirs, where).toEqual(filtered(whole, (n) => !keep(n)));
}

describe('SheetParser with a row filter', () => {
  it('reads the reference sheet as expected without a filter', () => {
    const whole = parse([XML], null);
    expect('rows' in whole && whole.rows.map((r) => r.rowNumber)).toEqual([1, 2, 4, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 22, 30, 31]);
    expect('rows' in whole && whole.rows.find((r) => r.rowNumber === 8)!.cells[0]).toEqual({ t: 's', v: 'x</row><row r="99">' });
    expect('merges' in whole && whole.merges).toEqual([
      { top: 1, left: 0, bottom: 1, right: 1 },
      { top: 30, left: 2, bottom: 31, right: 3 },
    ]);
    const prefixed = parse([PREFIXED], null);
    expect('rows' in prefixed && prefixed.rows.map((r) => r.rowNumber)).toEqual('rows' in whole && whole.rows.map((r) => r.rowNumber));
    expect('merges' in prefixed && prefixed.merges).toEqual('merges' in whole && whole.merges);
  });

  for (const [name, xml] of Object.entries({ XML, PREFIXED, UNENDED })) {
    it(`${name}: gives each filter exactly its rows, whole and for every two-piece split`, () => {
      for (const [keepName, keep] of Object.entries(KEEPS)) expectShare([xml], keep, keepName);
      for (const [keepName, keep] of Object.entries(SPLIT_KEEPS)) {
        const bytes = Buffer.from(xml);
        for (let i = 1; i < bytes.length; i++) expectShare([bytes.subarray(0, i), bytes.subarray(i)], keep, `${keepName} split at ${i}`);
      }
    });

    it(`${name}: gives each filter exactly its rows fed one byte at a time`, () => {
      const bytes = Array.from(Buffer.from(xml), (b) => Buffer.from([b]));
      for (const [keepName, keep] of Object.entries(KEEPS)) expectShare(bytes, keep, keepName);
    });

    it(`${name}: fails or not as without a filter when cut off anywhere, with the same error`, () => {
      const bytes = Buffer.from(xml);
      for (let i = 0; i < bytes.length; i++) {
        for (const [keepName, keep] of Object.entries(SPLIT_KEEPS)) expectShare([bytes.subarray(0, i)], keep, `${keepName} cut at ${i}`);
      }
    });
  }

  it('refuses a sheet cut off inside a skipped row, naming that row', () => {
    const cut = XML.slice(0, XML.indexOf('<v>16<'));
    const without = parse([cut], null);
    expect(without).toMatchObject({ error: { code: 'XLSX_CORRUPT', location: { row: 16 } } });
    expect(parse([cut], (n) => n !== 16)).toEqual(without);
    expect(parse([cut], () => false)).toEqual(without);
  });

  it('skips rejected rows without reading their cells, and parses those it cannot skip safely', () => {
    // A shared-string index past the table is an error, but only for a cell that is read.
    const bad = `<row r="2"><c r="A2" t="s"><v>7</v></c></row>`;
    const sheet = (row2: string): string => worksheet(`<row r="1"><c r="A1"><v>1</v></c></row>${row2}<row r="3"><c r="A3"><v>3</v></c></row>`);
    expect(parse([sheet(bad)], null)).toMatchObject({ error: { code: 'XLSX_CORRUPT' } });
    expect(parse([sheet(bad)], (n) => n !== 2)).toMatchObject({ rows: [{ rowNumber: 1 }, { rowNumber: 3 }] });
    const prefixed = (xml: string): string => xml.replace(/<(\/?)(row|c|v)\b/g, '<$1x:$2');
    expect(parse([prefixed(sheet(bad))], (n) => n !== 2)).toMatchObject({ rows: [{ rowNumber: 1 }, { rowNumber: 3 }] });
    // With a comment inside, the row is parsed (and dropped): its error shows.
    expect(parse([sheet(bad.replace('<c', '<!-- --><c'))], (n) => n !== 2)).toMatchObject({ error: { code: 'XLSX_CORRUPT' } });
  });

  it('skips a row across writes without reading it, keeping only a few bytes of it between writes', () => {
    // Not a valid shared-string index: reading any of these cells would throw.
    const cell = '<c r="A2" t="s"><v>45000</v></c>';
    const huge = cell.repeat(Math.ceil((20 * 1024 * 1024) / cell.length));
    const xml = worksheet(`<row r="1"><c r="A1"><v>1</v></c></row><row r="2">${huge}</row><row r="3"><c r="A3"><v>3</v></c></row>`);
    const p = parser((n) => n !== 2);
    const rows: Row[] = [];
    const chunk = 1024 * 1024 + 7;
    let mostKept = 0;
    for (let at = 0; at < xml.length; at += chunk) {
      p.write(xml.slice(at, at + chunk));
      mostKept = Math.max(mostKept, (p as unknown as { restLength: number }).restLength);
      rows.push(...p.rows);
      p.rows = [];
    }
    p.end();
    rows.push(...p.rows);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 3]);
    expect(mostKept).toBeLessThan(64);
  });

  it('applies a filter set part way through to the rows that start after it', () => {
    const p = parser(null);
    const cut = XML.indexOf('<row r="8">');
    p.write(XML.slice(0, cut + 3));
    p.keep = () => false;
    p.write(XML.slice(cut + 3));
    p.end();
    expect(p.rows.map((r) => r.rowNumber)).toEqual([1, 2, 4, 7]);
  });
});

/** Rows of a source read with keepRows(keep), checking that no batch is empty. */
async function readKept(path: string, keep: Keep | null): Promise<Row[]> {
  const source = await openTable(path);
  source.keepRows(keep);
  const rows: Row[] = [];
  for await (const batch of source.rowBatches()) {
    expect(batch.length).toBeGreaterThan(0);
    rows.push(...batch);
  }
  return rows;
}

const BLOCKS: Keep = (n) => Math.floor(n / 8) % 2 === 0;

async function expectSourceShare(path: string): Promise<Row[]> {
  const all = await readAll(path);
  expect(await readKept(path, null)).toEqual(all);
  expect(await readKept(path, BLOCKS)).toEqual(all.filter((r) => BLOCKS(r.rowNumber)));
  expect(await readKept(path, (n) => !BLOCKS(n))).toEqual(all.filter((r) => !BLOCKS(r.rowNumber)));
  expect(await readKept(path, () => false)).toEqual([]);
  return all;
}

describe('SheetSource.keepRows', () => {
  it('shares out a handcrafted sheet of many chunks, shared strings, dates, hidden rows and merges', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => {
      const r = i + 1;
      return `<row r="${r}"${r % 13 === 0 ? ' hidden="1"' : ''}><c r="A${r}" t="s"><v>${r % 3}</v></c><c r="B${r}" s="1"><v>${45000 + (r % 500)}</v></c><c r="D${r}"><v>${r}</v></c></row>`;
    });
    const path = tmp.file(
      'big.xlsx',
      buildXlsx({ sheets: [{ name: 'S', xml: worksheet(rows.join(''), MERGES) }], sharedStrings: ['张三', '', '李四'], styles: stylesXml([0, 14]) }),
    );
    const all = await expectSourceShare(path);
    expect(all).toHaveLength(20_000);
    const source = await openTable(path);
    source.keepRows(() => false);
    for await (const _ of source.rowBatches());
    expect(source.merges()).toHaveLength(2);
  });

  it('shares out an exceljs-written workbook', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('视力');
    ws.mergeCells('A1:D1');
    ws.getCell('A1').value = '标题';
    ws.addRow(['姓名', '学号', '出生日期', '右眼']);
    for (let i = 0; i < 300; i++) {
      const row = ws.addRow([i % 7 ? `学生${i}` : { richText: [{ text: '张' }, { text: `三${i}` }] }, 20240000 + i, new Date(Date.UTC(2012, i % 12, 1)), { formula: `B${i + 3}*2`, result: 2 * (20240000 + i) }]);
      row.getCell(3).numFmt = 'yyyy-mm-dd';
      if (i % 10 === 4) row.hidden = true;
    }
    const path = join(tmp.dir, 'exceljs.xlsx');
    await wb.xlsx.writeFile(path);
    expect(await expectSourceShare(path)).toHaveLength(302);
  });

  describe.skipIf(!pythonWithOpenpyxl)('openpyxl and LibreOffice', () => {
    const path = join(tmp.dir, 'openpyxl.xlsx');
    const write = (): void =>
      void runPython(
        String.raw`
import datetime, sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(['姓名', '学号', '出生日期', '公式'])
for i in range(200):
    ws.append(['学生%d & <甲>' % i, 20240000 + i, datetime.date(2012, 1 + i % 12, 1), '=B%d*2' % (i + 2)])
    if i % 9 == 3: ws.row_dimensions[i + 2].hidden = True
ws.merge_cells('F1:G2')
wb.save(sys.argv[1])
`,
        [path],
      );

    it('shares out an openpyxl-written workbook', async () => {
      write();
      expect(await expectSourceShare(path)).toHaveLength(201);
    });

    it.skipIf(!soffice)('shares out the same workbook re-saved by LibreOffice', { timeout: 120_000 }, async () => {
      write();
      expect(await expectSourceShare(convertWithSoffice(path, 'xlsx', join(tmp.dir, 'lo')))).toHaveLength(201);
    });
  });

  it('shares out a CSV', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => (i % 100 === 7 ? '' : `张${i},"a,b",${i}`));
    const path = tmp.file('rows.csv', `${lines.join('\r\n')}\r\n`);
    expect(await expectSourceShare(path)).toHaveLength(3000 - 30);
  });
});
