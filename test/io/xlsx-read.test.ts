// The streaming .xlsx reader on handcrafted packages: each case imitates one
// generator's quirk or one kind of damage.
import { afterAll, describe, expect, it } from 'vitest';
import { listSheets, openTable } from '../../src/io/open.js';
import { buildXlsx, readAll, stylesXml, tempDir, values, worksheet } from './read-fixtures/xlsx.js';
import { buildZip } from './read-fixtures/zip.js';

const tmp = tempDir('xlsx-read');
afterAll(() => tmp.cleanup());

describe('cell types', () => {
  const styles = stylesXml([0, 14, 164, 165, 166], { 164: 'yyyy"年"m"月"d"日"', 165: '0.00_);[Red]\\(0.00\\)', 166: '[h]:mm' });
  const sheet = worksheet(
    `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
      `<row r="2" spans="1:8"><c r="A2"><v>4.5</v></c><c r="B2" s="1"><v>45536</v></c><c r="C2" s="2"><v>40179.5</v></c>` +
      `<c r="D2" s="3"><v>-1.25</v></c><c r="E2" s="4"><v>1.5</v></c><c r="F2" t="b"><v>1</v></c><c r="G2" t="e"><v>#N/A</v></c>` +
      `<c r="H2" t="str"><f>A1&amp;B1</f><v>张三李四</v></c></row>` +
      `<row r="3"><c r="A3" s="1"/><c r="B3" t="s"><v>2</v></c></row>` +
      `<row r="5" hidden="1"><c r="C5"><f>1+1</f><v>2</v></c></row>` +
      `<row r="6"><c r="A6"><v></v></c></row>` +
      `<row r="7"><c r="B7" t="inlineStr"><is><t xml:space="preserve"> 王五 </t></is></c></row>`,
    '<mergeCells count="2"><mergeCell ref="A1:D1"/><mergeCell ref="B3:B5"/></mergeCells>',
  );
  const path = tmp.file('types.xlsx', buildXlsx({ sheets: [{ name: '数据', xml: sheet }], sharedStrings: ['张三', '李四', ''], styles }));

  it('reads every cell type with its value', async () => {
    const rows = await readAll(path);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 5, 7]);
    expect(rows[0]!.cells).toEqual([
      { t: 's', v: '张三' },
      { t: 's', v: '李四' },
    ]);
    expect(rows[1]!.cells).toEqual([
      { t: 'n', v: 4.5 },
      { t: 'd', v: 45536 },
      { t: 'd', v: 40179.5 },
      { t: 'n', v: -1.25 },
      { t: 'd', v: 1.5 },
      { t: 'b', v: true },
      { t: 'e', v: '#N/A' },
      { t: 's', v: '张三李四' },
    ]);
    expect(rows[1]!.formulas?.[7]).toBe(true);
    expect(rows[1]!.hidden).toBeUndefined();
    expect(rows[2]).toEqual({ rowNumber: 5, cells: [undefined, undefined, { t: 'n', v: 2 }], formulas: [undefined, undefined, true], hidden: true });
    expect(rows[3]!.cells[1]).toEqual({ t: 's', v: ' 王五 ' });
  });

  it('collects merged ranges once the rows have been read', async () => {
    const source = await openTable(path);
    for await (const _ of source.rows());
    expect(source.merges()).toEqual([
      { top: 1, left: 0, bottom: 1, right: 3 },
      { top: 3, left: 1, bottom: 5, right: 1 },
    ]);
    expect(source.sheet).toBe('数据');
    expect(source.format).toBe('xlsx');
  });
});

