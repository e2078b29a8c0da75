// Streaming behaviour: any split of the XML text or bytes gives the same rows,
// and a reader that stops early releases the file.
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/io/open.js';
import type { Row } from '../../src/io/table.js';
import { SharedStrings } from '../../src/io/xlsx/sharedStrings.js';
import { SharedStringsParser } from '../../src/io/xlsx/sharedStringsParser.js';
import { SheetParser } from '../../src/io/xlsx/sheetParser.js';
import { utf8Bytes } from '../../src/io/xlsx/utf8Chunks.js';
import { XmlScanner } from '../../src/io/xlsx/xmlScan.js';
import { buildXlsx, stylesXml, tempDir, worksheet } from './read-fixtures/xlsx.js';
import { fdsSettled, openFds } from '../helpers/fds.js';

const tmp = tempDir('xlsx-stream');
afterAll(() => tmp.cleanup());

const XML = worksheet(
  `<row r="1" spans="1:4"><c r="A1" t="s"><v>1</v></c><c r="B1" s="1"><v>45536.25</v></c><c r="C1" t="inlineStr"><is><r><t>张</t></r><r><t xml:space="preserve">三&amp;</t></r><rPh><t>ZS</t></rPh></is></c></row>` +
    `<!-- a comment with <c> inside --><x:row r="3" hidden="1"><x:c r="D3" t="b"><x:f>TRUE()</x:f><x:v>0</x:v></x:c></x:row>` +
    `<row r="4"><c r="A4"><v>-1.25E-3</v></c><c r="B4" t="str"><v><![CDATA[<引用>]]></v></c><c r="C4" t="e"><v>#DIV/0!</v></c></row>`,
  '<mergeCells><mergeCell ref="A1:B1"/></mergeCells>',
);

function parse(pieces: (string | Buffer)[]): { rows: Row[]; merges: unknown } {
  const parser = new SheetParser({ file: 'f', sheet: 's', sharedStrings: SharedStrings.of(['x', '学生']), dateStyles: [false, true], date1904: false });
  const rows: Row[] = [];
  for (const p of pieces) {
    parser.write(p);
    rows.push(...parser.rows);
    parser.rows = [];
  }
  parser.end();
  rows.push(...parser.rows);
  return { rows, merges: parser.merges };
}

