// Reads a workbook shili wrote with an independent reader (exceljs), cell by cell.
import ExcelJS from 'exceljs';

export interface ReadCell {
  value: unknown;
  /** exceljs ValueType name: String, Number, Null, … */
  type: string;
  numFmt: string | undefined;
}

export interface ReadSheet {
  name: string;
  header: string[];
  rows: ReadCell[][];
  /** Row values as text, by header. */
  records: Record<string, string>[];
}

const TYPE_NAMES: Record<number, string> = { 0: 'Null', 1: 'Merge', 2: 'Number', 3: 'String', 4: 'Date', 5: 'Hyperlink', 6: 'Formula', 7: 'SharedString', 8: 'RichText', 9: 'Boolean', 10: 'Error' };

export async function readBack(path: string, sheetIndex = 0): Promise<ReadSheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const ws = wb.worksheets[sheetIndex]!;
  const header: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: false }, (c, col) => (header[col - 1] = String(c.value)));
  const rows: ReadCell[][] = [];
  const records: Record<string, string>[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: ReadCell[] = [];
    const rec: Record<string, string> = {};
    for (let c = 1; c <= header.length; c++) {
      const cell = row.getCell(c);
      cells.push({ value: cell.value, type: TYPE_NAMES[cell.type] ?? String(cell.type), numFmt: cell.numFmt });
      if (cell.value !== null && cell.value !== undefined) rec[header[c - 1]!] = String(cell.value);
    }
    rows.push(cells);
    records.push(rec);
  }
  return { name: ws.name, header, rows, records };
}
