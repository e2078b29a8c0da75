// The shared string table: what a string reads as, whatever the chunking of the
// inflated bytes, and the compact table's random access and cell cache; the same
// with most of the table in its temp file, and that the file goes away however
// the read ends.
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Row, SheetSource } from '../../src/io/table.js';
import { SharedStrings, type SharedStringsLimits, type SharedStringsStats } from '../../src/io/xlsx/sharedStrings.js';
import { readSharedStrings, SharedStringsParser } from '../../src/io/xlsx/sharedStringsParser.js';
import { openXlsx } from '../../src/io/xlsx/xlsxSource.js';
import type { ZipEntry, ZipReader } from '../../src/io/xlsx/zipReader.js';
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
    // Kept from the second time on: a string asked for once is not held.
    const kept = table.cell(1);
    expect(kept).toEqual({ t: 's', v: 's1' });
    expect(kept).not.toBe(first);
    expect(table.cell(1)).toBe(kept);
    expect(table.cell(5)).toBeUndefined();
    // 1 + 4096 and 1 + 8192 share a cache slot with 1; passing through once, they leave it kept.
    expect(table.cell(4097)).toEqual({ t: 's', v: 's4097' });
    expect(table.cell(8193)).toEqual({ t: 's', v: 's8193' });
    expect(table.cell(1)).toBe(kept);
    // Asked for twice in a row, another string takes the slot over.
    table.cell(4097);
    const other = table.cell(4097);
    expect(table.cell(4097)).toBe(other);
    expect(table.cell(1)).toEqual({ t: 's', v: 's1' });
    expect(table.cell(1)).not.toBe(kept);
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

/** This process's shared-string temp files. */
function stringTemps(): string[] {
  return readdirSync(tmpdir()).filter((f) => f.startsWith(`shili-strings-${process.pid}-`));
}

/** Tiny limits: a few bytes in memory, the rest on disk in segments of a string or two. */
const TINY: Partial<SharedStringsLimits> = { memoryBytes: 12, memorySegmentBytes: 5, diskSegmentBytes: 9, diskSegmentsKept: 2 };

describe('shared strings on disk', () => {
  function parseTo(pieces: Buffer[], limits: Partial<SharedStringsLimits>): { strings: string[]; stats: SharedStringsStats } {
    const p = new SharedStringsParser(64 * 1024, limits);
    for (const piece of pieces) p.write(piece);
    const table = p.finish();
    try {
      return { strings: Array.from({ length: table.count }, (_, i) => table.get(i)), stats: table.stats() };
    } finally {
      table.close();
    }
  }

  it('reads rich text, phonetic runs, escapes and every UTF-8 length the same from disk, at any segment size', () => {
    for (const limits of [TINY, { memoryBytes: 0, diskSegmentBytes: 1 }, { memoryBytes: 0, diskSegmentBytes: 40 }, { memoryBytes: 30, memorySegmentBytes: 7, diskSegmentBytes: 3 }]) {
      const { strings, stats } = parseTo([SST], limits);
      expect(strings).toEqual(EXPECTED);
      expect(stats.diskSegments).toBeGreaterThan(1);
    }
    expect(stringTemps()).toEqual([]);
  });

  it('reads the same strings from disk for every split of the bytes, even inside a character', () => {
    for (let i = 1; i < SST.length; i++) expect(parseTo([SST.subarray(0, i), SST.subarray(i)], TINY).strings).toEqual(EXPECTED);
    expect(stringTemps()).toEqual([]);
  });

  it('decodes invalid UTF-8 on disk as Buffer.toString does', () => {
    const bad = Buffer.concat([Buffer.from('<sst><si><t>前'), Buffer.from([0xe4, 0xb8]), Buffer.from('</t></si><si><t>'), Buffer.from([0x80]), Buffer.from('后</t></si><si><t>好</t></si></sst>')]);
    expect(parseTo([bad], { memoryBytes: 0, diskSegmentBytes: 4 }).strings).toEqual(['前\uFFFD', '\uFFFD后', '好']);
  });

  it('reads a segment once in table order and a string on its own when asked for out of order', () => {
    // Multi-byte strings of many lengths, so that segments end next to characters of every width.
    const strings = Array.from({ length: 3000 }, (_, i) => (i % 5 === 0 ? '' : `${[...'沈𫖯é'].slice(0, i % 4).join('')}${i}${'长'.repeat(i % 9)}`));
    const forward = SharedStrings.of(strings, { memoryBytes: 2000, memorySegmentBytes: 700, diskSegmentBytes: 500, diskSegmentsKept: 2 });
    try {
      expect(stringTemps()).toHaveLength(1);
      // Rows use new strings in table order and look back at a few.
      for (let i = 0; i < strings.length; i++) {
        expect(forward.get(i)).toBe(strings[i]);
        if (i % 50 === 49) expect(forward.get(i - 40)).toBe(strings[i - 40]);
      }
      const stats = forward.stats();
      expect(stats.diskSegments).toBeGreaterThan(50);
      expect(stats.segmentReads).toBe(stats.diskSegments);
      expect(stats.stringReads).toBeLessThan(stats.diskSegments);
    } finally {
      forward.close();
    }
    expect(stringTemps()).toEqual([]);

    // Backwards and in random order: slower, but every string still reads right.
    const shuffled = SharedStrings.of(strings, { memoryBytes: 2000, memorySegmentBytes: 700, diskSegmentBytes: 500, diskSegmentsKept: 2 });
    try {
      for (let i = strings.length - 1; i >= 0; i--) expect(shuffled.get(i)).toBe(strings[i]);
      let x = 12345;
      for (let k = 0; k < 5000; k++) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        const i = x % strings.length;
        expect(shuffled.get(i)).toBe(strings[i]);
        expect(shuffled.cell(i)?.v).toBe(strings[i] === '' ? undefined : strings[i]);
      }
      expect(shuffled.stats().stringReads).toBeGreaterThan(1000);
    } finally {
      shuffled.close();
    }
    expect(() => shuffled.get(strings.length - 2)).toThrow();
  });

  it('removes the temp file when reading the table fails half-way', async () => {
    const items = Array.from({ length: 200 }, (_, i) => `<si><t>学生${i}</t></si>`).join('');
    const zip = {
      async *stream(): AsyncGenerator<Buffer> {
        yield Buffer.from(`<sst>${items}`);
        // The file is there by now, with strings in it.
        expect(stringTemps()).toHaveLength(1);
        throw new Error('read failed');
      },
    } as unknown as ZipReader;
    await expect(readSharedStrings(zip, { uncompressedSize: 1 << 20 } as ZipEntry, TINY)).rejects.toThrow('read failed');
    expect(stringTemps()).toEqual([]);
  });
});

