// XlsxWriter.writeTextRow copies UTF-8 cell texts into the sheet without making strings; it must
// write exactly what writeRow writes for the same texts, however odd they are.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XlsxWriter, type CellInput } from '../../src/io/xlsx/writer.js';
import { readBack } from '../helpers/readBack.js';
import { zipEntries } from '../fixtures/zipEntries.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shili-textrow-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SEP = '\u0001';

// Texts that need escaping, xml:space, dropping, or that look as if they might (lead bytes of
// white space, U+FFFD next to U+FFFE/U+FFFF) but do not.
const ODD = [
  'plain',
  'G110101201001011234',
  '-1.25',
  '张三',
  '某市东城区光明街264号14栋403室',
  ' lead',
  'trail ',
  'a  b',
  ' ',
  '\u3000全角',
  '全角\u3000',
  '\u00a0x',
  'x\u00a0',
  '\u00e9t\u00e9',
  '\u0085x',
  'x\u0085',
  '\u1680a',
  'a\u2003',
  '\u2028',
  'mid\u2028dle',
  '\ufeffbom',
  'bom\ufeff',
  'a & b < c > "d"',
  "it's",
  'tab\there',
  'cr\rx',
  'x\u0000y\u001fz',
  '\u0002',
  'del\u007f',
  'x\ufffey',
  '\uffff',
  '\ufffd',
  'x\ufffd',
  '一年级（1）班',
  '一年级（1）',
  'ｘｙ',
  '𠮷野家',
  '😀',
  'lone\ud800half',
  '\udc00',
  '\uf000\uefff',
];

// Every character JavaScript's \s matches (what decides xml:space), and every ASCII character but the separator.
const WHITE = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).filter((c) => /\s/.test(c));
const ASCII = Array.from({ length: 0x80 }, (_, c) => String.fromCharCode(c)).filter((c) => c !== SEP);

function pick(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
}

/** Writes each line's cells with writeTextRow into one file and, decoded, with writeRow into another. */
async function both(lines: string[], opts: { mixNumbers?: boolean } = {}): Promise<{ text: Buffer; strings: Buffer; textFile: string }> {
  const columns = Array.from({ length: 40 }, (_, i) => ({ header: `h${i}` }));
  const textFile = join(dir, 'text.xlsx');
  const stringsFile = join(dir, 'strings.xlsx');
  const t = await XlsxWriter.create(textFile);
  const s = await XlsxWriter.create(stringsFile);
  await t.startSheet({ name: 'S', columns });
  await s.startSheet({ name: 'S', columns });
  for (const [n, line] of lines.entries()) {
    // Padding around the row: writeTextRow reads only its range of a larger buffer.
    const bytes = Buffer.concat([Buffer.from('\u0001xx\n'), Buffer.from(line), Buffer.from('\u0001yy\n')]);
    const start = 4;
    const end = bytes.length - 4;
    const decoded: CellInput[] = bytes.toString('utf8', start, end).split(SEP);
    // Rows of numbers in between: text rows must start clean after any kind of row.
    if (opts.mixNumbers && n % 3 === 0) {
      for (const w of [t, s]) {
        const p = w.writeRow([n, 'x', n + 0.5]);
        if (p) await p;
      }
    }
    const p = t.writeTextRow(bytes, start, end);
    if (p) await p;
    const q = s.writeRow(decoded);
    if (q) await q;
  }
  await t.close();
  await s.close();
  return { text: zipEntries(textFile).get('xl/worksheets/sheet1.xml')!, strings: zipEntries(stringsFile).get('xl/worksheets/sheet1.xml')!, textFile };
}

describe('XlsxWriter.writeTextRow', () => {
  it('writes the same sheet XML as writeRow for every odd text, alone and next to others', async () => {
    const lines = [
      ...ODD.map((v) => v),
      ...ODD.map((v) => `a${SEP}${v}${SEP}b`),
      ...ODD.map((v) => `${SEP}${SEP}${v}${SEP}`),
      ...WHITE.flatMap((c) => [`${c}x`, `x${c}`, `x${c}y`, c]),
      ...ASCII.flatMap((c) => [`a${c}b`, c]),
      '',
      SEP,
      `${SEP}${SEP}only third`,
      `first${SEP}${SEP}${SEP}`,
    ];
    const { text, strings, textFile } = await both(lines, { mixNumbers: true });
    expect(WHITE.length).toBeGreaterThan(20);
    expect(text.length).toBeGreaterThan(10_000);
    expect(text.equals(strings)).toBe(true);
    // And what it wrote reads back as the texts (XML 1.0 cannot hold the dropped characters).
    const sheet = await readBack(textFile);
    const amp = sheet.rows.find((r) => r[0]?.value === 'a' && r[1]?.value === 'a & b < c > "d"');
    expect(amp?.[2]?.value).toBe('b');
    const space = sheet.rows.find((r) => r[0]?.value === 'a' && r[1]?.value === ' lead');
    expect(space?.[2]?.value).toBe('b');
    const cjk = sheet.rows.find((r) => r[0]?.value === 'a' && r[1]?.value === '一年级（1）班');
    expect(cjk?.[2]?.value).toBe('b');
  });

  it('writes the same XML as writeRow for 20,000 random rows across many chunks and 40 columns', async () => {
    const rnd = pick(7);
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + Math.floor(rnd() * 40);
      const cells: string[] = [];
      for (let c = 0; c < n; c++) {
        const r = rnd();
        if (r < 0.2) cells.push('');
        else if (r < 0.7) cells.push(String(Math.floor(rnd() * 100000) / 100));
        else if (r < 0.9) cells.push('学生' + String.fromCharCode(0x4e00 + Math.floor(rnd() * 20000)));
        else cells.push(ODD[Math.floor(rnd() * ODD.length)]! + ODD[Math.floor(rnd() * ODD.length)]!);
      }
      lines.push(cells.join(SEP));
    }
    const { text, strings } = await both(lines);
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(text.equals(strings)).toBe(true);
  });

  it('takes long rows the string way with the same result, and refuses over-long cells naming the cell', async () => {
    const long = '长'.repeat(20_000) + '&';
    const { text, strings } = await both([`a${SEP}${long}`, 'after', 'x'.repeat(32_767)]);
    expect(text.equals(strings)).toBe(true);
    const w = await XlsxWriter.create(join(dir, 'long.xlsx'));
    await w.startSheet({ name: 'S', columns: [{ header: 'a' }, { header: 'b' }] });
    const tooLong = Buffer.from(`ok${SEP}${'x'.repeat(32_768)}`);
    expect(() => w.writeTextRow(tooLong, 0, tooLong.length)).toThrow(
      expect.objectContaining({ code: 'XLSX_CELL_TOO_LONG', location: { sheet: 'S', cell: 'B2' } }),
    );
    await w.abort();
  });
});
