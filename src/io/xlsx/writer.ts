// Fast streaming .xlsx writer: rows become XML by string concatenation and go through one
// deflate stream per sheet (level 1, in the thread pool), so memory stays flat and the row loop sets the pace.
// Every string is an inline string in text format ("@"), so IDs like G1101…, codes like 01
// and values like -1.25 arrive as text and stay text when a user edits the file.

import { columnLetter } from '../a1.js';
import { ShiliError } from '../../errors.js';
import { defaultWidth, layoutHeader } from './writer/header.js';
import {
  APP_XML,
  contentTypesXml,
  coreXml,
  ROOT_RELS_XML,
  sheetPartName,
  workbookRelsXml,
  workbookXml,
  type WrittenSheet,
} from './writer/parts.js';
import { sheetName } from './writer/sheetName.js';
import { rangeRef, sheetHead, sheetTail, styledRow } from './writer/sheetXml.js';
import { STYLE_TEXT, STYLES_XML } from './writer/styles.js';
import { EDGE_BYTE, flat, isPlainText, TEXT_BYTE, textElement } from './writer/xml.js';
import { ZipWriter, type ZipEntry } from './zipWriter.js';
import type { MergeRange } from '../table.js';

export interface ColumnDef {
  /** A path for multi-row headers: ["秋季","左眼视力"]; adjacent equal group texts are merged. */
  header: string | string[];
  /** Width in Excel character units (a CJK character is about 2); default from the header. */
  width?: number;
}

export interface SheetOptions {
  name: string;
  columns: ColumnDef[];
  /** Freeze the rows down to the header; default true. */
  freezeHeader?: boolean;
  /** Filter buttons on the (last) header row. */
  autoFilter?: boolean;
  /** Rows of text above the header, e.g. a title; each is merged across all columns. */
  notes?: string[];
}

export type CellInput = string | number | null | undefined;

// Excel's limits; beyond them Excel refuses or "repairs" the file.
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
const MAX_CELL_CHARS = 32_767;
// Rows are encoded straight into a buffer of this size, which goes to deflate when full. Each
// chunk costs a thread-pool round trip and some stream calls on the main thread, so it is large.
const CHUNK_BYTES = 1024 * 1024;
// Chunks kept for reuse. ZipWriter lets a few queue for zlib, so a few are in flight at once.
const MAX_SPARE = 4;
const DEFAULT_LEVEL = 1;
const PARTS_LEVEL = 6;

// A cell is <c r="B + row number + one of these + the value; the closing tags of each cell go
// in front of the next cell's opening (see cellOpen), so a row is few, long pieces.
// A plain value follows PLAIN_MID as it is; any other value brings its own <t> (see textElement).
const TEXT_MID = flat(`" s="${STYLE_TEXT}" t="inlineStr"><is>`);
const PLAIN_MID = flat(TEXT_MID + '<t>');
const NUMBER_MID = '"><v>';
// What closes the previous cell of a row: nothing yet, a text cell, a number cell.
const NONE = 0;
const TEXT = 1;
const NUMBER = 2;
const CELL_CLOSE = ['', '</t></is></c>', '</v></c>'] as const;
const ROW_CLOSE = CELL_CLOSE.map((c) => flat(c + '</row>'));

// The same pieces as bytes, for writeTextRow.
const SEP = 0x01;
const ROW_OPEN_BYTES = Buffer.from('<row r="', 'latin1');
const PLAIN_MID_BYTES = Buffer.from(PLAIN_MID, 'latin1');
const T_OPEN_LENGTH = '<t>'.length;
const ROW_CLOSE_BYTES = ROW_CLOSE.map((c) => Buffer.from(c, 'latin1'));
// Most bytes one cell of writeTextRow can take besides 6 per byte of its text (&quot; for "):
// closing tags and <c r="XFD, a 7-digit row number, the style and <t xml:space="preserve">.
const CELL_BYTES_MAX = 13 + 9 + 7 + TEXT_MID.length + 24;

interface OpenSheet {
  name: string;
  entry: ZipEntry;
  columns: number;
  headerLastRow: number;
  autoFilter: boolean;
  merges: MergeRange[];
}