describe('a workbook whose shared strings go to disk', () => {
  const names = Array.from({ length: 3000 }, (_, i) => `${'沈睿𫖯王五'.slice(i % 3)}${i}号&amp;_x0041_${'长'.repeat(i % 7)}`);
  const decoded = names.map((n) => n.replace('&amp;', '&').replace('_x0041_', 'A'));
  const rowXml = (r: number, a: number, b: number): string => `<row r="${r}"><c r="A${r}" t="s"><v>${a}</v></c><c r="B${r}" t="s"><v>${b}</v></c></row>`;
  // Row r uses new string 2r and 2r+1, and looks back at an earlier one every fourth row.
  const rows = Array.from({ length: 1500 }, (_, r) => rowXml(r + 1, r * 2, r % 4 === 3 ? (r * 7) % (r * 2) : r * 2 + 1)).join('');
  const expected = Array.from({ length: 1500 }, (_, r) => [decoded[r * 2], decoded[r % 4 === 3 ? (r * 7) % (r * 2) : r * 2 + 1]]);
  const limits: Partial<SharedStringsLimits> = { memoryBytes: 4096, memorySegmentBytes: 1024, diskSegmentBytes: 2048, diskSegmentsKept: 2 };

  async function collect(source: SheetSource, stopAfter = Infinity): Promise<Row[]> {
    const out: Row[] = [];
    for await (const row of source.rows()) {
      out.push(row);
      if (out.length >= stopAfter) break;
    }
    return out;
  }

  it('reads every string, and removes the temp file at the end of the read', async () => {
    const path = tmp.file('disk-sst.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(rows) }], sharedStrings: names }));
    const source = await openXlsx(path, path, { sharedStrings: limits });
    expect(stringTemps()).toHaveLength(1);
    expect(statSync(join(tmpdir(), stringTemps()[0]!)).mode & 0o777).toBe(0o600);
    expect(values(await collect(source))).toEqual(expected);
    expect(stringTemps()).toEqual([]);
  });

  it('reads the reference table (rich text, phonetic runs, escapes) from disk', async () => {
    const sheet = worksheet(Array.from({ length: EXPECTED.length }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i}</v></c></row>`).join(''));
    const path = tmp.file('disk-sst-ref.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: sheet }], sharedStrings: SST.toString() }));
    const source = await openXlsx(path, path, { sharedStrings: TINY });
    expect(stringTemps()).toHaveLength(1);
    // Rows of an empty string have no cells and are left out.
    const got = new Map((await collect(source)).map((r) => [r.rowNumber, r.cells[0]?.v]));
    expect(Array.from(EXPECTED, (_, i) => got.get(i + 1) ?? '')).toEqual(EXPECTED);
    expect(stringTemps()).toEqual([]);
  });

  it('removes the temp file when the caller stops early', async () => {
    const path = tmp.file('disk-sst-stop.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(rows) }], sharedStrings: names }));
    const source = await openXlsx(path, path, { sharedStrings: limits });
    expect(stringTemps()).toHaveLength(1);
    expect(values(await collect(source, 700))).toEqual(expected.slice(0, 700));
    expect(stringTemps()).toEqual([]);
  });

  it('removes the temp file when the sheet turns out damaged half-way', async () => {
    const damaged = rows.replace(rowXml(1001, 2000, 2001), rowXml(1001, 2000, 99_999));
    const path = tmp.file('disk-sst-bad.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(damaged) }], sharedStrings: names }));
    const source = await openXlsx(path, path, { sharedStrings: limits });
    expect(stringTemps()).toHaveLength(1);
    await expect(collect(source)).rejects.toThrow(/99999/);
    expect(stringTemps()).toEqual([]);
  });
});
