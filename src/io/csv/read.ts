// CSV as a SheetSource: encoding and delimiter are settled at open time from a
// sample; rows() then streams the file through a decoder into csv-parse.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { finished, pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ShiliError } from '../../errors.js';
import { csvEncoding, csvInvalid } from '../readErrors.js';
import { rowsOf, type Cell, type Row, type SheetSource } from '../table.js';
import { detectDelimiter, type Delimiter } from './delimiter.js';
import { detectEncoding, type CsvEncoding } from './encoding.js';

export interface CsvOpenOptions {
  /** 'auto' (default) detects: BOM → valid UTF-8 → GB18030. */
  encoding?: 'auto' | CsvEncoding;
}

/** Enough text to hold the header line even with very wide files. */
const DELIMITER_SAMPLE_BYTES = 64 * 1024;

export async function openCsv(path: string, file: string, opts: CsvOpenOptions = {}): Promise<SheetSource> {
  const fh = await open(path, 'r');
  let encoding: CsvEncoding;
  let skip = 0;
  let delimiter: Delimiter;
  try {
    if (opts.encoding === undefined || opts.encoding === 'auto') {
      const detected = await detectEncoding(fh);
      encoding = detected.encoding;
      skip = detected.bomLength;
    } else {
      // TextDecoder drops a BOM that matches the chosen encoding by itself.
      encoding = opts.encoding;
    }
    const head = Buffer.alloc(DELIMITER_SAMPLE_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, skip);
    delimiter = detectDelimiter(new TextDecoder(encoding).decode(head.subarray(0, bytesRead), { stream: true }));
  } finally {
    await fh.close();
  }
  const filter: RowFilter = { keep: null };
  const rowBatches = (): AsyncIterable<Row[]> => readCsvBatches(path, file, encoding, skip, delimiter, filter);
  return {
    file,
    sheet: csvSheetName(file),
    format: 'csv',
    rowBatches,
    rows: () => rowsOf(rowBatches()),
    keepRows: (keep) => void (filter.keep = keep),
    // Records are numbered as they come.
    rowsOutOfOrder: () => false,
    merges: () => [],
  };
}

/** A CSV has one sheet, named after the file without its extension. */
export function csvSheetName(file: string): string {
  return basename(file, extname(file));
}

/** SheetSource.keepRows for a CSV: records are parsed all the same, rejected ones are not made into rows. */
interface RowFilter {
  keep: ((rowNumber: number) => boolean) | null;
}

/** The rows of the records csv-parse has ready at each turn, as one batch. */
async function* readCsvBatches(
  path: string,
  file: string,
  encoding: CsvEncoding,
  skip: number,
  delimiter: Delimiter,
  filter: RowFilter,
): AsyncGenerator<Row[]> {
  const source = createReadStream(path, { start: skip, highWaterMark: 1 << 20 });
  const decoded = { lines: 1 };
  const parser = parse({
    bom: true,
    delimiter,
    relax_column_count: true,
    // Excel keeps a stray quote inside an unquoted field (张"三) as text; so do we. An unclosed quote is still an error.
    relax_quotes: true,
    skip_empty_lines: false,
  });
  pipeline(source, decodeText(file, encoding, decoded), parser, () => {});
  let rowNumber = 0;
  // Physical lines consumed so far, for error messages; counted here because csv-parse's
  // `info` option costs more than the parsing itself.
  let lastLine = 0;
  try {
    for await (const records of recordBatches(parser)) {
      const rows: Row[] = [];
      for (const record of records) {
        rowNumber++;
        lastLine += 1 + newlinesIn(record);
        if (filter.keep !== null && !filter.keep(rowNumber)) continue;
        const row = toRow(record, rowNumber);
        if (row) rows.push(row);
      }
      if (rows.length > 0) yield rows;
    }
  } catch (err) {
    throw toCsvError(err, file, lastLine + 1);
  } finally {
    parser.destroy();
    source.destroy();
  }
}

/**
 * Records in batches of what the stream holds at each turn, at most BATCH_RECORDS:
 * what Node's own async iterator does, without a promise per record. csv-parse
 * holds every record of a 1 MiB read at once; a caller that stops after the
 * header should not pay for turning all of them into rows.
 */
const BATCH_RECORDS = 512;

async function* recordBatches(stream: Readable): AsyncGenerator<string[][]> {
  // undefined while running; null once ended cleanly.
  let error: Error | null | undefined;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('readable', signal);
  finished(stream, { writable: false }, (err) => {
    error = err ?? null;
    signal();
  });
  try {
    for (;;) {
      const batch: string[][] = [];
      while (batch.length < BATCH_RECORDS && !stream.destroyed) {
        const record = stream.read() as string[] | null;
        if (record === null) break;
        batch.push(record);
      }
      if (batch.length > 0) yield batch;
      else if (error) throw error;
      else if (error === null) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.off('readable', signal);
  }
}

function newlinesIn(record: string[]): number {
  let n = 0;
  for (const field of record) if (field.indexOf('\n') !== -1) n += countLines(field);
  return n;
}

function toRow(record: string[], rowNumber: number): Row | undefined {
  const cells: (Cell | undefined)[] = new Array<Cell | undefined>(record.length);
  let any = false;
  for (let i = 0; i < record.length; i++) {
    let v = record[i]!;
    // A second BOM (files re-saved by tools that add one unconditionally) survives decoding.
    if (i === 0 && rowNumber === 1 && v.charCodeAt(0) === 0xfeff) v = v.slice(1);
    if (v !== '') {
      cells[i] = { t: 's', v };
      any = true;
    }
  }
  return any ? { rowNumber, cells } : undefined;
}

/** Decodes chunk by chunk; counts lines so an encoding error can say roughly where it is. */
function decodeText(file: string, encoding: CsvEncoding, state: { lines: number }) {
  return async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
    const decoder = new TextDecoder(encoding, { fatal: true });
    for await (const chunk of chunks) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch (err) {
        throw csvEncoding(file, encoding, state.lines + linesBeforeBadByte(chunk, encoding), err);
      }
      state.lines += countLines(text);
      yield text;
    }
    try {
      yield decoder.decode();
    } catch (err) {
      throw csvEncoding(file, encoding, state.lines, err);
    }
  };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Only runs after a decoding failure: finds which line of the chunk holds the bad bytes. */
function linesBeforeBadByte(chunk: Buffer, encoding: CsvEncoding): number {
  const loose = new TextDecoder(encoding).decode(chunk);
  const bad = loose.indexOf('\uFFFD');
  return countLines(bad === -1 ? loose : loose.slice(0, bad));
}

function toCsvError(err: unknown, file: string, recordLine: number): unknown {
  if (err instanceof ShiliError) return err;
  if (!(err instanceof CsvError)) return err;
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
    return csvInvalid(file, recordLine, `第 ${recordLine} 行开始的英文双引号（"）一直没有闭合`);
  }
  const line = typeof err.lines === 'number' ? err.lines : recordLine;
  return csvInvalid(file, line, `第 ${line} 行无法解析（${err.code}）`);
}
