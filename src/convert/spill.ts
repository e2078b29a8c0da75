// Pass-1 results parked on disk, so memory stays flat however many rows a file has.
//
// Two kinds of line, told apart by their first character:
//   clean rows (most of a file): row number, 学籍号, then the finished tier-1 cell texts, joined by
//     U+0001 — pass 2 reads lines as bytes and hands the cells' UTF-8 to the writer as they are
//     (XlsxWriter.writeTextRow): no decoding, no splitting, no JSON and no formatting;
//   everything else: "{…}", one JSON object.
// A clean row whose texts hold U+0001 or a line break is written as JSON instead, so the split
// can never go wrong.
import { closeSync, readSync, writeSync } from 'node:fs';
import { adoptTempFile, createTempFile, removeTempFile, tempFolderError } from '../io/tempFiles.js';

const FLUSH_AT = 4 << 20;
const READ_CHUNK = 4 << 20;
const SEP = '\u0001';
const SEP_BYTE = 0x01;
const NL = 0x0a;

/**
 * A row with nothing wrong, in the roster: the cells of its upload row are final. Its bytes live in
 * the spill's read buffer, valid only until the next item is taken.
 */
export class CleanLine {
  constructor(
    readonly rowNumber: number,
    /** The line: 学籍号 as UTF-8 in `bytes[idStart, idEnd)`, then the cells. */
    readonly bytes: Buffer,
    readonly idStart: number,
    readonly idEnd: number,
    /** Tier-1 cell texts as UTF-8 in `bytes[start, end)`, separated by 0x01; "" for an empty cell. */
    readonly start: number,
    readonly end: number,
  ) {}

  /**
   * 学籍号 as a string, made on demand: pass 2 looks a clean row's id up by its bytes
   * (DuplicateTracker.occurrenceAt) and needs the string only for the rare row that goes elsewhere.
   */
  get studentId(): string {
    return this.bytes.toString('utf8', this.idStart, this.idEnd);
  }
}

/** The cell texts of a clean row as strings (for the rare clean row that ends up elsewhere than tier 1). */
export function cleanCells(row: CleanLine): string[] {
  return row.bytes.toString('utf8', row.start, row.end).split(SEP);
}

export type SpilledRow<T> = { clean: true; row: CleanLine } | { clean: false; row: T };

/** A finished spill on its way to another thread (Spill.handOver). */
export interface HandedOverSpill {
  path: string;
  bytes: number;
  count: number;
}

/** Spilled rows read back once, in order, then disposed of. */
export interface SpilledRows<T> {
  readonly count: number;
  items(): Generator<SpilledRow<T>>;
  dispose(): void;
}

/**
 * Two spills of the same file's rows (pass 1 on two threads, each taking some of the rows), read
 * back as one in row-number order. Each spill is in row order already.
 */
export class MergedSpills<T extends { rowNumber: number }> implements SpilledRows<T> {
  constructor(
    private readonly a: SpilledRows<T>,
    private readonly b: SpilledRows<T>,
  ) {}

  get count(): number {
    return this.a.count + this.b.count;
  }

  *items(): Generator<SpilledRow<T>> {
    const a = this.a.items();
    const b = this.b.items();
    // A clean row's bytes stay valid until its own spill moves on, so holding one head while
    // yielding the other is safe.
    let x = a.next();
    let y = b.next();
    while (!x.done || !y.done) {
      if (y.done || (!x.done && x.value.row.rowNumber < y.value.row.rowNumber)) {
        yield x.value;
        x = a.next();
      } else {
        yield y.value;
        y = b.next();
      }
    }
  }

  dispose(): void {
    try {
      this.a.dispose();
    } finally {
      this.b.dispose();
    }
  }
}

/** An append-only temp file, read back once in order. */
export class Spill<T> implements SpilledRows<T> {
  private readonly path: string;
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(FLUSH_AT);
  private used = 0;
  private written = 0;
  count = 0;

  constructor(handedOver?: HandedOverSpill) {
    if (handedOver) {
      this.path = handedOver.path;
      this.fd = adoptTempFile(handedOver.path);
      this.written = handedOver.bytes;
      this.count = handedOver.count;
    } else {
      ({ path: this.path, fd: this.fd } = createTempFile('spill'));
    }
  }

  /**
   * Ends writing and gives the file to another thread, which reads it as `new Spill(handedOver)`.
   * The file stays registered here until the taker says it has adopted it (releaseTempFile), so
   * no moment exists at which Ctrl-C would leave it behind.
   */
  handOver(): HandedOverSpill {
    this.flush();
    closeSync(this.fd);
    return { path: this.path, bytes: this.written, count: this.count };
  }

  push(item: T): void {
    this.append(JSON.stringify(item) + '\n');
  }

  /** An item already as JSON (an object, so "{…}", on one line): read back like push(JSON.parse(json)). */
  pushJson(json: string): void {
    this.append(json + '\n');
  }