export class XlsxWriter {
  private readonly sheets: WrittenSheet[] = [];
  private readonly taken = new Set<string>();
  private sheet: OpenSheet | undefined;
  /** Per kind of previous cell (NONE, TEXT, NUMBER): its closing tags + `<c r="` + column letters. */
  private readonly cellOpen: [string[], string[], string[]] = [[], [], []];
  /** cellOpen as bytes (for writeTextRow, whose cells are all text: NONE and TEXT only). */
  private readonly cellOpenBytes: [Buffer[], Buffer[]] = [[], []];
  /** By number of digits: room for a row number, then PLAIN_MID (see writeTextRow). */
  private readonly rowMid = Array.from({ length: 8 }, (_, nd) => {
    const b = Buffer.alloc(nd + PLAIN_MID_BYTES.length);
    b.set(PLAIN_MID_BYTES, nd);
    return b;
  });
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /** Chunks zlib has finished with, ready for reuse. */
  private readonly spare: Buffer[] = [];
  private used = 0;
  private row = 0;
  private dataRows = 0;
  private done = false;

  private constructor(
    private readonly zip: ZipWriter,
    private readonly level: number,
  ) {}

  static async create(path: string, opts: { compressionLevel?: number; mode?: number } = {}): Promise<XlsxWriter> {
    const zip = await ZipWriter.create(path, { mode: opts.mode ?? 0o600 });
    return new XlsxWriter(zip, opts.compressionLevel ?? DEFAULT_LEVEL);
  }

  /** Finish any previous sheet, then start a new one with its note and header rows. */
  async startSheet(opts: SheetOptions): Promise<void> {
    this.assertOpen();
    await this.finishSheet();
    if (opts.columns.length > MAX_COLUMNS) throw tooManyColumns(opts.columns.length);
    const index = this.sheets.length;
    const name = sheetName(opts.name, this.taken, index);
    this.taken.add(name.toLowerCase());
    this.sheets.push({ name });

    const notes = opts.notes ?? [];
    const header = layoutHeader(opts.columns.map((c) => c.header));
    const headerFirstRow = notes.length + 1;
    const headerLastRow = notes.length + header.depth;
    const lastCol = Math.max(0, opts.columns.length - 1);
    const merges: MergeRange[] = [];
    notes.forEach((_, i) => {
      if (lastCol > 0) merges.push({ top: i + 1, left: 0, bottom: i + 1, right: lastCol });
    });
    for (const m of header.merges) {
      merges.push({ top: m.top + headerFirstRow, left: m.left, bottom: m.bottom + headerFirstRow, right: m.right });
    }

    const entry = this.zip.startEntry(sheetPartName(index), this.level);
    this.sheet = { name, entry, columns: opts.columns.length, headerLastRow, autoFilter: opts.autoFilter ?? false, merges };
    this.row = headerLastRow;
    this.dataRows = 0;
    this.growCellOpen(opts.columns.length);

    let head = sheetHead({
      widths: opts.columns.map((c) => roundWidth(c.width ?? defaultWidth(c.header))),
      frozenRows: opts.freezeHeader === false || opts.columns.length === 0 ? 0 : headerLastRow,
      selected: index === 0,
      textStyle: STYLE_TEXT,
    });
    notes.forEach((text, i) => (head += styledRow(i + 1, [text], false)));
    if (opts.columns.length > 0) {
      header.grid.forEach((texts, r) => (head += styledRow(headerFirstRow + r, texts, true)));
    }
    await this.put(head);
  }

