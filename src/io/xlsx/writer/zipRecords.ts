// The fixed binary records of a zip file (APPNOTE 6.3): local and central headers, data
// descriptors, and the end of central directory with its ZIP64 forms.

export const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const METHOD_DEFLATE = 8;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;

export interface EntryRecord {
  name: Buffer;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

export function localHeader(e: EntryRecord, time: number, date: number): Buffer {
  const b = Buffer.alloc(30 + e.name.length);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(VERSION_DEFAULT, 4);
  b.writeUInt16LE(e.flags, 6);
  b.writeUInt16LE(METHOD_DEFLATE, 8);
  b.writeUInt16LE(time, 10);
  b.writeUInt16LE(date, 12);
  // With a data descriptor these stay 0 and the real values follow the data.
  b.writeUInt32LE(e.crc >>> 0, 14);
  b.writeUInt32LE(e.compressed, 18);
  b.writeUInt32LE(e.size, 22);
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(0, 28);
  e.name.copy(b, 30);
  return b;
}

export function dataDescriptor(e: EntryRecord): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(e.crc >>> 0, 4);
  b.writeUInt32LE(e.compressed, 8);
  b.writeUInt32LE(e.size, 12);
  return b;
}

export function centralHeader(e: EntryRecord, time: number, date: number): Buffer {
  // Sizes are capped at 4 GiB-1 on write, so only the offset can need a ZIP64 extra field.
  const zip64 = e.offset >= MAX32;
  const extraLen = zip64 ? 12 : 0;
  const b = Buffer.alloc(46 + e.name.length + extraLen);
  const version = zip64 ? VERSION_ZIP64 : VERSION_DEFAULT;
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(version, 4);
  b.writeUInt16LE(version, 6);
  b.writeUInt16LE(e.flags, 8);
  b.writeUInt16LE(METHOD_DEFLATE, 10);
  b.writeUInt16LE(time, 12);
  b.writeUInt16LE(date, 14);
  b.writeUInt32LE(e.crc >>> 0, 16);
  b.writeUInt32LE(e.compressed, 20);
  b.writeUInt32LE(e.size, 24);
  b.writeUInt16LE(e.name.length, 28);
  b.writeUInt16LE(extraLen, 30);
  // comment length, disk number, internal and external attributes stay 0
  b.writeUInt32LE(zip64 ? MAX32 : e.offset, 42);
  e.name.copy(b, 46);
  if (zip64) {
    const x = 46 + e.name.length;
    b.writeUInt16LE(0x0001, x);
    b.writeUInt16LE(8, x + 2);
    b.writeBigUInt64LE(BigInt(e.offset), x + 4);
  }
  return b;
}

export function endOfCentralDirectory(count: number, cdOffset: number, cdSize: number, zip64RecordOffset: number): Buffer {
  const zip64 = count >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
  const parts: Buffer[] = [];
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(VERSION_ZIP64, 12);
    rec.writeUInt16LE(VERSION_ZIP64, 14);
    // disk numbers at 16 and 20 stay 0
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(zip64RecordOffset), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(rec, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Math.min(count, MAX16), 8);
  eocd.writeUInt16LE(Math.min(count, MAX16), 10);
  eocd.writeUInt32LE(Math.min(cdSize, MAX32), 12);
  eocd.writeUInt32LE(Math.min(cdOffset, MAX32), 16);
  parts.push(eocd);
  return Buffer.concat(parts);
}

export function dosDateTime(d: Date): [number, number] {
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((Math.max(d.getFullYear(), 1980) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}
