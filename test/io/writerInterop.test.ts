// Read our workbooks with other spreadsheet programs: openpyxl and LibreOffice. Both are
// optional (not on CI); the tests skip when they are missing.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XlsxWriter, type CellInput } from '../../src/io/xlsx/writer.js';

const VALUES: CellInput[] = ['G110101200801011234', '01', '1101', '-1.25', '+0.50', '=SUM(A1)', '张三 & <李四>', 7];
// Leading and trailing whitespace survives only with xml:space="preserve"; inner runs without it.
const SPACED = [' 前后 ', '尾随 ', '\u3000全角', 'a  b', '\tx'];

function findPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import openpyxl'], { stdio: 'ignore' }).status === 0) return py;
  }
  return undefined;
}
const python = findPython();
const soffice = ['soffice', 'libreoffice'].find((b) => spawnSync(b, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0);

let dir: string;
let file: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shili-interop-'));
  file = join(dir, 'book.xlsx');
  const w = await XlsxWriter.create(file);
  await w.startSheet({
    name: '学生',
    notes: ['标题'],
    columns: [...VALUES.map((_, i) => ({ header: ['组', `列${i + 1}`] })), { header: '空' }],
    autoFilter: true,
  });
  w.writeRow([...VALUES, null]);
  w.writeRow(SPACED);
  await w.startSheet({ name: 'Second', columns: [{ header: 'x' }] });
  w.writeRow(['00123']);
  await w.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!python)('openpyxl reads the workbook', () => {
  it('sees text cells (data_type s, number_format @) and numbers', () => {
    const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "cells": [], "merged": sorted(str(r) for r in wb["学生"].merged_cells.ranges),
       "freeze": wb["学生"].freeze_panes}
for c in wb["学生"][4]:
    out["cells"].append([c.value, c.data_type, c.number_format])
out["spaced"] = [c.value for c in wb["学生"][5]][:5]
out["second"] = [wb["Second"]["A2"].value, wb["Second"]["A2"].data_type]
print(json.dumps(out, ensure_ascii=False))
`;
    const r = spawnSync(python!, ['-c', script, file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as {
      sheets: string[];
      cells: [unknown, string, string][];
      merged: string[];
      freeze: string;
      second: [string, string];
      spaced: string[];
    };
    expect(got.sheets).toEqual(['学生', 'Second']);
    VALUES.forEach((v, i) => {
      const [value, type, format] = got.cells[i]!;
      expect(value).toBe(v);
      if (typeof v === 'string') expect([type, format]).toEqual(['s', '@']);
      else expect(type).toBe('n');
    });
    expect(got.merged).toEqual(['A1:I1', 'A2:H2', 'I2:I3']);
    expect(got.freeze).toBe('A4');
    expect(got.second).toEqual(['00123', 's']);
    expect(got.spaced).toEqual(SPACED);
  });
});

describe.skipIf(!soffice)('LibreOffice opens the workbook', () => {
  it('converts it to CSV with every value intact', () => {
    const profile = join(tmpdir(), `lo_${randomBytes(6).toString('hex')}`);
    try {
      const r = spawnSync(
        soffice!,
        [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', dir, file],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const csv = readFileSync(join(dir, 'book.csv'), 'utf8');
      const lines = csv.trim().split(/\r?\n/);
      expect(lines[0]).toBe('标题,,,,,,,,');
      expect(lines[3]).toBe('G110101200801011234,01,1101,-1.25,+0.50,=SUM(A1),张三 & <李四>,7,');
      expect(lines[4]).toBe(`${SPACED.join(',')},,,,`);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
