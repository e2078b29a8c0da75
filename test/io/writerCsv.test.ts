import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvWriter, csvField, csvLine } from '../../src/io/csvWriter.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shili-csv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['张三', '张三'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@A1', "'@A1"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=a,b', `"'=a,b"`],
    ['-1.25', '-1.25'],
    ['+0.50', '+0.50'],
    ['-.5', '-.5'],
    ['-1.25D', "'-1.25D"],
    ['-', "'-"],
    ['01', '01'],
    ['G110101200801011234', 'G110101200801011234'],
  ])('%j -> %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it('writes numbers as they are and empty for null, undefined and non-finite numbers', () => {
    expect(csvLine([1, -2.5, null, undefined, Number.NaN, ''])).toBe('1,-2.5,,,,\r\n');
  });
});

describe('CsvWriter', () => {
  it('writes UTF-8 with a BOM and CRLF lines, mode 0600', async () => {
    const file = join(dir, 'out.csv');
    const w = await CsvWriter.create(file);
    w.writeRow(['姓名', '视力']);
    for (let i = 0; i < 50_000; i++) {
      const p = w.writeRow([`学生${i}`, '-1.25']);
      if (p) await p;
    }
    await w.close();
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('姓名,视力');
    expect(lines[50_000]).toBe('学生49999,-1.25');
    expect(lines).toHaveLength(50_002);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite, and abort() removes the file', async () => {
    const file = join(dir, 'a.csv');
    const w = await CsvWriter.create(file);
    await expect(CsvWriter.create(file)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    w.writeRow(['x']);
    await w.abort();
    expect(existsSync(file)).toBe(false);
  });
});
