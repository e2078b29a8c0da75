// The CSV reader: encodings as Chinese Excel and other tools save them,
// separators, ragged rows and malformed quoting.
import { afterAll, describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../src/io/csv/delimiter.js';
import { listSheets, openTable } from '../../src/io/open.js';
import { readAll, tempDir, values } from './read-fixtures/xlsx.js';
import { fdsSettled, openFds } from '../helpers/fds.js';

const tmp = tempDir('csv');
afterAll(() => tmp.cleanup());

/** GB18030 bytes for a string, via a reverse table built from Node's own decoder (no iconv). */
function gb18030(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.from([hi, lo]));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else {
      const b = table.get(ch);
      if (!b) throw new Error(`no GB18030 two-byte code for ${ch}`);
      bytes.push(...b);
    }
  }
  return Buffer.from(bytes);
}

const TEXT = '姓名,学号,右眼\r\n张三,20240001,4.8\r\n李四,20240002,5.0\r\n';
const EXPECTED = [
  ['姓名', '学号', '右眼'],
  ['张三', '20240001', '4.8'],
  ['李四', '20240002', '5.0'],
];

describe('encodings', () => {
  it('reads UTF-8 without and with a BOM', async () => {
    expect(values(await readAll(tmp.file('u8.csv', TEXT)))).toEqual(EXPECTED);
    expect(values(await readAll(tmp.file('u8bom.csv', `\uFEFF${TEXT}`)))).toEqual(EXPECTED);
  });

  it('reads GB18030 without a BOM, as Chinese Excel saves "CSV"', async () => {
    const bytes = gb18030(TEXT);
    expect(bytes.includes(Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]))).toBe(true); // 张三
    expect(values(await readAll(tmp.file('gbk.csv', bytes)))).toEqual(EXPECTED);
  });

  it('finds GB18030 text that starts after a megabyte of ASCII', async () => {
    const ascii = 'id,score\r\n'.padEnd(10, 'x') + `${'12345678,4.8\r\n'.repeat(80_000)}`;
    const path = tmp.file('late-gbk.csv', Buffer.concat([Buffer.from(ascii), gb18030('张三,4.9\r\n')]));
    const rows = await readAll(path);
    expect(rows.at(-1)!.cells).toEqual([
      { t: 's', v: '张三' },
      { t: 's', v: '4.9' },
    ]);
  });

  it('reads UTF-16LE and UTF-16BE with a BOM, tab-separated as Excel saves "Unicode text"', async () => {
    const tsv = TEXT.replace(/,/g, '\t');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]);
    expect(values(await readAll(tmp.file('u16le.txt', le)))).toEqual(EXPECTED);
    const be = Buffer.from(le);
    be.swap16();
    expect(values(await readAll(tmp.file('u16be.txt', be)))).toEqual(EXPECTED);
  });

  it('obeys an explicit encoding over detection', async () => {
    const path = tmp.file('forced.csv', gb18030(TEXT));
    expect(values(await readAll(path, { encoding: 'gb18030' }))).toEqual(EXPECTED);
    const wrong = await readAll(path, { encoding: 'utf-8' }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'CSV_ENCODING', location: { file: path, row: 1 } });
    expect((wrong as { hint: string }).hint).toContain('--encoding gb18030');
  });

  it('strips a second BOM left in the first cell', async () => {
    const rows = await readAll(tmp.file('bom2.csv', `\uFEFF\uFEFF${TEXT}`));
    expect(rows[0]!.cells[0]).toEqual({ t: 's', v: '姓名' });
  });
});

describe('structure', () => {
  it('detects ; and tab separators from the first line with content', async () => {
    expect(detectDelimiter('\n\n"a,b";c;d\n1,2,3,4,5\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('single')).toBe(',');
    expect(values(await readAll(tmp.file('semi.csv', '姓名;视力\n张三;4,8\n')))).toEqual([
      ['姓名', '视力'],
      ['张三', '4,8'],
    ]);
  });

  it('keeps ragged rows, skips empty lines but counts them, and keeps quoted newlines', async () => {
    const rows = await readAll(tmp.file('ragged.csv', 'a,b,c\n1\n\n2,,3,4\n,,\n"多\n行",x\n'));
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 4, 6]);
    expect(values(rows)).toEqual([['a', 'b', 'c'], ['1'], ['2', undefined, '3', '4'], ['多\n行', 'x']]);
  });

  it('keeps a stray quote inside an unquoted field, as Excel does', async () => {
    expect(values(await readAll(tmp.file('stray.csv', 'a,张"三",c\n')))).toEqual([['a', '张"三"', 'c']]);
  });

  it('names the line where an unclosed quote starts', async () => {
    const path = tmp.file('open-quote.csv', '姓名,备注\n张三,ok\n李四,"没有闭合\n王五,x\n');
    const err = await readAll(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CSV_INVALID', location: { file: path, row: 3 } });
    expect((err as Error).message).toContain('第 3 行');
    expect((err as { hint: string }).hint).toContain('双引号');
  });

  it('is one sheet named after the file', async () => {
    const path = tmp.file('二年级.csv', TEXT);
    expect(await listSheets(path)).toEqual([{ name: '二年级', hidden: false }]);
    const source = await openTable(path);
    expect(source).toMatchObject({ format: 'csv', sheet: '二年级', file: path });
    expect(source.merges()).toEqual([]);
  });
});

describe('early stop', () => {
  it.skipIf(process.platform !== 'linux')('closes the file when the caller stops after the header', async () => {
    const path = tmp.file('long.csv', `姓名,学号\n${'张三,1\n'.repeat(200_000)}`);
    const before = openFds();
    for (let k = 0; k < 20; k++) {
      for await (const row of (await openTable(path)).rows()) {
        expect(row.rowNumber).toBe(1);
        break;
      }
    }
    expect(await fdsSettled(before)).toBeLessThanOrEqual(before);
  });
});