  /**
   * A clean row (see CleanLine); false, with nothing written, for a row the caller must push as
   * JSON instead (no cells, or a text holding U+0001 or a line break).
   */
  tryPushClean(rowNumber: number, studentId: string, cells: readonly string[]): boolean {
    // No cells would read back as one empty cell: JSON keeps that (never seen) case exact.
    if (cells.length === 0) return false;
    // Each piece goes straight into the byte buffer: no joined line to build, flatten and encode
    // afterwards (three copies of every row's text for the GC), and ASCII is copied without a call.
    let chars = studentId.length + 16;
    for (let i = 0; i < cells.length; i++) chars += cells[i]!.length + 1;
    if (chars * 3 > this.buffer.length - this.used) {
      this.flush();
      if (chars * 3 > this.buffer.length) this.buffer = Buffer.allocUnsafe(chars * 3);
    }
    const lineStart = this.used;
    this.putDigits(rowNumber);
    this.buffer[this.used++] = SEP_BYTE;
    // The cells come last: pass 2 reads the two fields in front and passes the rest on by offset.
    if (!this.putText(studentId)) return this.undo(lineStart);
    for (let i = 0; i < cells.length; i++) {
      this.buffer[this.used++] = SEP_BYTE;
      if (!this.putText(cells[i]!)) return this.undo(lineStart);
    }
    this.buffer[this.used++] = NL;
    this.count++;
    return true;
  }

  /** Appends `text` as UTF-8; false when it holds U+0001 or a line break (the caller undoes the line). */
  private putText(text: string): boolean {
    const buf = this.buffer;
    const start = this.used;
    let at = start;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        // Only some columns (names, schools): the whole text through the encoder after all.
        if (text.includes(SEP, i) || text.includes('\n', i)) return false;
        this.used = start + buf.write(text, start, 'utf8');
        return true;
      }
      if (c === SEP_BYTE || c === NL) return false;
      buf[at++] = c;
    }
    this.used = at;
    return true;
  }

  /** A row number (a non-negative integer) in decimal. */
  private putDigits(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.used += this.buffer.write(String(n), this.used, 'latin1');
      return;
    }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const buf = this.buffer;
    for (let i = this.used + digits - 1; i >= this.used; i--) {
      buf[i] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.used += digits;
  }

  private undo(lineStart: number): false {
    this.used = lineStart;
    return false;
  }

  private append(line: string): void {
    this.count++;
    // Straight into a reusable byte buffer: no string of megabytes to build and flatten.
    if (line.length * 3 > this.buffer.length - this.used) {
      this.flush();
      if (line.length * 3 > this.buffer.length) this.buffer = Buffer.allocUnsafe(line.length * 3);
    }
    this.used += this.buffer.write(line, this.used, 'utf8');
  }

  private flush(): void {
    if (this.used === 0) return;
    let off = 0;
    try {
      while (off < this.used) off += writeSync(this.fd, this.buffer, off, this.used - off, this.written + off);
    } catch (err) {
      throw tempFolderError(err);
    }
    this.written += this.used;
    this.used = 0;
  }

  /** Every item, in the order pushed. A clean row's bytes are valid until the next item is taken. */
  *items(): Generator<SpilledRow<T>> {
    this.flush();
    // Written for good: the write buffer's megabytes go back before pass 2 allocates its own.
    this.buffer = Buffer.alloc(0);
    let chunk = Buffer.allocUnsafe(READ_CHUNK);
    let have = 0;
    let pos = 0;
    for (;;) {
      const n = readSync(this.fd, chunk, have, chunk.length - have, pos);
      pos += n;
      have += n;
      // Lines are cut at the 0x0A byte, which UTF-8 never uses inside a character.
      const view = chunk.subarray(0, have);
      let start = 0;
      for (let nl = view.indexOf(NL, start); nl !== -1; nl = view.indexOf(NL, start)) {
        yield parseLine<T>(view, start, nl);
        start = nl + 1;
      }
      if (n === 0) {
        // Every line ends with a line break; anything after the last one would be a line cut short.
        if (start < have) yield parseLine<T>(view, start, have);
        return;
      }
      // The start of a line cut by the chunk's end moves to the front; a line longer than the chunk grows it.
      have -= start;
      if (start > 0) chunk.copyWithin(0, start, start + have);
      else if (have === chunk.length) chunk = Buffer.concat([chunk, Buffer.allocUnsafe(chunk.length)]);
    }
  }

  dispose(): void {
    removeTempFile(this.path, this.fd);
  }
}

function parseLine<T>(bytes: Buffer, start: number, end: number): SpilledRow<T> {
  if (bytes[start] === 0x7b /* { */) return { clean: false, row: JSON.parse(bytes.toString('utf8', start, end)) as T };
  let rowNumber = 0;
  let p = start;
  for (let b = bytes[p]!; b !== SEP_BYTE; b = bytes[++p]!) rowNumber = rowNumber * 10 + b - 0x30;
  const idEnd = bytes.indexOf(SEP_BYTE, ++p);
  return { clean: true, row: new CleanLine(rowNumber, bytes, p, idEnd, idEnd + 1, end) };
}
