// CSV for Excel: UTF-8 with a BOM (so Chinese Excel does not guess GBK), CRLF line ends,
// RFC 4180 quoting, and a leading ' on anything a spreadsheet would run as a formula.

import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { toWriteError } from './outputFile.js';

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
// Signed numbers such as -1.25 or +0.50 are data (diopters), not formulas.
const SIGNED_NUMBER = /^[+-](\d+(\.\d*)?|\.\d+)$/;
const NEEDS_QUOTES = /[",\r\n]/;
const HIGH_WATER = 1 << 20;

/** One field, guarded against formula injection and quoted when needed. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (FORMULA_START.test(s) && !SIGNED_NUMBER.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly CsvCell[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

export class CsvWriter {
  private failure: Error | undefined;
  private done = false;

  private constructor(
    readonly path: string,
    private readonly out: WriteStream,
  ) {
    out.on('error', (err) => (this.failure ??= toWriteError(err, path)));
  }

  /** Create a new file (never overwrites; write to an OutputSet temp path) and write the BOM. */
  static async create(path: string, opts: { mode?: number } = {}): Promise<CsvWriter> {
    const out = createWriteStream(path, { flags: 'wx', mode: opts.mode ?? 0o600, highWaterMark: HIGH_WATER, flush: true });
    await new Promise<void>((resolve, reject) => {
      out.once('ready', () => resolve());
      out.once('error', (err) => reject(toWriteError(err, path)));
    });
    const w = new CsvWriter(path, out);
    out.write('\ufeff');
    return w;
  }

  /** Returns a promise only when the file needs to catch up; await it then. */
  writeRow(values: readonly CsvCell[]): Promise<void> | void {
    if (this.failure) throw this.failure;
    if (this.done) throw new Error('CsvWriter already closed');
    if (!this.out.write(csvLine(values))) return this.drained();
  }

  /** fsync and close. */
  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.done = true;
    await new Promise<void>((resolve, reject) => {
      this.out.once('close', () => (this.failure ? reject(this.failure) : resolve()));
      this.out.end();
    });
  }

  /** Close and delete the partial file. */
  async abort(): Promise<void> {
    this.done = true;
    if (!this.out.closed) {
      await new Promise<void>((resolve) => {
        this.out.once('close', () => resolve());
        this.out.destroy();
      });
    }
    await rm(this.path, { force: true });
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.out.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.out.off('drain', onDrain);
        reject(this.failure ?? new Error('CSV output closed'));
      };
      this.out.once('drain', onDrain);
      this.out.once('close', onClose);
    });
  }
}
