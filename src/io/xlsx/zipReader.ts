// Random-access zip reading with zip-bomb limits. Entries are streamed and
// inflated chunk by chunk so a worksheet never sits in memory whole.
import { open, type FileHandle } from 'node:fs/promises';
import { PassThrough, pipeline, Readable, type Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ShiliError } from '../../errors.js';
import { xlsxCorrupt, xlsxTooLarge } from '../readErrors.js';
import { readAt, readCentralDirectory, ZipFormatError, type ZipEntry } from './zipDirectory.js';

export type { ZipEntry } from './zipDirectory.js';

export interface ZipLimits {
  /** Largest uncompressed size accepted for any one entry. */
  maxEntryBytes: number;
}

export const DEFAULT_MAX_ENTRY_BYTES = 2 * 1024 ** 3;
/** Real worksheets deflate 5–50×; deflate tops out near 1032×, which only generated filler reaches. */
const MAX_RATIO = 500;
/** Below this size a high ratio is harmless (a sheet of empty styled cells), so it is not checked. */
const RATIO_CHECK_FROM = 100 * 1024 * 1024;
/**
 * Parts held whole in memory (shared strings, styles, workbook) cost far more as
 * JS strings than as bytes, so they get a tighter rule. A shared-string table
 * holds each distinct string once and compresses 3–10×; beyond 100× it is filler.
 */
const IN_MEMORY_MAX_RATIO = 100;
const IN_MEMORY_RATIO_CHECK_FROM = 10 * 1024 * 1024;
const LOCAL_SIG = 0x04034b50;
const READ_CHUNK = 1 << 20;
const INFLATE_CHUNK = 256 * 1024;

export class ZipReader {
  private readonly byName = new Map<string, ZipEntry>();

  private constructor(
    private readonly fh: FileHandle,
    private readonly fileSize: number,
    /** The path as the user gave it, for messages. */
    readonly file: string,
    readonly entries: readonly ZipEntry[],
    readonly limits: ZipLimits,
  ) {
    // Lookups are case-insensitive: some generators write xl/SharedStrings.xml.
    for (const e of entries) {
      const key = e.name.toLowerCase();
      if (!this.byName.has(key)) this.byName.set(key, e);
    }
  }

  static async open(path: string, file: string, limits?: Partial<ZipLimits>): Promise<ZipReader> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const entries = await readCentralDirectory(fh, size);
      return new ZipReader(fh, size, file, entries, { maxEntryBytes: limits?.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES });
    } catch (err) {
      await fh.close();
      throw err instanceof ZipFormatError ? xlsxCorrupt(file, err.message, err) : err;
    }
  }

  /** Finds a part by name, ignoring case and a leading slash. */
  find(name: string): ZipEntry | undefined {
    return this.byName.get(name.replace(/^\/+/, '').toLowerCase());
  }

  close(): Promise<void> {
    return this.fh.close();
  }

  /**
   * The entry's bytes, inflated, in chunks. Stops reading (and frees the inflater) when the caller stops.
   * `wholeInMemory`: the caller keeps everything it reads (shared strings), so the stricter size rule applies.
   */
  async *stream(entry: ZipEntry, opts: { wholeInMemory?: boolean } = {}): AsyncGenerator<Buffer> {
    this.checkDeclaredSize(entry, opts.wholeInMemory ?? false);
    if (entry.flags & 1) throw xlsxCorrupt(this.file, `“${entry.name}”使用了 zip 加密`);
    if (entry.method !== 0 && entry.method !== 8) {
      throw xlsxCorrupt(this.file, `“${entry.name}”使用了不支持的压缩方式 ${entry.method}`);
    }
    const start = await this.dataStart(entry);
    if (entry.compressedSize === 0) {
      if (entry.uncompressedSize !== 0) throw xlsxCorrupt(this.file, `“${entry.name}”没有数据`);
      return;
    }
    // Our own reads rather than fh.createReadStream: that stream closes the shared handle when it ends.
    const src = Readable.from(this.readRange(start, entry.compressedSize), { objectMode: false });
    const inflate: Transform = entry.method === 8 ? createInflateRaw({ chunkSize: INFLATE_CHUNK }) : new PassThrough();
    // Errors from either stream surface through the iteration below; the callback only has to exist.
    const out = pipeline(src, inflate, () => {});
    // Within the limit, a size above the declared one means the directory lies: corrupt or crafted.
    const bound = Math.min(entry.uncompressedSize, this.limits.maxEntryBytes);
    let total = 0;
    try {
      for await (const chunk of out as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > this.limits.maxEntryBytes) throw xlsxTooLarge(this.file, entry.name, `解压后超过上限 ${mb(this.limits.maxEntryBytes)} MB`);
        if (total > bound) throw xlsxCorrupt(this.file, `“${entry.name}”解压后的大小与目录记录不符`);
        yield chunk;
      }
    } catch (err) {
      throw err instanceof ShiliError ? err : xlsxCorrupt(this.file, `“${entry.name}”无法解压`, err);
    } finally {
      src.destroy();
      inflate.destroy();
    }
    if (total !== entry.uncompressedSize) throw xlsxCorrupt(this.file, `“${entry.name}”数据不完整`);
  }

  /** A whole entry in memory; only for parts that are small by nature (workbook, rels, styles). */
  async readBuffer(entry: ZipEntry): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(entry, { wholeInMemory: true })) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  private async *readRange(start: number, length: number): AsyncGenerator<Buffer> {
    for (let done = 0; done < length; ) {
      const want = Math.min(READ_CHUNK, length - done);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await this.fh.read(buf, 0, want, start + done);
      if (bytesRead === 0) throw xlsxCorrupt(this.file, '文件不完整，可能没有下载或拷贝完');
      done += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
  }

  private checkDeclaredSize(entry: ZipEntry, wholeInMemory: boolean): void {
    const { maxEntryBytes } = this.limits;
    const size = entry.uncompressedSize;
    if (size > maxEntryBytes) throw xlsxTooLarge(this.file, entry.name, `解压后约 ${mb(size)} MB，上限 ${mb(maxEntryBytes)} MB`);
    // The declared size is what the check can trust: stream() stops any entry that inflates past it.
    const ratio = size / Math.max(entry.compressedSize, 1);
    const [from, max] = wholeInMemory ? [IN_MEMORY_RATIO_CHECK_FROM, IN_MEMORY_MAX_RATIO] : [RATIO_CHECK_FROM, MAX_RATIO];
    if (size > from && ratio > max) {
      throw xlsxTooLarge(this.file, entry.name, `解压后约 ${mb(size)} MB，压缩了约 ${Math.round(ratio)} 倍，正常表格不会这样`);
    }
  }

  private async dataStart(entry: ZipEntry): Promise<number> {
    const header = await readAt(this.fh, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIG) {
      throw xlsxCorrupt(this.file, `“${entry.name}”的位置信息错误`);
    }
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > this.fileSize) throw xlsxCorrupt(this.file, '文件不完整，可能没有下载或拷贝完');
    return start;
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}