  /**
   * Append one data row. Returns a promise only when the output needs to catch up: write
   * `const p = w.writeRow(v); if (p) await p;` to keep 200k rows cheap.
   */
  writeRow(values: readonly CellInput[]): Promise<void> | void {
    const sheet = this.sheet;
    if (!sheet) throw new Error('XlsxWriter.writeRow before startSheet');
    if (this.row >= MAX_ROWS) throw tooManyRows(sheet.name);
    const r = ++this.row;
    this.dataRows++;
    const n = values.length;
    if (n > this.cellOpen[NONE].length) this.growCellOpen(n);
    const cellOpen = this.cellOpen;
    let open = cellOpen[NONE];
    let last = NONE;
    // Row number and style are the same for every text cell of the row: join them once.
    const plainMid = r + PLAIN_MID;
    const textMid = r + TEXT_MID;
    let xml = '<row r="' + r + '">';
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v === 'string') {
        if (v === '') continue;
        if (v.length > MAX_CELL_CHARS) throw cellTooLong(sheet.name, columnLetter(i) + r);
        if (isPlainText(v)) xml += open[i]! + plainMid + v;
        else xml += open[i]! + textMid + textElement(v);
        if (last !== TEXT) open = cellOpen[(last = TEXT)];
      } else if (typeof v === 'number') {
        // NaN and Infinity have no cell representation; they mean "no value".
        if (!Number.isFinite(v)) continue;
        xml += open[i]! + r + NUMBER_MID + v;
        if (last !== NUMBER) open = cellOpen[(last = NUMBER)];
      }
    }
    return this.put(xml + ROW_CLOSE[last]);
  }

  /**
   * Append one data row of text cells given as UTF-8 bytes `src[start, end)`: the cells' texts
   * separated by 0x01 (so no text holds U+0001), an empty text for no cell. Writes the same XML as
   * `writeRow` with the decoded texts, but copies each text's bytes straight into the chunk unless
   * it needs escaping or xml:space (rare: the check is a table look-up per byte), so a row costs no
   * strings at all. Returns a promise only when the output needs to catch up, like writeRow.
   */
  writeTextRow(src: Uint8Array, start: number, end: number): Promise<void> | void {
    const sheet = this.sheet;
    if (!sheet) throw new Error('XlsxWriter.writeTextRow before startSheet');
    const length = end - start;
    // A bound on the row's XML: there are at most length + 1 cells. Rows too wide for a chunk or
    // for Excel go the string way, which splits them exactly as writeRow's callers would.
    const bound = 6 * length + (length + 1) * CELL_BYTES_MAX + 64;
    if (bound > CHUNK_BYTES || length >= MAX_COLUMNS) {
      return this.writeRow(Buffer.from(src.buffer, src.byteOffset + start, length).toString('utf8').split('\u0001'));
    }
    if (this.row >= MAX_ROWS) throw tooManyRows(sheet.name);
    const flushed = this.used + bound > this.chunk.length ? this.flush() : undefined;
    const r = ++this.row;
    this.dataRows++;
    // The row number and what follows it in every cell, as one piece: digits + PLAIN_MID.
    let nd = 1;
    for (let x = r; x >= 10; x = (x / 10) | 0) nd++;
    const mid = this.rowMid[nd]!;
    for (let x = r, k = nd - 1; k >= 0; x = (x / 10) | 0, k--) mid[k] = 0x30 + (x % 10);

    // Constant pieces go in with set(), much faster than a byte loop for ~20 bytes.
    const dst = this.chunk;
    let o = this.used;
    dst.set(ROW_OPEN_BYTES, o);
    o += ROW_OPEN_BYTES.length;
    for (let k = 0; k < nd; k++) dst[o++] = mid[k]!;
    dst[o++] = 0x22; // "
    dst[o++] = 0x3e; // >
    const openBytes = this.cellOpenBytes;
    let last = NONE;
    for (let q = start, i = 0; ; i++) {
      if (q < end && src[q] !== SEP) {
        if (i >= openBytes[NONE].length) this.growCellOpen(i + 1);
        const open = openBytes[last]![i]!;
        dst.set(open, o);
        o += open.length;
        dst.set(mid, o);
        o += mid.length;
        // Copy the text, noting any byte that needs the exact way.
        const from = q;
        let work = EDGE_BYTE[src[q]!]!;
        for (let b = src[q]!; q < end && b !== SEP; b = src[++q]!) {
          const t = TEXT_BYTE[b]!;
          if (t !== 0 && (t === 1 || (src[q + 1] === 0xbf && src[q + 2]! >= 0xbe))) work = 1;
          dst[o++] = b;
        }
        // The last character's lead byte, for white space at the end.
        let lead = q - 1;
        while (lead > from && (src[lead]! & 0xc0) === 0x80) lead--;
        if (work !== 0 || EDGE_BYTE[src[lead]!] !== 0 || q - from > MAX_CELL_CHARS) {
          const text = Buffer.from(src.buffer, src.byteOffset + from, q - from).toString('utf8');
          if (text.length > MAX_CELL_CHARS) throw cellTooLong(sheet.name, columnLetter(i) + r);
          o -= q - from + T_OPEN_LENGTH;
          o += dst.write(textElement(text), o, 'latin1');
        }
        last = TEXT;
      }
      if (q >= end) break;
      q++;
    }
    const close = ROW_CLOSE_BYTES[last]!;
    dst.set(close, o);
    this.used = o + close.length;
    return flushed;
  }

  /** Data rows written in the current sheet (header and note rows not counted). */
  rowCount(): number {
    return this.dataRows;
  }

  /** Finish the last sheet, write the package parts, fsync and close the file. */
  async close(): Promise<void> {
    this.assertOpen();
    if (this.sheets.length === 0) await this.startSheet({ name: 'Sheet1', columns: [] });
    await this.finishSheet();
    this.done = true;
    await this.zip.addEntry('xl/workbook.xml', workbookXml(this.sheets), PARTS_LEVEL);
    await this.zip.addEntry('xl/_rels/workbook.xml.rels', workbookRelsXml(this.sheets.length), PARTS_LEVEL);
    await this.zip.addEntry('xl/styles.xml', STYLES_XML, PARTS_LEVEL);
    await this.zip.addEntry('docProps/core.xml', coreXml(new Date()), PARTS_LEVEL);
    await this.zip.addEntry('docProps/app.xml', APP_XML, PARTS_LEVEL);
    await this.zip.addEntry('_rels/.rels', ROOT_RELS_XML, PARTS_LEVEL);
    await this.zip.addEntry('[Content_Types].xml', contentTypesXml(this.sheets.length), PARTS_LEVEL);
    await this.zip.close();
  }

  /** Close and delete the partial file. */
  async abort(): Promise<void> {
    this.done = true;
    this.sheet = undefined;
    await this.zip.abort();
  }

  private async finishSheet(): Promise<void> {
    const sheet = this.sheet;
    if (!sheet) return;
    const lastRow = Math.max(this.row, sheet.headerLastRow);
    let filter: string | undefined;
    if (sheet.autoFilter && sheet.columns > 0) {
      const range = { top: sheet.headerLastRow, left: 0, bottom: lastRow, right: sheet.columns - 1 };
      filter = rangeRef(range);
      this.sheets[this.sheets.length - 1]!.filterRange = rangeRef(range, true);
    }
    await this.put(sheetTail({ ...(filter ? { autoFilter: filter } : {}), merges: sheet.merges }));
    await this.flush();
    this.sheet = undefined;
    await sheet.entry.end();
  }

  /**
   * Copy XML into the current chunk; hand the chunk to deflate when it is full. `xml` must be a
   * byte string (see textElement): chars below 256, non-ASCII already as UTF-8 bytes.
   */
  private put(xml: string): Promise<void> | void {
    if (this.used + xml.length <= this.chunk.length) {
      this.used += this.chunk.write(xml, this.used, 'latin1');
      return;
    }
    const flushed = this.flush();
    if (xml.length > this.chunk.length) {
      // A row larger than a chunk (very long cells) goes as its own buffer.
      const entry = this.sheet!.entry;
      return entry.write(Buffer.from(xml, 'latin1')) ? flushed : entry.drained();
    }
    this.used = this.chunk.write(xml, 0, 'latin1');
    return flushed;
  }

  private flush(): Promise<void> | void {
    const entry = this.sheet?.entry;
    if (!entry || this.used === 0) return;
    // deflate reads a chunk after write() returns, so the next rows go to a spare chunk; a chunk
    // comes back once zlib has taken it. Reusing them spares V8 the external-memory pressure of
    // a fresh 1 MiB buffer per chunk (which triggers full garbage collections).
    const full = this.chunk;
    const filled = full.subarray(0, this.used);
    this.chunk = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    entry.write(filled, () => {
      if (this.spare.length < MAX_SPARE) this.spare.push(full);
    });
    // zlib starts on the next chunk only when the event loop runs its callback for the last one,
    // so a row loop that never waits leaves it idle from the end of one chunk to the next flush.
    // When zlib is still busy with an earlier chunk, wait until it has taken that one: it then
    // starts on this chunk at once, and the rows fill the next chunk meanwhile. Waiting for the
    // whole queue instead (drained()) left both sides idle in turn.
    if (entry.queued > filled.length) return entry.progress();
  }

  private growCellOpen(n: number): void {
    if (n > MAX_COLUMNS) throw tooManyColumns(n);
    for (let i = this.cellOpen[NONE].length; i < n; i++) {
      const open = '<c r="' + columnLetter(i);
      CELL_CLOSE.forEach((close, kind) => this.cellOpen[kind]!.push(flat(close + open)));
      this.cellOpenBytes.forEach((bytes, kind) => bytes.push(Buffer.from(CELL_CLOSE[kind]! + open, 'latin1')));
    }
  }

  private assertOpen(): void {
    if (this.done) throw new Error('XlsxWriter already closed');
  }
}

function roundWidth(w: number): number {
  return Math.round(Math.min(255, Math.max(0, w)) * 100) / 100;
}

function tooManyColumns(n: number): ShiliError {
  return new ShiliError('XLSX_TOO_MANY_COLUMNS', `要写入 ${n} 列，超过 Excel 的 ${MAX_COLUMNS} 列上限`, {
    hint: '请减少输出的列',
  });
}

function tooManyRows(sheet: string): ShiliError {
  return new ShiliError('XLSX_TOO_MANY_ROWS', `工作表「${sheet}」超过 Excel 的 ${MAX_ROWS} 行上限`, {
    hint: '请按学校或年级分开导出',
    location: { sheet },
  });
}

function cellTooLong(sheet: string, cell: string): ShiliError {
  return new ShiliError('XLSX_CELL_TOO_LONG', `单元格内容超过 Excel 的 ${MAX_CELL_CHARS} 个字符上限`, {
    hint: '请检查这个值是否填错了列',
    location: { sheet, cell },
  });
}
