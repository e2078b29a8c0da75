// The shared string table: what a string reads as, whatever the chunking of the
// inflated bytes, and the compact table's random access and cell cache.
import { afterAll, describe, expect, it } from 'vitest';
import { SharedStrings } from '../../src/io/xlsx/sharedStrings.js';
import { SharedStringsParser } from '../../src/io/xlsx/sharedStringsParser.js';
import { buildXlsx, readAll, tempDir, values, worksheet } from './read-fixtures/xlsx.js';

const tmp = tempDir('xlsx-sst');
afterAll(() => tmp.cleanup());

function parse(pieces: Buffer[]): string[] {
  const p = new SharedStringsParser();
  for (const piece of pieces) p.write(piece);
  const table = p.finish();
  return Array.from({ length: table.count }, (_, i) => table.get(i));
}

const SST = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9">` +
    // Rich text runs, with a phonetic guide and its properties that are not part of the text.
    `<si><r><rPr><b/><rFont val="宋体"/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>zhāng</t></rPh><phoneticPr fontId="1"/></si>` +
    // Entities, numeric references, a literal CR LF, and Excel's own escapes.
    `<si><t xml:space="preserve"> 第一行_x000D_\r\n&lt;二&gt; &amp; &#x4E2D;&#25991; _x005F_x000D_ </t></si>` +
    `<si/><si><t/></si><si><t></t></si>` +
    // Characters of every UTF-8 length, one outside the BMP (a surrogate pair in JS).
    `<si><t>a é 中 𫖯 😀</t></si>` +
    `<si><t>x<![CDATA[<e>&amp;]]>y</t></si>` +
    `<!-- <si><t>not a string</t></si> --><si><t>沈睿𫖯</t></si><si><t>G430102201907140132</t></si></sst>`,
);
const EXPECTED = ['张三 ', ' 第一行\r\n<二> & 中文 _x000D_ ', '', '', '', 'a é 中 𫖯 😀', 'x<e>&amp;y', '沈睿𫖯', 'G430102201907140132'];

describe('SharedStringsParser', () => {
  it('flattens rich text, skips phonetic runs, keeps spaces and empty items, decodes escapes', () => {
    expect(parse([SST])).toEqual(EXPECTED);
  });

  it('reads the same strings for every split of the bytes, even inside a character', () => {
    for (let i = 1; i < SST.length; i++) expect(parse([SST.subarray(0, i), SST.subarray(i)])).toEqual(EXPECTED);
  });

  it('reads the same strings fed one byte at a time', () => {
    expect(parse(Array.from(SST, (b) => Buffer.from([b])))).toEqual(EXPECTED);
  });

  it('decodes invalid UTF-8 as Buffer.toString does, without shifting the strings after it', () => {
    const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const bad = bytes('<sst><si><t>前', [0xe4, 0xb8], '</t></si><si><t>', [0x80], '后</t></si><si><t>好</t></si></sst>');
    expect(parse([bad])).toEqual(['前\uFFFD', '\uFFFD后', '好']);
  });
});

describe('SharedStrings', () => {
  it('finds every string of a table decoded in several segments', () => {
    // About 7.5 MB of text: two segments, with four-byte characters along the way.
    const strings = Array.from({ length: 300_000 }, (_, i) => (i % 7 === 0 ? `𫖯${i}` : i % 3 === 0 ? `学生${i}`.repeat(3) : `G${i}`.padEnd(19 + (i % 11), '0')));
    const table = SharedStrings.of(strings);
    expect(table.count).toBe(strings.length);
    for (const i of [0, 1, 2, 99_999, 150_000, 299_999, 123_456, 7, 250_001]) expect(table.get(i)).toBe(strings[i]);
    for (let i = 0; i < strings.length; i += 97) expect(table.get(i)).toBe(strings[i]);
  });

  it('gives one cell per string, none for an empty string, and survives cache collisions', () => {
    const strings = Array.from({ length: 10_000 }, (_, i) => (i === 5 ? '' : `s${i}`));
    const table = SharedStrings.of(strings);
    const first = table.cell(1);
    expect(first).toEqual({ t: 's', v: 's1' });
    expect(table.cell(1)).toBe(first);
    expect(table.cell(5)).toBeUndefined();
    // 1 + 4096 and 1 + 8192 share a cache slot with 1.
    expect(table.cell(4097)).toEqual({ t: 's', v: 's4097' });
    expect(table.cell(8193)).toEqual({ t: 's', v: 's8193' });
    expect(table.cell(1)).toEqual({ t: 's', v: 's1' });
  });
});

describe('shared strings in a workbook', () => {
  it('reads a table larger than one inflated chunk, with characters across chunk boundaries', async () => {
    // ~1.3 MB of shared-string XML: several 256 KiB chunks of inflated bytes, each cut at some byte of a string.
    const names = Array.from({ length: 20_000 }, (_, i) => `${'沈睿𫖯王五'.slice(i % 3)}${i}号&amp;${'长'.repeat(i % 40)}`);
    const rows = Array.from({ length: 400 }, (_, r) => `<row r="${r + 1}"><c r="A${r + 1}" t="s"><v>${r * 50}</v></c><c r="B${r + 1}" t="s"><v>${19_999 - r}</v></c></row>`).join('');
    const path = tmp.file('big-sst.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(rows) }], sharedStrings: names }));
    const decoded = names.map((n) => n.replace('&amp;', '&'));
    expect(values(await readAll(path))).toEqual(Array.from({ length: 400 }, (_, r) => [decoded[r * 50], decoded[19_999 - r]]));
  });
});
