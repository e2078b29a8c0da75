// Reads a zip's central directory (classic and ZIP64). The central directory,
// not the local headers, is authoritative: writers may put zeros in local headers.
import type { FileHandle } from 'node:fs/promises';

export interface ZipEntry {
  /** Name as stored, with backslashes turned into slashes. */
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Thrown for structural problems; the caller turns it into XLSX_CORRUPT with the file name. */
export class ZipFormatError extends Error {}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
/** A workbook's directory is a few KB; anything this big is not a spreadsheet. */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

export async function readCentralDirectory(fh: FileHandle, fileSize: number): Promise<ZipEntry[]> {
  if (fileSize < EOCD_MIN) throw new ZipFormatError('文件太短');
  const tailLen = Math.min(fileSize, EOCD_MIN + MAX_COMMENT + 20);
  const tailStart = fileSize - tailLen;
  const tail = await readAt(fh, tailStart, tailLen);
  let eocd = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('找不到压缩包目录，文件可能不完整');

  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR_SIG) {
    const z64At = readUInt64(tail, locator + 8);
    const z64 = await readAt(fh, z64At, 56);
    if (z64.length < 56 || z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new ZipFormatError('ZIP64 目录损坏');
    count = readUInt64(z64, 32);
    cdSize = readUInt64(z64, 40);
    cdOffset = readUInt64(z64, 48);
  }
  if (cdSize > MAX_DIRECTORY_BYTES || cdOffset + cdSize > fileSize) throw new ZipFormatError('压缩包目录越界');

  let cd = await readAt(fh, cdOffset, cdSize);
  // Data prepended to the zip (self-extractors, some upload tools) shifts every offset.
  let shift = 0;
  if (cd.length < 4 || cd.readUInt32LE(0) !== CENTRAL_SIG) {
    const eocdAbs = tailStart + eocd;
    shift = eocdAbs - cdSize - cdOffset;
    if (shift <= 0) throw new ZipFormatError('压缩包目录损坏');
    cd = await readAt(fh, cdOffset + shift, cdSize);
  }
  return parseEntries(cd, count, shift);
}

function parseEntries(cd: Buffer, count: number, shift: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  // The count field is only 16 bits without ZIP64, so walk until the bytes run out.
  while (p + 46 <= cd.length && cd.readUInt32LE(p) === CENTRAL_SIG) {
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const nameEnd = p + 46 + nameLen;
    if (nameEnd + extraLen > cd.length) throw new ZipFormatError('压缩包目录被截断');
    const name = cd.toString('utf8', p + 46, nameEnd).replace(/\\/g, '/');

    // ZIP64 extra field: only the fields saturated in the fixed record are present, in this order.
    for (let e = nameEnd; e + 4 <= nameEnd + extraLen; ) {
      const id = cd.readUInt16LE(e);
      const size = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = readUInt64(cd, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = readUInt64(cd, q);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = readUInt64(cd, q);
      }
      e += 4 + size;
    }
    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset: localHeaderOffset + shift });
    p = nameEnd + extraLen + commentLen;
  }
  if (entries.length === 0 && count > 0) throw new ZipFormatError('压缩包目录损坏');
  return entries;
}

function readUInt64(buf: Buffer, at: number): number {
  if (at + 8 > buf.length) throw new ZipFormatError('ZIP64 字段被截断');
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('ZIP64 大小超出范围');
  return Number(v);
}

export async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}
