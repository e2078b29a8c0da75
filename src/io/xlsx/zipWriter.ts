// Streaming zip writer for .xlsx. Big entries stream through deflate with a data descriptor
// (flag bit 3), so a 200k-row sheet never sits in memory; small parts are compressed in one go
// with their sizes in the local header.

import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32, createGzip, deflateRawSync, type Gzip, type ZlibOptions } from 'node:zlib';
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
// Uncompressed bytes that may queue for one entry's zlib stream: a few of the writer's 1 MiB
// chunks, so the caller fills the next ones while zlib compresses.
const ENTRY_HIGH_WATER = 4 << 20;
// Compressed output per zlib call: a 1 MiB chunk of sheet XML deflates to ~100 KiB, so one call.
const DEFLATE_CHUNK = 256 * 1024;
// A gzip stream is raw deflate between a 10-byte header (zlib writes no name, time or extra
// field) and an 8-byte trailer: CRC-32 and size mod 2^32, the same CRC-32 a zip entry needs.
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
const GZIP_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;

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
    // main thread for every chunk. gzip rather than raw deflate: zlib then computes the CRC-32 in
    // the thread pool too.
    const options: ZlibOptions & { highWaterMark: number } = { level, chunkSize: DEFLATE_CHUNK, highWaterMark: ENTRY_HIGH_WATER };
    this.current = new ZipEntry(this, record, createGzip(options));
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
 * One streamed entry, compressed by one gzip stream in the thread pool while the caller builds
 * the next chunk; the gzip header and trailer are cut off and the trailer's CRC-32 kept. `write`
 * is synchronous and cheap; await `drained()` when it returns false.
 */
export class ZipEntry {
  private readonly ended: Promise<void>;
  private pausedForFile = false;
  private header: Buffer = Buffer.alloc(0);
  /** The last output seen, held back until more follows: it ends with the gzip trailer. */
  private held: Buffer = Buffer.alloc(0);
  /** progress() callers, woken when zlib has taken a write. */
  private waiting: (() => void)[] = [];

  constructor(
    private readonly zip: ZipWriter,
    private readonly record: EntryRecord,
    private readonly gzip: Gzip,
  ) {
    gzip.on('error', (err) => zip.fail(err));
    gzip.on('data', (chunk: Buffer) => this.compressed(chunk));
    this.ended = new Promise<void>((resolve) => gzip.once('end', () => resolve()));
  }

  /** Uncompressed bytes written so far. */
  get size(): number {
    return this.record.size;
  }

  /** Bytes written but not yet taken by zlib, including the chunk it is compressing. */
  get queued(): number {
    return this.gzip.writableLength;
  }

  /** `taken` runs once zlib has consumed buf, which may then be reused. */
  write(buf: Buffer, taken?: () => void): boolean {
    this.zip.throwIfFailed();
    if (this.record.size + buf.length > MAX32) {
      // Refuse rather than write an entry whose data descriptor could not hold its size.
      this.zip.failNow(tooLarge(this.zip.path));
    }
    this.record.size += buf.length;
    return this.gzip.write(buf, () => {
      taken?.();
      const waiting = this.waiting;
      if (waiting.length === 0) return;
      this.waiting = [];
      for (const resolve of waiting) resolve();
    });
  }

  /**
   * Resolves once zlib has taken one more of the writes queued now (at once when none is queued).
   * Unlike drained(), which waits for the whole queue, the caller resumes as soon as zlib has
   * moved on to the next queued write: both keep working.
   */
  progress(): Promise<void> {
    this.zip.throwIfFailed();
    if (this.gzip.writableLength === 0) return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => this.waiting.push(resolve)), this.zip.failed]);
  }

  drained(): Promise<void> {
    this.zip.throwIfFailed();
    if (!this.gzip.writableNeedDrain) return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => this.gzip.once('drain', () => resolve())), this.zip.failed]);
  }

  async end(): Promise<void> {
    this.gzip.end();
    await Promise.race([this.ended, this.zip.failed]);
    const cut = this.held.length - GZIP_TRAILER_BYTES;
    const trailer = this.held.subarray(cut);
    if (this.header.length !== GZIP_HEADER_BYTES || cut < 0 || trailer.readUInt32LE(4) !== this.record.size % 2 ** 32) {
      this.zip.failNow(new Error('zlib: unexpected gzip framing'));
    }
    if (cut > 0) this.emit(this.held.subarray(0, cut));
    this.record.crc = trailer.readUInt32LE(0);
    this.zip.entryEnded(this, this.record);
    await this.zip.drained();
  }

  destroy(): void {
    this.gzip.destroy();
  }

  private compressed(chunk: Buffer): void {
    if (this.header.length < GZIP_HEADER_BYTES) {
      const take = Math.min(GZIP_HEADER_BYTES - this.header.length, chunk.length);
      this.header = Buffer.concat([this.header, chunk.subarray(0, take)]);
      chunk = chunk.subarray(take);
      if (this.header.length === GZIP_HEADER_BYTES && !this.header.subarray(0, 4).equals(GZIP_HEADER)) {
        this.zip.fail(new Error('zlib: unexpected gzip header'));
        return;
      }
    }
    // zlib hands out slices of buffers it does not reuse, so holding on to one is safe. Once a
    // chunk of trailer size or more follows, the held one cannot contain any trailer byte.
    if (chunk.length >= GZIP_TRAILER_BYTES) {
      if (this.held.length > 0) this.emit(this.held);
      this.held = chunk;
    } else {
      this.held = Buffer.concat([this.held, chunk]);
    }
  }

  private emit(buf: Buffer): void {
    this.record.compressed += buf.length;
    if (!this.zip.emit(buf) && !this.pausedForFile) {
      // The file is slower than zlib: hold zlib back, which in turn holds the caller back.
      this.pausedForFile = true;
      this.gzip.pause();
      this.zip.onDrain(() => {
        this.pausedForFile = false;
        this.gzip.resume();
      });
    }
  }
}

function tooLarge(path: string): ShiliError {
  const message = `一个工作表超过 4 GB，无法保存为 .xlsx（输出文件夹 ${dirname(path)}）`;
  return new ShiliError('XLSX_TOO_LARGE', message, {
    hint: '请按学校或年级分开导出（例如每个学校一个文件）',
  });
}
