// Just enough zip for the floor: find an entry through the central directory (shili's own
// directory reader, used read-only), then hand its raw deflate bytes to zlib. No limits, no checks:
// the inputs are the benchmark's own files.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import { readCentralDirectory, type ZipEntry } from '../src/io/xlsx/zipDirectory.js';

export type { ZipEntry };

export async function listEntries(path: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    return await readCentralDirectory(fh, (await fh.stat()).size);
  } finally {
    await fh.close();
  }
}

/** Worksheet parts, in name order (sheet1.xml first). */
export function worksheetEntries(entries: readonly ZipEntry[]): ZipEntry[] {
  return entries
    .filter((e) => /^xl\/worksheets\/[^/]+\.xml$/i.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** Where the entry's compressed bytes start: after the local header, whose name and extra lengths may differ from the directory's. */
export function dataStart(path: string, entry: ZipEntry): number {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(30);
    readSync(fd, header, 0, 30, entry.localHeaderOffset);
    if (header.readUInt32LE(0) !== 0x04034b50) throw new Error(`${path}: no local header for ${entry.name}`);
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    closeSync(fd);
  }
}

/** The entry's compressed bytes as a file stream (1 MiB reads). */
export function compressedStream(path: string, entry: ZipEntry): Readable {
  if (entry.compressedSize === 0) return Readable.from([]);
  const start = dataStart(path, entry);
  return createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
}

/** The whole entry, inflated, in memory (used only outside the timed part). */
export function inflateWhole(path: string, entry: ZipEntry): Buffer {
  const fd = openSync(path, 'r');
  try {
    const start = dataStart(path, entry);
    const raw = Buffer.allocUnsafe(entry.compressedSize);
    let done = 0;
    while (done < raw.length) done += readSync(fd, raw, done, raw.length - done, start + done);
    return entry.method === 0 ? raw : inflateRawSync(raw);
  } finally {
    closeSync(fd);
  }
}

export function fileSize(path: string): number {
  return statSync(path).size;
}