describe('SheetParser', () => {
  const whole = parse([XML]);

  it('reads the reference document', () => {
    expect(whole.rows).toEqual([
      { rowNumber: 1, cells: [{ t: 's', v: '学生' }, { t: 'd', v: 45536.25 }, { t: 's', v: '张三&' }] },
      { rowNumber: 3, cells: [undefined, undefined, undefined, { t: 'b', v: false }], formulas: [undefined, undefined, undefined, true], hidden: true },
      { rowNumber: 4, cells: [{ t: 'n', v: -0.00125 }, { t: 's', v: '<引用>' }, { t: 'e', v: '#DIV/0!' }] },
    ]);
    expect(whole.merges).toEqual([{ top: 1, left: 0, bottom: 1, right: 1 }]);
  });

  it('gives the same result for every two-piece split', () => {
    for (let i = 1; i < XML.length; i++) expect(parse([XML.slice(0, i), XML.slice(i)])).toEqual(whole);
  });

  it('gives the same result fed one character at a time', () => {
    expect(parse([...XML])).toEqual(whole);
  });

  it('gives the same result for every split of the bytes, even inside a character', () => {
    const bytes = Buffer.from(XML);
    for (let i = 1; i < bytes.length; i++) expect(parse([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(whole);
    expect(parse(Array.from(bytes, (b) => Buffer.from([b])))).toEqual(whole);
  });
});

describe('XmlScanner', () => {
  const SST = `<?xml version="1.0"?><sst count='2'><si><r><t xml:space="preserve">a &amp; b</t></r><rPh sb="0"><t>x</t></rPh></si><!-- c > d --><si><t><![CDATA[<e>]]></t></si><si/></sst>`;
  function events(pieces: string[]): string[] {
    const out: string[] = [];
    const scanner = new XmlScanner({
      open: (name, attrs, selfClosing) => out.push(`<${name} ${JSON.stringify(attrs)}${selfClosing ? '/' : ''}>`),
      close: (name) => out.push(`</${name}>`),
      text: (t) => {
        // Text may arrive in several events; join neighbours so splits compare equal.
        if (out.length && out[out.length - 1]!.startsWith('#')) out[out.length - 1] += t;
        else out.push(`#${t}`);
      },
    });
    for (const p of pieces) scanner.write(p);
    scanner.end();
    return out;
  }

  it('gives the same events for every two-piece split', () => {
    const whole = events([SST]);
    expect(whole).toContain('#a & b');
    expect(whole).toContain('#<e>');
    expect(whole).toContain('<sst {"count":"2"}>');
    for (let i = 1; i < SST.length; i++) expect(events([SST.slice(0, i), SST.slice(i)])).toEqual(whole);
  });
});

describe('SharedStringsParser', () => {
  const SST =
    `<?xml version="1.0"?><x:sst count="5"><x:si><x:r><x:rPr><x:b/></x:rPr><x:t xml:space="preserve">a &amp; </x:t></x:r><x:r><x:t>b</x:t></x:r>` +
    `<x:rPh sb="0" eb="1"><x:t>PHON</x:t></x:rPh><x:phoneticPr fontId="1"/></x:si><!-- <si><t>no</t></si> --><x:si><x:t>x<![CDATA[<e>&]]>y</x:t></x:si>` +
    `<x:si/><x:si><x:t/></x:si><x:si><x:t>行_x000D_\n二</x:t></x:si></x:sst>`;
  function parse(pieces: string[]): string[] {
    const p = new SharedStringsParser();
    for (const piece of pieces) p.write(piece);
    const table = p.finish();
    return Array.from({ length: table.count }, (_, i) => table.get(i));
  }

  it('flattens rich text, skips phonetics and comments, keeps empty items', () => {
    expect(parse([SST])).toEqual(['a & b', 'x<e>&y', '', '', '行\r\n二']);
  });

  it('gives the same strings for every two-piece split', () => {
    const whole = parse([SST]);
    for (let i = 1; i < SST.length; i++) expect(parse([SST.slice(0, i), SST.slice(i)])).toEqual(whole);
  });
});

describe('utf8Bytes', () => {
  async function text(chunks: AsyncIterable<Buffer>): Promise<string> {
    const out: Buffer[] = [];
    for await (const b of utf8Bytes(chunks)) out.push(b);
    return Buffer.concat(out).toString('utf8');
  }

  it('transcodes UTF-16 with multi-byte characters split across chunk boundaries', async () => {
    const body = 'ab张三c王😀五'.repeat(50);
    for (const [bom, encode] of [
      [[0xff, 0xfe], (s: string) => Buffer.from(s, 'utf16le')],
      [[0xfe, 0xff], (s: string) => Buffer.from(s, 'utf16le').swap16()],
    ] as const) {
      const bytes = Buffer.concat([Buffer.from(bom), encode(body)]);
      for (const size of [2, 3, 5, 7]) {
        async function* chunks(): AsyncGenerator<Buffer> {
          for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
        }
        expect(await text(chunks())).toBe(body);
      }
    }
  });

  it('keeps a U+FEFF inside the data and drops only a leading BOM', async () => {
    async function* chunks(): AsyncGenerator<Buffer> {
      yield Buffer.from('\uFEFF<a>');
      yield Buffer.from('\uFEFF张</a>');
    }
    expect(await text(chunks())).toBe('<a>\uFEFF张</a>');
  });
});

describe('early stop', () => {
  const rows = Array.from({ length: 20000 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c><c r="B${i + 1}" s="1"><v>${45000 + i}</v></c></row>`).join('');
  const path = tmp.file('big.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(rows) }], styles: stylesXml([0, 14]) }));

  it.skipIf(process.platform !== 'linux')('closes the file when the caller breaks out after the header', async () => {
    const before = openFds();
    for (let k = 0; k < 20; k++) {
      const source = await openTable(path);
      for await (const row of source.rows()) {
        expect(row.rowNumber).toBe(1);
        break;
      }
    }
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });

  it.skipIf(process.platform !== 'linux')('keeps no file open between openTable() and rows(), or after a full read', async () => {
    const before = openFds();
    const source = await openTable(path);
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
    let n = 0;
    for await (const _ of source.rows()) n++;
    expect(n).toBe(20000);
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });
});
