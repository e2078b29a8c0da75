// Pass-1 results parked on disk, so memory stays flat however many rows a file has.
//
// Two kinds of line, told apart by their first character:
//   clean rows (most of a file): the finished tier-1 cell texts, then 学籍号 and row number, joined
//     by U+0001 — pass 2 hands the cells to the writer as they are, with no JSON and no formatting;
//   everything else: "{…}", one JSON object.
// A clean row whose texts hold U+0001 or a line break is written as JSON instead, so the split
// can never go wrong.
import { readSync, writeSync } from 'node:fs';
import { createTempFile, removeTempFile, tempFolderError } from '../io/tempFiles.js';

const FLUSH_AT = 4 << 20;
const READ_CHUNK = 4 << 20;
const SEP = '\u0001';

/** A row with nothing wrong, in the roster: the cells of its upload row are final. */
export interface CleanLine {
  rowNumber: number;
  studentId: string;
  /** Tier-1 cell texts, "" for an empty cell. */
  cells: string[];
}

export type SpilledRow<T> = { clean: true; row: CleanLine } | { clean: false; row: T };

/** An append-only temp file, read back once in order. */
export class Spill<T> {
  private readonly path: string;
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(FLUSH_AT);
  private used = 0;
  private written = 0;
  count = 0;

  constructor() {
    ({ path: this.path, fd: this.fd } = createTempFile('spill'));
  }

  push(item: T): void {
    this.append(JSON.stringify(item) + '\n');
  }

  /** A clean row; `asJson` builds the JSON form for the rare row whose texts cannot be split safely. */
  pushClean(rowNumber: number, studentId: string, cells: readonly string[], asJson: () => T): void {
    // No cells would read back as one empty cell: JSON keeps that (never seen) case exact.
    if (cells.length === 0) return this.push(asJson());
    for (const c of cells) if (c.includes(SEP) || c.includes('\n')) return this.push(asJson());
    if (studentId.includes(SEP) || studentId.includes('\n')) return this.push(asJson());
    // join builds one flat string; growing a line with += would leave a rope of thousands of pieces for the GC.
    // The cells come first so that pass 2 pops the two trailing fields off the split line and keeps the array.
    this.append(cells.join(SEP) + SEP + studentId + SEP + rowNumber + '\n');
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

  /** Every item, in the order pushed. */
  *items(): Generator<SpilledRow<T>> {
    this.flush();
    const chunk = Buffer.allocUnsafe(READ_CHUNK);
    let pos = 0;
    let carry = '';
    const decoder = new TextDecoder('utf-8');
    for (;;) {
      const n = readSync(this.fd, chunk, 0, READ_CHUNK, pos);
      if (n === 0) break;
      pos += n;
      const text = carry + decoder.decode(chunk.subarray(0, n), { stream: true });
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        yield parseLine<T>(text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
    }
    carry += decoder.decode();
    if (carry) yield parseLine<T>(carry);
  }

  dispose(): void {
    removeTempFile(this.path, this.fd);
  }
}

function parseLine<T>(line: string): SpilledRow<T> {
  if (line.charCodeAt(0) === 0x7b /* { */) return { clean: false, row: JSON.parse(line) as T };
  const cells = line.split(SEP);
  const rowNumber = Number(cells.pop());
  const studentId = cells.pop()!;
  return { clean: true, row: { rowNumber, studentId, cells } };
}
