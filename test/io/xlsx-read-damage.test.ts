// Damaged and hostile packages: each must end in a ShiliError the user can act
// on, quickly and without reading everything into memory.
import { constants, deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/io/open.js';
import { buildZip } from './read-fixtures/zip.js';
import { buildXlsx, readAll, tempDir, values, worksheet } from './read-fixtures/xlsx.js';

const tmp = tempDir('xlsx-damage');
afterAll(() => tmp.cleanup());

const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const ROW = '<row><c t="inlineStr"><is><t>张三</t></is></c><c><v>4.8</v></c></row>';

describe('damaged files', () => {
  it('refuses a truncated download as XLSX_CORRUPT', async () => {
    const whole = buildXlsx({ sheets: [{ name: 'S', xml: worksheet(ROW.repeat(200)) }] });
    const path = tmp.file('truncated.xlsx', whole.subarray(0, Math.floor(whole.length / 2)));
    const err = await openTable(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XLSX_CORRUPT', location: { file: path } });
    expect((err as Error).message).toContain('损坏');
    expect((err as { hint: string }).hint).toContain('另存为');
  });

  it('refuses a zip that is not a workbook, and says when it is a Word document', async () => {
    const docx = tmp.file('report.xlsx', buildZip([{ name: 'word/document.xml', data: '<w:document/>' }]));
    const err = await openTable(docx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XLSX_CORRUPT' });
    expect((err as Error).message).toContain('Word');
  });

  it('refuses a Word or PowerPoint package whose officeDocument relation points at its own main part', async () => {
    const pkg = (main: string, xml: string): Buffer =>
      buildZip([
        { name: '[Content_Types].xml', data: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
        { name: '_rels/.rels', data: `<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="${main}"/></Relationships>` },
        { name: main, data: xml },
      ]);
    const word = tmp.file('word.xlsx', pkg('word/document.xml', '<w:document xmlns:w="w"><w:body/></w:document>'));
    const err = await openTable(word).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XLSX_CORRUPT', location: { file: word } });
    expect((err as Error).message).toContain('这是 Word 文档，不是 Excel 工作簿');
    expect((err as { hint: string }).hint).toContain('复制到 Excel');
    const ppt = tmp.file('slides.xlsx', pkg('ppt/presentation.xml', '<p:presentation xmlns:p="p"/>'));
    await expect(openTable(ppt)).rejects.toMatchObject({ code: 'XLSX_CORRUPT', message: expect.stringContaining('PowerPoint') });
    // The main part's folder can be renamed; its root element still tells.
    const moved = tmp.file('moved.xlsx', pkg('main/doc.xml', '<?xml version="1.0"?><w:document xmlns:w="w"><w:body/></w:document>'));
    await expect(openTable(moved)).rejects.toMatchObject({ code: 'XLSX_CORRUPT', message: expect.stringContaining('Word') });
    const other = tmp.file('other.xlsx', pkg('xl/workbook.xml', '<something/>'));
    await expect(openTable(other)).rejects.toMatchObject({ code: 'XLSX_CORRUPT', message: expect.stringContaining('没有 Excel 工作簿') });
  });

  it('refuses a sheet cut off mid-row instead of reading it as a short sheet', async () => {
    const whole = worksheet(ROW.repeat(3));
    const cut = tmp.file('cut.xlsx', buildXlsx({ sheets: [{ name: '学生名单', xml: whole.slice(0, whole.indexOf('4.8') + 1) }] }));
    const err = await readAll(cut).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XLSX_CORRUPT', location: { file: cut, sheet: '学生名单', row: 1 } });
    expect((err as Error).message).toContain('不完整');
    expect((err as { hint: string }).hint).toContain('另存为');
    // Cut after </sheetData>: every row is there, but the file is still incomplete.
    const tail = tmp.file('tail.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: whole.slice(0, whole.indexOf('</worksheet>')) }] }));
    await expect(readAll(tail)).rejects.toMatchObject({ code: 'XLSX_CORRUPT', message: expect.stringContaining('结尾缺失') });
  });

  it('still reads complete sheets that are empty or self-closing', async () => {
    const empty = tmp.file('empty-sheet.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet('') }] }));
    expect(await readAll(empty)).toEqual([]);
    const selfClosing = tmp.file('self-closing.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: '<x:worksheet xmlns:x="m"><x:sheetData/></x:worksheet  >' }] }));
    expect(await readAll(selfClosing)).toEqual([]);
    const bare = tmp.file('bare.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: '<?xml version="1.0"?><worksheet xmlns="m"/>' }] }));
    expect(await readAll(bare)).toEqual([]);
  });

  it('refuses a sheet whose compressed data stops early', async () => {
    const xml = worksheet(ROW.repeat(2000));
    const deflated = deflateRawSync(Buffer.from(xml));
    const path = tmp.file('short-deflate.xlsx', buildZipWithSheet(deflated.subarray(0, deflated.length >> 1), Buffer.byteLength(xml)));
    await expect(readAll(path)).rejects.toMatchObject({ code: 'XLSX_CORRUPT', location: { file: path } });
  });

  it('refuses a sheet whose deflate data is garbage', async () => {
    const bytes = buildXlsx({ sheets: [{ name: 'S', xml: worksheet(ROW.repeat(500)) }] });
    // The sheet is the first entry: scribble over the middle of its compressed data.
    bytes.fill(0x55, 200, 400);
    const path = tmp.file('garbage.xlsx', bytes);
    await expect(readAll(path)).rejects.toMatchObject({ code: 'XLSX_CORRUPT' });
  });
});

describe('zip bombs and size limits', () => {
  it('refuses an entry whose declared size is over the limit before inflating anything', async () => {
    const path = tmp.file('limit.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(ROW.repeat(1000)) }] }));
    await expect(readAll(path, { limits: { maxEntryBytes: 10_000 } })).rejects.toMatchObject({ code: 'XLSX_TOO_LARGE', location: { file: path } });
    expect((await readAll(path)).length).toBe(1000);
  });

  it('refuses a small file that declares a huge, implausibly compressed sheet', async () => {
    const started = Date.now();
    const huge = tmp.file('huge.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(ROW), declaredSize: 3 * 1024 ** 3 }] }));
    await expect(readAll(huge)).rejects.toMatchObject({ code: 'XLSX_TOO_LARGE' });
    const ratio = tmp.file('ratio.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet(ROW), declaredSize: 300 * 1024 ** 2 }] }));
    await expect(readAll(ratio)).rejects.toMatchObject({ code: 'XLSX_TOO_LARGE' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops a real zip bomb (2 GB of zeros in 2 MB) as soon as it outgrows its declared size', async () => {
    const bomb = zeroBomb(2048);
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
    const path = tmp.file('bomb.xlsx', buildZipWithSheet(bomb, 1024));
    const started = Date.now();
    const before = process.memoryUsage().rss;
    await expect(readAll(path)).rejects.toMatchObject({ code: 'XLSX_CORRUPT' });
    // Inflating all 2 GB would take several seconds and could not fit in this memory bound.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a shared-string table that inflates over 100× to more than 10 MB, before inflating it', async () => {
    // 11 MB of one repeated string: deflate squeezes it about 1000×; a real table holds each string once.
    const sst = `<sst xmlns="m">${'<si><t>张三</t></si>'.repeat(600_000)}</sst>`;
    const path = tmp.file('sst-bomb.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet('<row r="1"><c t="s"><v>0</v></c></row>') }], sharedStrings: sst }));
    const started = Date.now();
    const err = await openTable(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XLSX_TOO_LARGE', location: { file: path } });
    expect((err as Error).message).toContain('sharedStrings.xml');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reads a large shared-string table that compresses like real data', async () => {
    // 300,000 distinct IDs and names: about 13 MB, compressing a few times, as a district file's table does.
    const strings = Array.from({ length: 300_000 }, (_, i) => `G${String(110101201500000000 + i * 7919)}${'张王李赵刘陈'[i % 6]}同学${i}`);
    const path = tmp.file('sst-big.xlsx', buildXlsx({ sheets: [{ name: 'S', xml: worksheet('<row r="1"><c t="s"><v>299999</v></c></row>') }], sharedStrings: strings }));
    expect(values(await readAll(path))).toEqual([[strings[299_999]]]);
  });

  it('refuses the same bomb up front when it declares its true size', async () => {
    const path = tmp.file('honest-bomb.xlsx', buildZipWithSheet(zeroBomb(2100), 2100 * 1024 * 1024));
    const started = Date.now();
    await expect(readAll(path)).rejects.toMatchObject({ code: 'XLSX_TOO_LARGE' });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

/**
 * Raw deflate data for `mb` megabytes of zeros, built without deflating them all:
 * a full flush makes one compressed megabyte an independent, repeatable block.
 */
function zeroBomb(mb: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array.from({ length: mb }, () => block), deflateRawSync(Buffer.alloc(0))]);
}

/** A workbook whose only sheet is `deflated` (already compressed), declaring `size` bytes. */
function buildZipWithSheet(deflated: Buffer, size: number): Buffer {
  const good = buildXlsx({ sheets: [{ name: 'S', xml: worksheet(ROW) }] });
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  // Swap the sheet's compressed bytes (the first entry) and fix up the directory.
  const oldLen = good.readUInt32LE(18);
  const dataStart = 30 + good.readUInt16LE(26);
  const rest = good.subarray(dataStart + oldLen);
  const out = Buffer.concat([good.subarray(0, dataStart), deflated, rest]);
  out.writeUInt32LE(deflated.length, 18);
  out.writeUInt32LE(Math.min(size, 0xffffffff), 22);
  const shift = deflated.length - oldLen;
  for (let p = out.length - 22; p >= 0; p--) {
    if (out.readUInt32LE(p) !== 0x06054b50) continue;
    out.writeUInt32LE(out.readUInt32LE(p + 16) + shift, p + 16);
    for (let c = out.readUInt32LE(p + 16); out.readUInt32LE(c) === 0x02014b50; ) {
      const nameLen = out.readUInt16LE(c + 28);
      if (out.subarray(c + 46, c + 46 + nameLen).equals(name)) {
        out.writeUInt32LE(deflated.length, c + 20);
        out.writeUInt32LE(Math.min(size, 0xffffffff), c + 24);
      } else out.writeUInt32LE(out.readUInt32LE(c + 42) + shift, c + 42);
      c += 46 + nameLen + out.readUInt16LE(c + 30) + out.readUInt16LE(c + 32);
    }
    return out;
  }
  throw new Error('no end of central directory');
}
