import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XlsxWriter, type CellInput, type SheetOptions } from '../../src/io/xlsx/writer.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shili-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function write(name: string, sheets: { opts: SheetOptions; rows: CellInput[][] }[]): Promise<string> {
  const file = join(dir, name);
  const w = await XlsxWriter.create(file);
  for (const s of sheets) {
    await w.startSheet(s.opts);
    for (const r of s.rows) {
      const p = w.writeRow(r);
      if (p) await p;
    }
  }
  await w.close();
  return file;
}

async function read(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;

const TRICKY = [
  'G110101200801011234',
  '01',
  '1101',
  '-1.25',
  '+0.50',
  '=SUM(A1)',
  '@cmd',
  '张三',
  'a & b < c > "d"',
  ' leading and trailing ',
  'line1\nline2',
];

describe('XlsxWriter read back with exceljs', () => {
  it('keeps every string as text with format @, numbers as numbers, and skips empty cells', async () => {
    const columns = TRICKY.map((_, i) => ({ header: `列${i + 1}` }));
    const file = await write('text.xlsx', [
      {
        opts: { name: '数据', columns: [...columns, { header: '行号' }, { header: '空' }] },
        rows: [[...TRICKY, 12, null], [...TRICKY.map(() => ''), undefined, undefined]],
      },
    ]);
    const ws = (await read(file)).getWorksheet('数据')!;
    const row = ws.getRow(2);
    TRICKY.forEach((v, i) => {
      const cell = row.getCell(i + 1);
      expect(cell.value).toBe(v);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.numFmt).toBe('@');
    });
    expect(row.getCell(TRICKY.length + 1).value).toBe(12);
    expect(row.getCell(TRICKY.length + 1).type).toBe(ExcelJS.ValueType.Number);
    expect(row.getCell(TRICKY.length + 2).value).toBeNull();
    expect(ws.getRow(3).cellCount).toBe(0);
  });

  it('escapes XML and drops characters XML 1.0 cannot hold, keeping CJK and emoji', async () => {
    const file = await write('chars.xlsx', [
      {
        opts: { name: 'S', columns: [{ header: 'a' }, { header: 'b' }, { header: 'c' }] },
        rows: [['x\u0000y\u0001z\u001f', 'lone\ud800 \udc00half\uffff', '𠮷野家😀 <&>'], ['tab\there', 'cr\r\nlf', '']],
      },
    ]);
    const ws = (await read(file)).getWorksheet('S')!;
    expect(ws.getCell('A2').value).toBe('xyz');
    expect(ws.getCell('B2').value).toBe('lone half');
    expect(ws.getCell('C2').value).toBe('𠮷野家😀 <&>');
    expect(ws.getCell('A3').value).toBe('tab\there');
    expect(ws.getCell('B3').value).toBe('cr\r\nlf');
  });

  it('keeps whitespace exactly, with xml:space="preserve" only where a reader would otherwise lose it', async () => {
    const spaced = [' 前后 ', '\t制表', '尾随 ', 'a\tb', '\u3000全角', 'x\u00a0', '\u0001 控制', 'cr\r\nlf', ' ', 'lead', 'a  b'];
    const file = await write('spaces.xlsx', [
      { opts: { name: 'S', columns: spaced.map((_, i) => ({ header: `h${i}` })) }, rows: [spaced] },
    ]);
    const ws = (await read(file)).getWorksheet('S')!;
    // The control character is dropped, so that cell starts with a space and keeps it.
    spaced.forEach((v, i) => expect(ws.getRow(2).getCell(i + 1).value).toBe(v.replace('\u0001', '')));
    if (hasUnzip) {
      const xml = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'latin1' });
      const row = Buffer.from(xml.slice(xml.indexOf('<row r="2">')), 'latin1').toString('utf8');
      expect(row.match(/xml:space="preserve"/g)).toHaveLength(9);
      expect(row).toContain('<c r="J2" s="1" t="inlineStr"><is><t>lead</t></is></c>');
      expect(row).toContain('<t>a  b</t>');
    }
  });

  it('closes text, number and skipped cells correctly in any order', async () => {
    const rows: CellInput[][] = [
      [1, 'a', '', 2.5, null, 'b', 3, 'c&<>"d', undefined],
      ['x', 7, 8, '张三', NaN, Infinity, '', 'y'],
      [null, '', undefined],
      ['only'],
      [42],
    ];
    const file = await write('mixed.xlsx', [{ opts: { name: 'S', columns: rows[0]!.map((_, i) => ({ header: `h${i}` })) }, rows }]);
    const ws = (await read(file)).getWorksheet('S')!;
    const got = (r: number, n: number) => Array.from({ length: n }, (_, i) => ws.getRow(r).getCell(i + 1).value);
    expect(got(2, 9)).toEqual([1, 'a', null, 2.5, null, 'b', 3, 'c&<>"d', null]);
    expect(got(3, 8)).toEqual(['x', 7, 8, '张三', null, null, null, 'y']);
    expect(ws.getRow(4).cellCount).toBe(0);
    expect(got(5, 1)).toEqual(['only']);
    expect(got(6, 1)).toEqual([42]);
  });

  it('reads back five- and six-digit row numbers, long and uncached values', async () => {
    const long = ' ' + 'ab&'.repeat(10_000) + '尾 ';
    const file = join(dir, 'rows.xlsx');
    const w = await XlsxWriter.create(file);
    await w.startSheet({ name: 'S', columns: [{ header: 'n' }, { header: 'text' }, { header: 'id' }] });
    for (let i = 2; i <= 100_002; i++) {
      const text = i === 100_001 ? long : i % 1000 === 0 ? `第${i}行：${'说明'.repeat(40)}` : '否';
      const p = w.writeRow([String(i), text, `G${String(i).padStart(18, '0')}`]);
      if (p) await p;
    }
    await w.close();
    const ws = (await read(file)).getWorksheet('S')!;
    for (const r of [2, 9_999, 10_000, 12_345, 99_999, 100_000, 100_001, 100_002]) {
      expect(ws.getCell(`A${r}`).value).toBe(String(r));
      expect(ws.getCell(`C${r}`).value).toBe(`G${String(r).padStart(18, '0')}`);
    }
    expect(ws.getCell('B100001').value).toBe(long);
    expect(ws.getCell('B99000').value).toBe(`第99000行：${'说明'.repeat(40)}`);
    expect(ws.getCell('B100002').value).toBe('否');
  });

  it('writes bold, filled, bordered header rows with merges, freeze pane, widths and autofilter', async () => {
    const file = await write('header.xlsx', [
      {
        opts: {
          name: '视力',
          notes: ['2024 年秋季视力筛查'],
          autoFilter: true,
          columns: [
            { header: '姓名', width: 12 },
            { header: ['秋季', '左眼视力'] },
            { header: ['秋季', '右眼视力'] },
            { header: ['春季', '左眼视力'] },
            { header: '身份证号' },
          ],
        },
        rows: [['张三', '4.9', '5.0', '4.8', 'G110101200801011234']],
      },
    ]);
    const ws = (await read(file)).getWorksheet('视力')!;
    expect(ws.getCell('A1').value).toBe('2024 年秋季视力筛查');
    expect(ws.getCell('A2').value).toBe('姓名');
    expect(ws.getCell('B2').value).toBe('秋季');
    expect(ws.getCell('B3').value).toBe('左眼视力');
    expect(ws.getCell('D2').value).toBe('春季');
    expect(ws.getCell('A4').value).toBe('张三');
    expect([...ws.model.merges].sort()).toEqual(['A1:E1', 'A2:A3', 'B2:C2', 'E2:E3'].sort());
    const h = ws.getCell('B3');
    expect(h.font?.bold).toBe(true);
    expect(h.numFmt).toBe('@');
    expect(h.border?.top?.style).toBe('thin');
    expect(h.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    expect(h.alignment?.wrapText).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, topLeftCell: 'A4' });
    expect(ws.getColumn(1).width).toBe(12);
    // "身份证号": 4 CJK characters = 8 units, plus padding.
    expect(ws.getColumn(5).width).toBe(10);
    expect(ws.autoFilter).toBe('A3:E4');
  });

  it('writes several sheets with sanitised, unique names', async () => {
    const file = await write('sheets.xlsx', [
      { opts: { name: '一年级[1]:*?/\\班', columns: [{ header: 'x' }] }, rows: [['1']] },
      { opts: { name: '一年级[1]:*?/\\班', columns: [{ header: 'y' }], freezeHeader: false }, rows: [['2']] },
      { opts: { name: 'x'.repeat(40), columns: [{ header: 'z' }] }, rows: [] },
    ]);
    const wb = await read(file);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['一年级_1______班', '一年级_1______班 (2)', 'x'.repeat(31)]);
    expect(wb.worksheets[0]!.getCell('A2').value).toBe('1');
    expect(wb.worksheets[1]!.getCell('A2').value).toBe('2');
    expect(wb.worksheets[1]!.views[0]?.state ?? 'normal').not.toBe('frozen');
  });

  it('counts data rows per sheet and streams many rows through backpressure', async () => {
    const file = join(dir, 'many.xlsx');
    const w = await XlsxWriter.create(file);
    await w.startSheet({ name: 'A', columns: [{ header: 'id' }, { header: 'n' }] });
    for (let i = 0; i < 30_000; i++) {
      const p = w.writeRow([`ID${String(i).padStart(6, '0')}`, i]);
      if (p) await p;
    }
    expect(w.rowCount()).toBe(30_000);
    await w.startSheet({ name: 'B', columns: [{ header: 'x' }] });
    expect(w.rowCount()).toBe(0);
    await w.close();
    const ws = (await read(file)).getWorksheet('A')!;
    expect(ws.rowCount).toBe(30_001);
    expect(ws.getCell('A30001').value).toBe('ID029999');
    expect(ws.getCell('B30001').value).toBe(29_999);
  });

  it('writes a valid workbook with no sheets started', async () => {
    const file = join(dir, 'empty.xlsx');
    const w = await XlsxWriter.create(file);
    await w.close();
    expect((await read(file)).worksheets).toHaveLength(1);
  });

  it('creates the file with mode 0600 and refuses to overwrite', async () => {
    const file = await write('mode.xlsx', [{ opts: { name: 'S', columns: [{ header: 'a' }] }, rows: [['1']] }]);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(XlsxWriter.create(file)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
  });

  it('abort() leaves no file behind', async () => {
    const file = join(dir, 'aborted.xlsx');
    const w = await XlsxWriter.create(file);
    await w.startSheet({ name: 'S', columns: [{ header: 'a' }] });
    for (let i = 0; i < 20_000; i++) {
      const p = w.writeRow([`row ${i}`]);
      if (p) await p;
    }
    await w.abort();
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses cells longer than Excel allows, naming the cell', async () => {
    const w = await XlsxWriter.create(join(dir, 'long.xlsx'));
    await w.startSheet({ name: 'S', columns: [{ header: 'a' }, { header: 'b' }] });
    expect(() => w.writeRow(['ok', 'x'.repeat(32_768)])).toThrow(
      expect.objectContaining({ code: 'XLSX_CELL_TOO_LONG', location: { sheet: 'S', cell: 'B2' } }),
    );
    await w.abort();
  });

  it('writes long cells that do not fit one chunk', async () => {
    const long = '长'.repeat(32_767);
    const file = await write('bigcell.xlsx', [{ opts: { name: 'S', columns: [{ header: 'a' }] }, rows: [[long], ['after']] }]);
    const ws = (await read(file)).getWorksheet('S')!;
    expect(ws.getCell('A2').value).toBe(long);
    expect(ws.getCell('A3').value).toBe('after');
  });

  it.skipIf(!hasUnzip)('passes unzip -t', async () => {
    const file = await write('zip.xlsx', [
      { opts: { name: 'S', columns: [{ header: 'a' }] }, rows: Array.from({ length: 5000 }, (_, i) => [`v${i}`]) },
      { opts: { name: 'T', columns: [{ header: 'b' }] }, rows: [['x']] },
    ]);
    const out = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
    expect(out).toContain('No errors detected');
    const list = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(list).toEqual(
      [
        '[Content_Types].xml',
        '_rels/.rels',
        'docProps/app.xml',
        'docProps/core.xml',
        'xl/_rels/workbook.xml.rels',
        'xl/styles.xml',
        'xl/workbook.xml',
        'xl/worksheets/sheet1.xml',
        'xl/worksheets/sheet2.xml',
      ].sort(),
    );
    const core = execFileSync('unzip', ['-p', file, 'docProps/core.xml'], { encoding: 'utf8' });
    expect(core).not.toMatch(/creator|lastModifiedBy/);
  });
});
