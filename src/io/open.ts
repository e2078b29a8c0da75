// The one place that decides how a file is read. Callers get a SheetSource and
// never branch on the format themselves.
import { open, stat } from 'node:fs/promises';
import { ShiliError } from '../errors.js';
import { csvSheetName, openCsv } from './csv/read.js';
import type { CsvEncoding } from './csv/encoding.js';
import { fileNotFound, fileUnreadable, notRegularFile, xlsxCorrupt } from './readErrors.js';
import { readerFor, sniffFile } from './sniff.js';
import { rowsOf, type Row, type SheetInfo, type SheetSource } from './table.js';
import { XmlStructureError } from './xlsx/xmlScan.js';
import { listXlsxSheets, openXlsx } from './xlsx/xlsxSource.js';

export interface OpenOptions {
  /** Sheet name, or 0-based index among the sheets listSheets returns. Default: the first visible sheet. Ignored for CSV. */
  sheet?: string | number;
  /** CSV only. Default 'auto'. */
  encoding?: 'auto' | CsvEncoding;
  limits?: { maxEntryBytes?: number };
}

/** Worksheets of an .xlsx in workbook order (hidden ones included); a CSV is one sheet named after the file. */
export async function listSheets(path: string): Promise<SheetInfo[]> {
  return withFileErrors(path, async () => {
    if ((await formatOf(path)) === 'csv') return [{ name: csvSheetName(path), hidden: false }];
    return listXlsxSheets(path, path);
  });
}

export async function openTable(path: string, opts: OpenOptions = {}): Promise<SheetSource> {
  return withFileErrors(path, async () => {
    const source =
      (await formatOf(path)) === 'csv'
        ? await openCsv(path, path, { encoding: opts.encoding })
        : await openXlsx(path, path, { sheet: opts.sheet, limits: opts.limits });
    const rowBatches = (): AsyncIterable<Row[]> => withIterationErrors(path, source.rowBatches());
    return { ...source, rowBatches, rows: () => rowsOf(rowBatches()) };
  });
}

async function formatOf(path: string): Promise<'xlsx' | 'csv'> {
  // Opening a named pipe waits for a writer that may never come: refused before open.
  const st = await stat(path);
  if (st.isFIFO() || st.isSocket()) throw notRegularFile(path);
  const fh = await open(path, 'r');
  try {
    return readerFor(await sniffFile(fh), path);
  } finally {
    await fh.close();
  }
}

/** Batches with file errors mapped like open's. A plain iterator: a generator layer would cost more. */
function withIterationErrors<T>(path: string, iterable: AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const inner = iterable[Symbol.asyncIterator]();
      const fail = (err: unknown): never => {
        throw toReadError(err, path);
      };
      return {
        next: () => inner.next().then(undefined, fail),
        return: async (value?: unknown) => (inner.return ? inner.return(value).then(undefined, fail) : { done: true, value: undefined }),
      };
    },
  };
}

async function withFileErrors<T>(path: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toReadError(err, path);
  }
}

/** File-system failures become messages a user can act on; everything leaves here located in its file. */
function toReadError(err: unknown, file: string): unknown {
  if (err instanceof ShiliError) {
    err.location.file ??= file;
    return err;
  }
  if (err instanceof XmlStructureError) return xlsxCorrupt(file, err.message, err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return fileNotFound(file, err);
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return fileUnreadable(file, err);
  // Anything else is a bug in shili, not a property of the file: let it surface with its stack.
  return err;
}