describe('text decoding', () => {
  it('joins rich-text runs, drops phonetic runs, decodes entities and _xHHHH_ escapes', async () => {
    const sst =
      `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
      `<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>ZHANG</t></rPh><phoneticPr fontId="1"/></si>` +
      `<si><t>第一行_x000D_\n第二行 &amp; &lt;&#x4E2D;&#25991;&gt; _x005F_x000D_</t></si>` +
      `<si/><si><t/></si><si><t>末尾</t></si></sst>`;
    const sheet = worksheet(
      `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>` +
        `<row r="2"><c r="A2" t="inlineStr"><is><r><t>李</t></r><r><t>四</t></r><rPh sb="0" eb="1"><t>LI</t></rPh></is></c>` +
        `<c r="B2" t="inlineStr"><is><t><![CDATA[a<b & c]]></t></is></c></row>`,
    );
    const rows = await readAll(tmp.file('text.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: sheet }], sharedStrings: sst })));
    expect(values(rows)).toEqual([
      ['张三 ', '第一行\r\n第二行 & <中文> _x000D_', undefined, undefined, '末尾'],
      ['李四', 'a<b & c'],
    ]);
  });

  it('refuses a shared-string index that does not exist, naming the cell', async () => {
    const sheet = worksheet('<row r="3"><c r="B3" t="s"><v>7</v></c></row>');
    const path = tmp.file('bad-sst.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: sheet }], sharedStrings: ['a'] }));
    await expect(readAll(path)).rejects.toMatchObject({ code: 'XLSX_CORRUPT', location: { file: path, sheet: 'S', cell: 'B3' } });
  });
});

describe('generator quirks', () => {
  it('reads x:-prefixed XML (OpenXML SDK), a capitalised SharedStrings.xml and absolute targets', async () => {
    const sheet = worksheet(
      `<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:v>3</x:v></x:c></x:row>` +
        `<x:row r="2"><x:c r="C2" t="inlineStr"><x:is><x:t>内联</x:t></x:is></x:c></x:row>`,
      '<x:mergeCells><x:mergeCell ref="A1:B1"/></x:mergeCells>',
      'x',
    );
    const path = tmp.file(
      'sdk.xlsx',
      buildXlsx({ sheets: [{ name: 'SDK', xml: sheet }], sharedStrings: ['姓名'], sharedStringsName: 'xl/SharedStrings.xml', prefix: 'x', absoluteTargets: true }),
    );
    expect(values(await readAll(path))).toEqual([['姓名', 3], [undefined, undefined, '内联']]);
  });

  it('places cells and rows without r attributes in sequence', async () => {
    const sheet = worksheet(`<row><c t="inlineStr"><is><t>a</t></is></c><c/><c><v>3</v></c></row><row><c r="C2"><v>1</v></c><c><v>2</v></c></row><row r="5"><c><v>9</v></c></row><row><c><v>10</v></c></row>`);
    const rows = await readAll(tmp.file('no-r.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: sheet }] })));
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 5, 6]);
    expect(values(rows)).toEqual([['a', undefined, 3], [undefined, undefined, 1, 2], [9], [10]]);
  });

  it('gives rows and cells with only the properties a literal would have, repeated values and all', async () => {
    // Rows and cells are made by constructors (cellValues.ts says why): they must still look like plain data.
    const body = Array.from({ length: 3 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>0</v></c><c r="B${i + 1}"><v>4.9</v></c><c r="C${i + 1}" t="inlineStr"><is><t>x</t></is></c></row>`).join('');
    const rows = await readAll(tmp.file('plain-data.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(body) }], sharedStrings: ['张三'] })));
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['rowNumber', 'cells']);
      expect(JSON.parse(JSON.stringify(row))).toEqual({ rowNumber: row.rowNumber, cells: [{ t: 's', v: '张三' }, { t: 'n', v: 4.9 }, { t: 's', v: 'x' }] });
      expect(row.cells.map((c) => Object.keys(c!))).toEqual([['t', 'v'], ['t', 'v'], ['t', 'v']]);
    }
  });

  it('tolerates single quotes, spaces around =, attribute order, comments and t="d" ISO dates', async () => {
    const sheet = worksheet(
      `<!-- generated --><row r='1' ><c t='n' r = 'B1' ><v>7</v></c><c s="0" t="d" r="C1"><v>2024-09-01T12:00:00</v></c><c r="D1" t="d"><v>1900-01-01</v></c></row>`,
    );
    const rows = await readAll(tmp.file('quotes.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: sheet }] })));
    expect(rows[0]!.cells).toEqual([undefined, { t: 'n', v: 7 }, { t: 'd', v: 45536.5 }, { t: 'd', v: 1 }]);
  });

  it('shifts date1904 serials to the 1900 system', async () => {
    const sheet = worksheet(`<row r="1"><c r="A1" s="1"><v>44074</v></c><c r="B1"><v>44074</v></c></row>`);
    const path = tmp.file('1904.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: sheet }], styles: stylesXml([0, 14]), date1904: true }));
    // 44074 in the 1904 system is 2024-09-01, which is 45536 in the 1900 system; plain numbers are untouched.
    expect((await readAll(path))[0]!.cells).toEqual([
      { t: 'd', v: 45536 },
      { t: 'n', v: 44074 },
    ]);
  });
});

describe('zip container', () => {
  const xml = worksheet('<row r="2"><c r="B2" t="inlineStr"><is><t>ok</t></is></c></row>');

  it('reads ZIP64 directories and entries', async () => {
    const path = tmp.file('zip64.xlsx', buildXlsx({ sheets: [{ name: 'S', xml }], zip64: true }));
    expect(values(await readAll(path))).toEqual([[undefined, 'ok']]);
  });

  it('reads a zip with data prepended to it (self-extractor style)', async () => {
    const body = buildXlsx({ sheets: [{ name: 'S', xml }] });
    const path = tmp.file('prefixed.xlsx', Buffer.concat([Buffer.from('PK\x03\x04 junk header'.padEnd(100, '.'), 'latin1'), body]));
    expect(values(await readAll(path))).toEqual([[undefined, 'ok']]);
  });

  it('reads stored (uncompressed) entries and backslash part names', async () => {
    const rels = (t: string): string => `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${t}</Relationships>`;
    const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    const zip = buildZip([
      { name: '_rels\\.rels', data: rels(`<Relationship Id="a" Type="${R}/officeDocument" Target="/xl/workbook.xml"/>`), store: true },
      { name: 'xl\\workbook.xml', data: `<workbook xmlns:r="${R}"><sheets><sheet name="S" sheetId="1" r:id="s1"/></sheets></workbook>`, store: true },
      { name: 'xl\\_rels\\workbook.xml.rels', data: rels(`<Relationship Id="s1" Type="${R}/worksheet" Target="sub/../worksheets/data.xml"/>`) },
      { name: 'xl\\worksheets\\data.xml', data: xml, store: true },
    ]);
    expect(values(await readAll(tmp.file('stored.xlsx', zip)))).toEqual([[undefined, 'ok']]);
  });
});

describe('sheets', () => {
  const data = (text: string): string => worksheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>${text}</t></is></c></row>`);
  const path = tmp.file(
    'sheets.xlsx',
    buildXlsx({
      sheets: [
        { name: '说明', xml: data('hidden'), state: 'hidden' },
        { name: '图表', xml: '<chartsheet/>', chart: true },
        { name: '学生', xml: data('visible') },
        { name: '备用', xml: data('very'), state: 'veryHidden' },
      ],
    }),
  );

  it('lists worksheets with their hidden state and skips chartsheets', async () => {
    expect(await listSheets(path)).toEqual([
      { name: '说明', hidden: true },
      { name: '学生', hidden: false },
      { name: '备用', hidden: true },
    ]);
  });

  it('opens the first visible sheet by default, or one chosen by name or index', async () => {
    expect(values(await readAll(path))).toEqual([['visible']]);
    expect(values(await readAll(path, { sheet: '说明' }))).toEqual([['hidden']]);
    expect(values(await readAll(path, { sheet: 2 }))).toEqual([['very']]);
  });

  it('names the available sheets when the wanted one does not exist', async () => {
    const err = await readAll(path, { sheet: '成绩' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SHEET_NOT_FOUND', location: { file: path } });
    expect((err as { hint: string }).hint).toContain('「说明」、「学生」、「备用」');
    await expect(readAll(path, { sheet: 9 })).rejects.toMatchObject({ code: 'SHEET_NOT_FOUND' });
  });

  it('reports a workbook without worksheets instead of crashing', async () => {
    const chartsOnly = tmp.file('charts.xlsx', buildXlsx({ sheets: [{ name: '图表', xml: '<chartsheet/>', chart: true }] }));
    const none = tmp.file('none.xlsx', buildXlsx({ sheets: [] }));
    await expect(readAll(chartsOnly)).rejects.toMatchObject({ code: 'XLSX_NO_SHEET', location: { file: chartsOnly } });
    await expect(readAll(none)).rejects.toMatchObject({ code: 'XLSX_NO_SHEET' });
    expect(await listSheets(none)).toEqual([]);
  });

  it('says a workbook holds only chart sheets, naming them, from listSheets and from open', async () => {
    const path = tmp.file('charts2.xlsx', buildXlsx({ sheets: [{ name: '图表1', xml: '<chartsheet/>', chart: true }, { name: '趋势', xml: '<chartsheet/>', chart: true }] }));
    // Start each call only when its rejection is awaited: a second promise created up front
    // can reject before .catch is attached, which vitest reports as an unhandled error.
    for (const attempt of [() => listSheets(path), () => readAll(path)]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'XLSX_NO_SHEET', location: { file: path } });
      expect((err as Error).message).toBe('这个工作簿里只有图表工作表（「图表1」、「趋势」），没有数据工作表');
      expect((err as { hint: string }).hint).toContain('请');
    }
  });
});
