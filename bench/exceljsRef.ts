// Second reference: the same rows through exceljs's streaming reader and streaming writer, doing
// nothing in between — what a conversion built on exceljs could at best cost.
// Usage: node dist/bench/exceljsRef.js <input.xlsx> <output.xlsx>
// Prints one JSON object on stdout.
import ExcelJS from 'exceljs';

export interface ExceljsResult {
  rows: number;
  cells: number;
  readWriteMs: number;
}

async function main(): Promise<void> {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: exceljsRef.js <input.xlsx> <output.xlsx>');
  const t0 = performance.now();
  // styles 'cache' so date cells arrive as dates, as shili reads them; shared strings resolved.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: output, useSharedStrings: false, useStyles: false });
  const sheet = writer.addWorksheet('Sheet1');
  let rows = 0;
  let cells = 0;
  for await (const ws of reader) {
    for await (const row of ws) {
      // row.values is 1-based (index 0 empty), which addRow accepts as is.
      const values = row.values as ExcelJS.CellValue[];
      cells += row.cellCount;
      sheet.addRow(values).commit();
      rows++;
    }
    break; // the first worksheet only, as shili reads one sheet
  }
  sheet.commit();
  await writer.commit();
  const result: ExceljsResult = { rows, cells, readWriteMs: performance.now() - t0 };
  process.stdout.write(JSON.stringify(result) + '\n');
}

await main();
