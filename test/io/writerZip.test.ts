// The zip container under the .xlsx writer: read back with a small parser written here
// (so it runs everywhere), and with unzip / Python's zipfile when they are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XlsxWriter } from '../../src/io/xlsx/writer.js';
import { ZipWriter } from '../../src/io/xlsx/zipWriter.js';
import { ShiliError } from '../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shili-zip-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import zipfile'], { stdio: 'ignore' }).status === 0);

interface Entry {
  name: string;
  offset: number;
  crc: number;
  compressed: number;
  size: number;
  flags: number;
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  readSync(fd, b, 0, len, pos);
  return b;
}

/** Central directory of a zip, following ZIP64 records when present. */
function centralDirectory(file: string): { entries: Entry[]; zip64: boolean } {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const tail = readAt(fd, size - 22, 22);
    expect(tail.readUInt32LE(0)).toBe(0x06054b50);
    let count = tail.readUInt16LE(10);
    let cdOffset = tail.readUInt32LE(16);
    let zip64 = false;
    const locator = readAt(fd, size - 42, 20);
    if (locator.readUInt32LE(0) === 0x07064b50) {
      zip64 = true;
      const rec = readAt(fd, Number(locator.readBigUInt64LE(8)), 56);
      expect(rec.readUInt32LE(0)).toBe(0x06064b50);
      count = Number(rec.readBigUInt64LE(32));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    const entries: Entry[] = [];
    let pos = cdOffset;
    for (let i = 0; i < count; i++) {
      const h = readAt(fd, pos, 46);
      expect(h.readUInt32LE(0)).toBe(0x02014b50);
      const nameLen = h.readUInt16LE(28);
      const extraLen = h.readUInt16LE(30);
      const rest = readAt(fd, pos + 46, nameLen + extraLen);
      let offset = h.readUInt32LE(42);
      if (offset === 0xffffffff) {
        expect(rest.readUInt16LE(nameLen)).toBe(1);
        offset = Number(rest.readBigUInt64LE(nameLen + 4));
      }
      entries.push({
        name: rest.subarray(0, nameLen).toString('utf8'),
        offset,
        crc: h.readUInt32LE(16),
        compressed: h.readUInt32LE(20),
        size: h.readUInt32LE(24),
        flags: h.readUInt16LE(8),
      });
      pos += 46 + nameLen + extraLen;
    }
    return { entries, zip64 };
  } finally {
    closeSync(fd);
  }
}

/** Inflate one entry from its local header and check CRC, sizes and data descriptor. */
function extract(file: string, e: Entry): Buffer {
  const fd = openSync(file, 'r');
  try {
    const h = readAt(fd, e.offset, 30);
    expect(h.readUInt32LE(0)).toBe(0x04034b50);
    const start = e.offset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
    const data = inflateRawSync(readAt(fd, start, e.compressed));
    expect(data.length).toBe(e.size);
    expect(crc32(data)).toBe(e.crc);
    if (e.flags & 0x0008) {
      const dd = readAt(fd, start + e.compressed, 16);
      expect([dd.readUInt32LE(0), dd.readUInt32LE(4), dd.readUInt32LE(8), dd.readUInt32LE(12)]).toEqual([
        0x08074b50,
        e.crc,
        e.compressed,
        e.size,
      ]);
    }
    return data;
  } finally {
    closeSync(fd);
  }
}

async function writeZip(file: string, opts: { startOffset?: number } = {}): Promise<string> {
  const zip = await ZipWriter.create(file, opts);
  const big = zip.startEntry('big.txt', 1);
  let text = '';
  for (let i = 0; i < 5_000; i++) {
    const line = Buffer.from(`行 ${i} row\n`);
    text += line.toString();
    if (!big.write(line)) await big.drained();
  }
  await big.end();
  await zip.addEntry('small.xml', '<a>小</a>');
  await zip.close();
  return text;
}

