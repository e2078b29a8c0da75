// File sniffing: the bytes decide the reader, and every refused kind gets its own fix.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/io/open.js';
import { sniffHead } from '../../src/io/sniff.js';
import { buildCfb } from './read-fixtures/cfb.js';
import { convertWithSoffice, soffice } from './read-fixtures/external.js';
import { tempDir } from './read-fixtures/xlsx.js';

const tmp = tempDir('sniff');
afterAll(() => tmp.cleanup());

describe('sniffHead', () => {
  it('classifies by leading bytes', () => {
    expect(sniffHead(Buffer.alloc(0))).toBe('empty');
    expect(sniffHead(Buffer.from('PK\x03\x04rest', 'latin1'))).toBe('zip');
    expect(sniffHead(Buffer.from('PK\x05\x06', 'latin1'))).toBe('zip');
    expect(sniffHead(buildCfb(['Workbook']))).toBe('ole2');
    expect(sniffHead(Buffer.from('姓名,学号\n张三,1\n'))).toBe('text');
    expect(sniffHead(Buffer.from('\uFEFF  <html><body><table>'))).toBe('html');
    expect(sniffHead(Buffer.from('<table border=1><tr><td>姓名</td></tr></table>'))).toBe('html');
    expect(sniffHead(Buffer.from('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'))).toBe('xml2003');
    expect(sniffHead(Buffer.from('<姓名>,学号\n'))).toBe('text');
  });

  it('calls pictures, PDFs and archives binary, by signature or by NUL bytes', () => {
    const hex = (h: string): Buffer => Buffer.concat([Buffer.from(h, 'hex'), Buffer.from('abc,def\n')]);
    for (const sig of ['89504e470d0a1a0a', 'ffd8ffe0', '474946383961', '255044462d312e37', '526172211a0700', '377abcaf271c', '1f8b08']) {
      expect(sniffHead(hex(sig)), sig).toBe('binary');
    }
    // No known signature, but NULs on both sides of the byte pairs: not text in any encoding.
    expect(sniffHead(Buffer.from([0x01, 0x00, 0x00, 0x02, 0x41, 0x00, 0x00, 0x42, 0x0a]))).toBe('binary');
  });

  it('keeps UTF-16 text, with or without a BOM, as text despite its NUL bytes', () => {
    const text = '班级,学籍号,姓名\r\n一年级一班,G110101201501011234,张三\r\n';
    expect(sniffHead(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe('text');
    expect(sniffHead(Buffer.from(text, 'utf16le'))).toBe('text');
    // 一 (U+4E00) puts a NUL on the "wrong" side of its pair; Chinese-heavy lines have few ASCII NULs.
    expect(sniffHead(Buffer.from('一年级一班,一一\r\n'.repeat(20), 'utf16le'))).toBe('text');
    expect(sniffHead(Buffer.from(text, 'utf16le').swap16())).toBe('text');
  });
});

describe('accepted files', () => {
  it('reads a CSV saved under an .xlsx name as CSV', async () => {
    const source = await openTable(tmp.file('renamed.xlsx', '姓名,视力\n张三,4.8\n'));
    expect(source.format).toBe('csv');
    const rows = [];
    for await (const row of source.rows()) rows.push(row);
    expect(rows[1]!.cells).toEqual([
      { t: 's', v: '张三' },
      { t: 's', v: '4.8' },
    ]);
  });
});

describe('refused files', () => {
  it('refuses an empty file', async () => {
    const path = tmp.file('empty.xlsx', '');
    await expect(openTable(path)).rejects.toMatchObject({ code: 'FILE_EMPTY', location: { file: path } });
  });

  it('refuses a legacy .xls and says how to save it as .xlsx', async () => {
    const path = tmp.file('old.xlsx', buildCfb(['Workbook', '\u0005SummaryInformation']));
    const err = await openTable(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XLS_UNSUPPORTED', location: { file: path } });
    expect((err as Error).message).toContain('Excel 97-2003');
    expect((err as { hint: string }).hint).toContain('另存为“Excel 工作簿（*.xlsx）”');
  });

  it('recognises a password-protected workbook by its EncryptionInfo stream, even deep in the directory', async () => {
    const names = ['\u0006DataSpaces', 'Version', 'DataSpaceMap', 'DataSpaceInfo', 'StrongEncryptionDataSpace', 'TransformInfo', 'Primary', 'EncryptedPackage', 'EncryptionInfo'];
    const path = tmp.file('secret.xlsx', buildCfb(names));
    const err = await openTable(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XLSX_ENCRYPTED', location: { file: path } });
    expect((err as { hint: string }).hint).toContain('用密码进行加密');
  });

  it('refuses an HTML table saved under an .xls name', async () => {
    const path = tmp.file('export.xls', '<html><head><meta charset="utf-8"></head><body><table><tr><td>姓名</td></tr></table></body></html>');
    await expect(openTable(path)).rejects.toMatchObject({ code: 'FORMAT_UNSUPPORTED' });
  });

  it('refuses a picture renamed to .xlsx and says what it is, without talking about encodings', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex'), Buffer.alloc(200, 0x7f)]);
    const path = tmp.file('photo.xlsx', png);
    const err = await openTable(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FORMAT_UNSUPPORTED', location: { file: path } });
    expect((err as Error).message).toContain('PNG 图片');
    expect((err as Error).message).toContain('不是真正的 .xlsx');
    expect((err as { hint: string }).hint).toContain('另存为“Excel 工作簿（*.xlsx）”');
    expect(`${(err as Error).message}${(err as { hint: string }).hint}`).not.toMatch(/编码|encoding/);
  });

  it('refuses unknown binary content by its NUL bytes', async () => {
    const path = tmp.file('data.csv', Buffer.from([0x13, 0x37, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x03]));
    const err = await openTable(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FORMAT_UNSUPPORTED', location: { file: path } });
    expect((err as Error).message).toContain('不是表格文件');
  });

  it('reports a missing file with the path', async () => {
    const path = join(tmp.dir, 'nope.xlsx');
    const err = await openTable(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FILE_NOT_FOUND', location: { file: path } });
    expect((err as { hint: string }).hint).toContain('路径');
  });

  it('reports a folder as unreadable', async () => {
    const dir = join(tmp.dir, 'folder.xlsx');
    mkdirSync(dir);
    await expect(openTable(dir)).rejects.toMatchObject({ code: 'FILE_UNREADABLE', location: { file: dir } });
  });

  // Opening a named pipe would wait for a writer forever.
  it.skipIf(process.platform === 'win32')('refuses a named pipe at once instead of waiting on it', async () => {
    const fifo = join(tmp.dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    await expect(openTable(fifo)).rejects.toMatchObject({ code: 'FILE_UNREADABLE', location: { file: fifo }, message: expect.stringContaining('管道') });
  }, 5000);

  it.skipIf(!soffice)('refuses a real .xls written by LibreOffice', { timeout: 90_000 }, async () => {
    const csv = tmp.file('real.csv', '姓名,视力\n张三,4.8\n');
    const xls = convertWithSoffice(csv, 'xls', tmp.dir);
    await expect(openTable(xls)).rejects.toMatchObject({ code: 'XLS_UNSUPPORTED' });
  });
});
