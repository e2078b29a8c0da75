// Streaming zip writer for .xlsx. Big entries stream through raw deflate with a data
// descriptor (flag bit 3), so a 200k-row sheet never sits in memory; small parts are
// compressed in one go with their sizes in the local header.

import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32, createDeflateRaw, deflateRawSync, type DeflateRaw, type ZlibOptions } from 'node:zlib';
import { ShiliError } from '../../errors.js';
import { toWriteError } from '../outputFile.js';
import {
  centralHeader,
  dataDescriptor,
  dosDateTime,
  endOfCentralDirectory,
  localHeader,
  MAX32,
  type EntryRecord,
} from './writer/zipRecords.js';

const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const OUT_HIGH_WATER = 1 << 20;
const DEFLATE_CHUNK = 64 * 1024;

export interface ZipWriterOptions {
  /** File mode for the new file; default 0o600 (screening data is personal data). */
  mode?: number;
  /** Tests only: start writing at this byte offset (a sparse gap) to exercise ZIP64 offsets. */
  startOffset?: number;
}

export class ZipWriter {
  private readonly entries: EntryRecord[] = [];
  private offset: number;
  private current: ZipEntry | undefined;
  private failure: ShiliError | undefined;
  private rejectFailed: (err: ShiliError) => void = () => undefined;
  /** Rejects on the first write error; every wait races against it so nothing hangs. */
  readonly failed: Promise<never>;
  private state: 'open' | 'closed' | 'aborted' = 'open';
  private readonly dosTime: number;
  private readonly dosDate: number;

  private constructor(
    readonly path: string,
    private readonly out: WriteStream,
    startOffset: number,
  ) {
    this.offset = startOffset;
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
    out.on('error', (err) => this.fail(err));
    [this.dosTime, this.dosDate] = dosDateTime(new Date());
  }

  static async create(path: string, opts: ZipWriterOptions = {}): Promise<ZipWriter> {
    // 'wx': never overwrite; the final name is reached only through OutputSet's rename.
    const out = createWriteStream(path, {
      flags: 'wx',
      mode: opts.mode ?? 0o600,
      highWaterMark: OUT_HIGH_WATER,
      flush: true,
      ...(opts.startOffset ? { start: opts.startOffset } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      out.once('ready', () => resolve());
      out.once('error', (err) => reject(toWriteError(err, path)));
    });
    return new ZipWriter(path, out, opts.startOffset ?? 0);
  }

  /** Open a streamed entry; write its bytes, then `end()` it before the next one. */
  startEntry(name: string, level: number): ZipEntry {
    this.assertIdle();
    const record = this.newRecord(name, FLAG_DESCRIPTOR);
    this.emit(localHeader(record, this.dosTime, this.dosDate));
    // One stream per entry: a per-chunk deflateRaw() would pay zlib's set-up (~0.25 ms) on the
    // main thread for every chunk. A larger highWaterMark lets chunks queue while one compresses.
    const options: ZlibOptions & { highWaterMark: number } = { level, chunkSize: DEFLATE_CHUNK, highWaterMark: OUT_HIGH_WATER };
    this.current = new ZipEntry(this, record, createDeflateRaw(options));
    return this.current;
  }

  /** Add a small entry whose content is known up front. */
  async addEntry(name: string, content: string | Buffer, level = 6): Promise<void> {
    this.assertIdle();
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const packed = deflateRawSync(data, { level });
    const record = this.newRecord(name, 0);
    record.crc = crc32(data);
    record.size = data.length;
    record.compressed = packed.length;
    if (record.size > MAX32 || record.compressed > MAX32) this.failNow(tooLarge(this.path));
    this.emit(localHeader(record, this.dosTime, this.dosDate));
    this.emit(packed);
    await this.drained();
  }

  /** Write the central directory, fsync and close the file. */
  async close(): Promise<void> {
    this.assertIdle();
    const cdOffset = this.offset;
    for (const e of this.entries) this.emit(centralHeader(e, this.dosTime, this.dosDate));
    this.emit(endOfCentralDirectory(this.entries.length, cdOffset, this.offset - cdOffset, this.offset));
    this.state = 'closed';
    // `flush: true` makes the stream fsync before it closes the descriptor.
    const closed = new Promise<void>((resolve) => this.out.once('close', () => resolve()));
    this.out.end();
    await Promise.race([closed, this.failed]);
    this.throwIfFailed();
  }

  /** Close and delete the partial file. Safe to call more than once, and after a failure. */
  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    this.state = 'aborted';
    // Anyone still waiting for room (a writeRow promise) gets an error instead of hanging.
    this.rejectFailed(new ShiliError('OUTPUT_ABORTED', '写入已取消，未保存的文件已删除'));
    this.current?.destroy();
    this.current = undefined;
    if (!this.out.closed) {
      const closed = new Promise<void>((resolve) => this.out.once('close', () => resolve()));
      this.out.destroy();
      await closed;
    }
    await rm(this.path, { force: true });
  }

