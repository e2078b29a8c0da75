// Pass-1 results parked on disk, so memory stays flat however many rows a file has.
import { readSync, writeSync } from 'node:fs';
import { createTempFile, removeTempFile, tempFolderError } from '../io/tempFiles.js';

const FLUSH_AT = 4 << 20;
const READ_CHUNK = 4 << 20;

/** An append-only file of JSON lines, read back once in order. */
export class Spill<T> {
  private readonly path: string;
  private readonly fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  private written = 0;
  count = 0;

  constructor() {
    ({ path: this.path, fd: this.fd } = createTempFile('spill'));
  }

  push(item: T): void {
    const line = JSON.stringify(item) + '\n';
    this.buffer.push(line);
    this.buffered += line.length;
    this.count++;
    if (this.buffered >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (!this.buffer.length) return;
    const bytes = Buffer.from(this.buffer.join(''), 'utf8');
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, this.written + off);
    } catch (err) {
      throw tempFolderError(err);
    }
    this.written += bytes.length;
    this.buffer = [];
    this.buffered = 0;
  }

  /** Every item, in the order pushed. */
  *items(): Generator<T> {
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
      const lines = text.split('\n');
      carry = lines.pop()!;
      for (const l of lines) yield JSON.parse(l) as T;
    }
    if (carry) yield JSON.parse(carry) as T;
  }

  dispose(): void {
    removeTempFile(this.path, this.fd);
  }
}