describe('ZipWriter', () => {
  it('writes streamed and small entries that read back byte for byte', async () => {
    const file = join(dir, 'a.zip');
    const text = await writeZip(file);
    const { entries, zip64 } = centralDirectory(file);
    expect(zip64).toBe(false);
    expect(entries.map((e) => e.name)).toEqual(['big.txt', 'small.xml']);
    expect(extract(file, entries[0]!).toString()).toBe(text);
    expect(extract(file, entries[1]!).toString()).toBe('<a>小</a>');
  });

  it('takes CRC and sizes from the gzip trailer for empty, tiny and incompressible entries', async () => {
    const file = join(dir, 'framing.zip');
    const zip = await ZipWriter.create(file);
    await zip.startEntry('empty.txt', 1).end();
    const tiny = zip.startEntry('tiny.txt', 1);
    for (const ch of 'ab\u4e2d') tiny.write(Buffer.from(ch));
    await tiny.end();
    // Random bytes do not compress: zlib's output then comes in many full chunks.
    const noise = Buffer.from(Array.from({ length: 600_000 }, (_, i) => (i * 2654435761) >>> 24));
    const big = zip.startEntry('noise.bin', 1);
    for (let i = 0; i < noise.length; i += 100_000) if (!big.write(noise.subarray(i, i + 100_000))) await big.drained();
    await big.end();
    await zip.close();
    const { entries } = centralDirectory(file);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['empty.txt', 0],
      ['tiny.txt', 5],
      ['noise.bin', 600_000],
    ]);
    expect(extract(file, entries[0]!).length).toBe(0);
    expect(extract(file, entries[1]!).toString()).toBe('ab\u4e2d');
    expect(extract(file, entries[2]!).equals(noise)).toBe(true);
  });

  it('progress() resumes once zlib has taken one queued write, not the whole queue', async () => {
    const file = join(dir, 'progress.zip');
    const zip = await ZipWriter.create(file);
    const entry = zip.startEntry('rows.xml', 1);
    await entry.progress(); // nothing queued: at once
    const parts = [0, 1, 2, 3].map((k) => Buffer.alloc(1 << 20, `<row r="${k}">行${k}</row>`));
    const taken: number[] = [];
    parts.forEach((p, k) => entry.write(p, () => taken.push(k)));
    await entry.progress();
    // zlib took the first write and moved on; the later ones are still queued (drained() would wait for all four).
    expect(taken).toEqual([0]);
    expect(entry.queued).toBeGreaterThanOrEqual(3 << 20);
    while (entry.queued > 0) await entry.progress();
    expect(taken).toEqual([0, 1, 2, 3]);
    await entry.end();
    await zip.close();
    const { entries } = centralDirectory(file);
    expect(extract(file, entries[0]!).equals(Buffer.concat(parts))).toBe(true);
  });

  it('uses ZIP64 records when entries start beyond 4 GiB', async () => {
    const file = join(dir, 'far.zip');
    // A sparse gap: the file is 4 GiB long but takes almost no disk.
    const startOffset = 2 ** 32 + 1234;
    const text = await writeZip(file, { startOffset });
    const { entries, zip64 } = centralDirectory(file);
    expect(zip64).toBe(true);
    expect(entries[0]!.offset).toBe(startOffset);
    expect(extract(file, entries[0]!).toString()).toBe(text);
    expect(extract(file, entries[1]!).toString()).toBe('<a>小</a>');
    if (python) {
      const script = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(z.testzip(), z.read("small.xml").decode())';
      const r = spawnSync(python, ['-c', script, file], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout.trim()).toBe('None <a>小</a>');
    }
    if (hasUnzip) expect(spawnSync('unzip', ['-t', file], { encoding: 'utf8' }).stdout).toContain('No errors detected');
  });

  it.skipIf(!hasUnzip)('passes unzip -t', async () => {
    const file = join(dir, 'b.zip');
    await writeZip(file);
    const r = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
    expect(r.stdout).toContain('No errors detected');
  });

  it('turns a write failure into a ShiliError and removes the file', async () => {
    const file = join(dir, 'fail.xlsx');
    const w = await XlsxWriter.create(file);
    await w.startSheet({ name: 'S', columns: [{ header: 'a' }] });
    // Simulate the disk filling up under the file stream.
    const out = (w as unknown as { zip: { out: NodeJS.EventEmitter } }).zip.out;
    out.emit('error', Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    let caught: unknown;
    try {
      for (let i = 0; i < 50_000; i++) {
        const p = w.writeRow([`row ${i}`]);
        if (p) await p;
      }
      await w.close();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ShiliError);
    expect(caught).toMatchObject({ code: 'DISK_FULL' });
    expect((caught as ShiliError).message).toContain(dir);
    await w.abort();
    expect(existsSync(file)).toBe(false);
  });
});