  /** Queue raw bytes; false when the file stream wants us to wait for 'drain'. */
  emit(buf: Buffer): boolean {
    this.offset += buf.length;
    return this.out.write(buf);
  }

  /** Resolves once the file stream has room again (at once when it has). */
  drained(): Promise<void> {
    this.throwIfFailed();
    if (!this.out.writableNeedDrain) return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => this.out.once('drain', () => resolve())), this.failed]);
  }

  onDrain(fn: () => void): void {
    this.out.once('drain', fn);
  }

  /** Record the first failure, stop all streams; pending waits reject with a ShiliError. */
  fail(err: unknown): void {
    if (this.failure) return;
    this.failure = toWriteError(err, this.path);
    this.current?.destroy();
    // A failed file is never useful; remove it even if the caller forgets to abort().
    this.out.once('close', () => void rm(this.path, { force: true }).catch(() => undefined));
    this.out.destroy();
    this.rejectFailed(this.failure);
  }

  /** `fail` and throw at once, for failures found on the caller's own path. */
  failNow(err: unknown): never {
    this.fail(err);
    throw this.failure;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  entryEnded(entry: ZipEntry, record: EntryRecord): void {
    if (record.size > MAX32 || record.compressed > MAX32) this.failNow(tooLarge(this.path));
    this.emit(dataDescriptor(record));
    if (this.current === entry) this.current = undefined;
  }

  private newRecord(name: string, flags: number): EntryRecord {
    const nameBuf = Buffer.from(name, 'utf8');
    const utf8 = nameBuf.length !== name.length ? FLAG_UTF8 : 0;
    const record: EntryRecord = { name: nameBuf, flags: flags | utf8, crc: 0, compressed: 0, size: 0, offset: this.offset };
    this.entries.push(record);
    return record;
  }

  private assertIdle(): void {
    this.throwIfFailed();
    if (this.state !== 'open') throw new Error(`ZipWriter is ${this.state}`);
    if (this.current) throw new Error('ZipWriter: previous entry not ended');
  }
}

/**
 * One streamed entry, compressed by one raw-deflate stream in the thread pool while the caller
 * builds the next chunk. `write` is synchronous and cheap; await `drained()` when it returns false.
 */
export class ZipEntry {
  private crc = 0;
  private readonly ended: Promise<void>;
  private pausedForFile = false;

  constructor(
    private readonly zip: ZipWriter,
    private readonly record: EntryRecord,
    private readonly deflate: DeflateRaw,
  ) {
    deflate.on('error', (err) => zip.fail(err));
    deflate.on('data', (chunk: Buffer) => {
      record.compressed += chunk.length;
      if (!zip.emit(chunk) && !this.pausedForFile) {
        // The file is slower than deflate: hold deflate back, which in turn holds the caller back.
        this.pausedForFile = true;
        deflate.pause();
        zip.onDrain(() => {
          this.pausedForFile = false;
          deflate.resume();
        });
      }
    });
    this.ended = new Promise<void>((resolve) => deflate.once('end', () => resolve()));
  }

  /** Uncompressed bytes written so far. */
  get size(): number {
    return this.record.size;
  }

  write(buf: Buffer): boolean {
    this.zip.throwIfFailed();
    if (this.record.size + buf.length > MAX32) {
      // Refuse rather than write an entry whose data descriptor could not hold its size.
      this.zip.failNow(tooLarge(this.zip.path));
    }
    this.record.size += buf.length;
    this.crc = crc32(buf, this.crc);
    return this.deflate.write(buf);
  }

  drained(): Promise<void> {
    this.zip.throwIfFailed();
    if (!this.deflate.writableNeedDrain) return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => this.deflate.once('drain', () => resolve())), this.zip.failed]);
  }

  async end(): Promise<void> {
    this.deflate.end();
    await Promise.race([this.ended, this.zip.failed]);
    this.record.crc = this.crc;
    this.zip.entryEnded(this, this.record);
    await this.zip.drained();
  }

  destroy(): void {
    this.deflate.destroy();
  }
}

function tooLarge(path: string): ShiliError {
  const message = `一个工作表超过 4 GB，无法保存为 .xlsx（输出文件夹 ${dirname(path)}）`;
  return new ShiliError('XLSX_TOO_LARGE', message, {
    hint: '请按学校或年级分开导出（例如每个学校一个文件）',
  });
}
