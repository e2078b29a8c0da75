// Workbooks from other generators: openpyxl (inline strings with numeric
// entities, date1904) and LibreOffice (re-saved). Skipped where the tools are missing.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSheets } from '../../src/io/open.js';
import type { Cell, Row } from '../../src/io/table.js';
import { convertWithSoffice, pythonWithOpenpyxl, runPython, soffice } from './read-fixtures/external.js';
import { readAll, tempDir } from './read-fixtures/xlsx.js';

const tmp = tempDir('xlsx-writers');
afterAll(() => tmp.cleanup());

/** Writes two workbooks (1900 and 1904 date systems) and prints what each cell should read as. */
const SCRIPT = String.raw`
import datetime, json, sys
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

rows = [['姓名', '学号', '视力', '出生日期', '检查时间', '戴镜', '双倍学号']]
for i in range(30):
    rows.append([
        '学生' + str(i) + (' & <甲>' if i % 7 == 0 else ''),
        20240000 + i,
        4.0 + (i % 11) / 10,
        datetime.date(2012 + i % 5, 1 + i % 12, 1 + i % 27),
        datetime.datetime(2024, 9, 2, 8, i, 15),
        i % 3 == 0,
        '=B%d*2' % (i + 2),
    ])

def expected(v, r):
    if v is None: return None
    if isinstance(v, bool): return {'t': 'b', 'v': v}
    if isinstance(v, (datetime.date, datetime.datetime)): return {'t': 'd', 'v': to_excel(v)}
    if isinstance(v, (int, float)): return {'t': 'n', 'v': v}
    if v.startswith('='): return {'formula': True, 'computed': 2 * rows[r][1]}
    return {'t': 's', 'v': v}

for path, epoch in ((sys.argv[1], None), (sys.argv[2], CALENDAR_MAC_1904)):
    wb = openpyxl.Workbook()
    if epoch is not None: wb.epoch = epoch
    ws = wb.active
    ws.title = '学生'
    for row in rows: ws.append(row)
    for r in range(2, len(rows) + 1):
        ws.cell(row=r, column=4).number_format = 'yyyy-mm-dd'
    ws.row_dimensions[5].hidden = True
    ws.merge_cells('H1:I2')
    wb.create_sheet('说明').sheet_state = 'hidden'
    wb.save(path)

print(json.dumps([[expected(v, r) for v in row] for r, row in enumerate(rows)]))
`;

type Expected = Cell | { formula: true; computed: number } | null;

function compare(rows: Row[], expected: Expected[][], formulaValues: 'none' | 'computed'): void {
  expect(rows.map((r) => r.rowNumber)).toEqual(expected.map((_, i) => i + 1));
  rows.forEach((row, r) => {
    expected[r]!.forEach((want, c) => {
      const got = row.cells[c];
      const where = `R${r + 1}C${c + 1}`;
      if (want === null) expect(got, where).toBeUndefined();
      else if ('formula' in want) {
        expect(row.formulas?.[c], where).toBe(true);
        if (formulaValues === 'computed') expect(got, where).toEqual({ t: 'n', v: want.computed });
        else expect(got, where).toBeUndefined();
      } else if (want.t === 'd') {
        expect(got?.t, where).toBe('d');
        expect(got?.v as number, where).toBeCloseTo(want.v, 6);
      } else expect(got, where).toEqual(want);
    });
  });
  expect(rows[4]!.hidden).toBe(true);
}

describe.skipIf(!pythonWithOpenpyxl)('openpyxl', () => {
  const p1900 = join(tmp.dir, 'openpyxl-1900.xlsx');
  const p1904 = join(tmp.dir, 'openpyxl-1904.xlsx');
  // Written once, by whichever test runs first.
  let want: Expected[][] | undefined;
  const ensure = (): Expected[][] => (want ??= JSON.parse(runPython(SCRIPT, [p1900, p1904])) as Expected[][]);

  it('reads inline strings, dates, booleans and uncached formulas', async () => {
    const exp = ensure();
    compare(await readAll(p1900), exp, 'none');
    expect(await listSheets(p1900)).toEqual([
      { name: '学生', hidden: false },
      { name: '说明', hidden: true },
    ]);
  });

  it('reads a date1904 workbook with the same serials as the 1900 one', async () => {
    compare(await readAll(p1904), ensure(), 'none');
  });

  it.skipIf(!soffice)('reads the same workbook after LibreOffice re-saves it', { timeout: 120_000 }, async () => {
    const exp = ensure();
    const outDir = join(tmp.dir, 'lo');
    mkdirSync(outDir, { recursive: true });
    compare(await readAll(convertWithSoffice(p1900, 'xlsx', outDir)), exp, 'computed');
    compare(await readAll(convertWithSoffice(p1904, 'xlsx', outDir)), exp, 'computed');
  });
});
