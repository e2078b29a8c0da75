// Opens one worksheet of an .xlsx as a SheetSource. Everything except the
// worksheet itself (workbook, shared strings, styles) is read up front and the
// file is closed again; rows() reopens it, so a caller that never iterates, or
// stops early, leaves no file descriptor behind. A large shared-string table
// keeps part of its text in a temp file from open until the rows have been read
// (or the reading stopped or failed).
import { ShiliError } from '../../errors.js';
import { keptRows, rowsOf, type MergeRange, type Row, type SheetInfo, type SheetSource } from '../table.js';
import { sheetNotFound, xlsxCorrupt, xlsxNoSheet } from '../readErrors.js';
import { findPart, readPartText } from './packageParts.js';
import { SharedStrings, type SharedStringsLimits } from './sharedStrings.js';
import { readSharedStrings } from './sharedStringsParser.js';
import { SheetParser, type SheetContext } from './sheetParser.js';
import { parseDateStyles } from './styles.js';
import { utf8Bytes } from './utf8Chunks.js';
import { readWorkbookInfo, type WorkbookSheet } from './workbook.js';
import { ZipReader, type ZipLimits } from './zipReader.js';

export interface XlsxOpenOptions {
  /** Sheet name, or 0-based index among the worksheets listSheets returns. Default: first visible. */
  sheet?: string | number;
  limits?: Partial<ZipLimits>;
  /** How much of the shared-string table stays in memory (tests make it tiny). */
  sharedStrings?: Partial<SharedStringsLimits>;
}

/**
 * Worksheets in workbook order; chartsheets and other non-grid sheets are left out.
 * A workbook whose sheets are all of that kind is refused here, naming them: an
 * empty list would leave the caller to guess why. A workbook with no sheets at all lists [].
 */
export async function listXlsxSheets(path: string, file: string, limits?: Partial<ZipLimits>): Promise<SheetInfo[]> {
  const zip = await ZipReader.open(path, file, limits);
  try {
    const info = await readWorkbookInfo(zip);
    const found = worksheets(info.sheets);
    if (found.length === 0 && info.sheets.length > 0) throw noWorksheet(info.sheets, file);
    return found.map(({ name, hidden }) => ({ name, hidden }));
  } finally {
    await zip.close();
  }
}

export async function openXlsx(path: string, file: string, opts: XlsxOpenOptions = {}): Promise<SheetSource> {
  const zip = await ZipReader.open(path, file, opts.limits);
  let ctx: SheetContext;
  let part: string;
  let sharedStrings: SharedStrings | undefined;
  try {
    const info = await readWorkbookInfo(zip);
    const sheet = pickSheet(worksheets(info.sheets), opts.sheet, file, info.sheets);
    if (sheet.part === undefined || !findPart(zip, sheet.part)) {
      throw xlsxCorrupt(file, `工作表「${sheet.name}」的数据缺失`);
    }
    part = sheet.part;
    const sstEntry = info.sharedStringsPart === undefined ? undefined : findPart(zip, info.sharedStringsPart);
    const stylesXml = info.stylesPart === undefined ? undefined : await readPartText(zip, info.stylesPart);
    const dateStyles = stylesXml === undefined ? [] : parseDateStyles(stylesXml);
    // Last: nothing may fail after the table (and its temp file) exists but before rows() owns it.
    sharedStrings = sstEntry ? await readSharedStrings(zip, sstEntry, opts.sharedStrings) : SharedStrings.of([]);
    ctx = { file, sheet: sheet.name, sharedStrings, dateStyles, date1904: info.date1904 };
  } finally {
    try {
      await zip.close();
    } catch (err) {
      sharedStrings?.close();
      throw err;
    }
  }

  let merges: MergeRange[] = [];
  let keep: ((rowNumber: number) => boolean) | null = null;
  let parser: SheetParser | undefined;
  const rowBatches = (): AsyncIterable<Row[]> => {
    parser = new SheetParser(ctx);
    parser.keep = keep;
    merges = parser.merges;
    return readRowBatches(path, file, part, parser, opts.limits, ctx);
  };
  return {
    file,
    sheet: ctx.sheet,
    format: 'xlsx',
    rowBatches,
    rows: () => rowsOf(rowBatches()),
    keepRows: (k) => {
      keep = k;
      if (parser) parser.keep = k;
    },
    rowsOutOfOrder: () => parser?.rowsOutOfOrder ?? false,
    merges: () => merges,
  };
}

/*
 * XML parsed per batch of rows. An inflated chunk (256 KiB, several hundred rows) made rows that
 * were all alive at once for so long that V8 found them surviving young-generation GCs and began
 * to allocate every row straight in the old generation, to die there.
 */
const PARSE_PIECE = 64 * 1024;

/** The rows of each 64 KiB of inflated XML (about a hundred rows) as one batch. */
async function* readRowBatches(
  path: string,
  file: string,
  part: string,
  parser: SheetParser,
  limits: Partial<ZipLimits> | undefined,
  { sheet, sharedStrings }: SheetContext,
): AsyncGenerator<Row[]> {
  let zip: ZipReader | undefined;
  try {
    zip = await ZipReader.open(path, file, limits);
    const entry = findPart(zip, part);
    if (!entry) throw xlsxCorrupt(file, `找不到“${part}”`);
    for await (const bytes of utf8Bytes(zip.stream(entry))) {
      for (let at = 0; at < bytes.length; at += PARSE_PIECE) {
        parser.write(bytes.length <= PARSE_PIECE ? bytes : bytes.subarray(at, at + PARSE_PIECE));
        if (parser.rows.length > 0) {
          const done = kept(parser);
          parser.rows = [];
          if (done.length > 0) yield done;
        }
      }
    }
    parser.end();
    const last = kept(parser);
    if (last.length > 0) yield last;
  } catch (err) {
    if (err instanceof ShiliError) err.location.sheet ??= sheet;
    throw err;
  } finally {
    // The rows are read once: the table's temp file goes with the end of the read, however it ends.
    sharedStrings.close();
    await zip?.close();
  }
}

/**
 * The parser's finished rows that its filter accepts. It drops the rows it rejects itself, but
 * a row that had started when the filter was set is still emitted.
 */
function kept(parser: SheetParser): Row[] {
  return parser.keep === null ? parser.rows : keptRows(parser.rows, parser.keep);
}

function worksheets(sheets: WorkbookSheet[]): WorkbookSheet[] {
  return sheets.filter((s) => s.kind === 'worksheet');
}

function noWorksheet(all: WorkbookSheet[], file: string): ShiliError {
  return xlsxNoSheet(
    file,
    all.map((s) => ({ name: s.name, kind: s.kind === 'chartsheet' ? 'chartsheet' : 'other' })),
  );
}

function pickSheet(sheets: WorkbookSheet[], wanted: string | number | undefined, file: string, all: WorkbookSheet[]): WorkbookSheet {
  if (sheets.length === 0) throw noWorksheet(all, file);
  if (wanted === undefined) return sheets.find((s) => !s.hidden) ?? sheets[0]!;
  const names = sheets.map((s) => s.name);
  if (typeof wanted === 'number') {
    const byIndex = Number.isInteger(wanted) ? sheets[wanted] : undefined;
    if (!byIndex) throw sheetNotFound(file, wanted, names);
    return byIndex;
  }
  // Excel treats sheet names case-insensitively; stray spaces come from typing the name on a command line.
  const key = wanted.trim().toLowerCase();
  const found = sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.trim().toLowerCase() === key);
  if (!found) throw sheetNotFound(file, wanted, names);
  return found;
}
