// The shared string table. A district file holds hundreds of thousands of
// distinct strings (every name, ID and address); as one JS string each they were
// most of the reader's live heap. Here the text of the first few megabytes of
// strings is decoded in a few large strings, with one offset per string, and a
// cell's string is cut out when the cell asks for it: one decode for those
// strings, no object per string. The text beyond that goes to a private temp
// file in segments that are read back on demand, so the memory the table takes
// stays about the same however many rows the file has. The common strings
// (school, grade, class, sex) come first in the table and so stay in memory.
// The part itself is read by sharedStringsParser.ts.
import { isUtf8 } from 'node:buffer';
import { readSync, writeSync } from 'node:fs';
import { createTempFile, removeTempFile, tempFolderError } from '../tempFiles.js';
import type { Cell } from '../table.js';
import { newCell } from './cellValues.js';

/**
 * Decoded cells kept per table, direct-mapped by index. A cell is kept from the
 * second time its slot sees its index in a row, so the values rows repeat (school,
 * grade, class, 否) stay cached while each row's own name and ID pass through
 * without being kept: a kept cell outlives a thousand rows, long enough for the GC
 * to move it to the old generation, where it would die expensively.
 */
const CACHE_SLOTS = 4096;

export interface SharedStringsLimits {
  /** UTF-8 text kept in memory; the strings after it go to a temp file. */
  memoryBytes: number;
  /** The in-memory text is decoded in pieces of about this many bytes, cut between strings. */
  memorySegmentBytes: number;
  /** The text on disk is read back in pieces of about this many bytes, cut between strings. */
  diskSegmentBytes: number;
  /** Pieces read back that are kept at once. */
  diskSegmentsKept: number;
}

/**
 * 8 MiB in memory holds a 50k-row file whole (its table is about 4 MB); the
 * rest is read back in 256 KiB segments, each read once when the sheet's rows
 * reach its strings, a few kept at a time.
 */
export const SHARED_STRINGS_LIMITS: SharedStringsLimits = {
  memoryBytes: 8 * 1024 * 1024,
  memorySegmentBytes: 4 * 1024 * 1024,
  diskSegmentBytes: 256 * 1024,
  diskSegmentsKept: 4,
};

export interface SharedStringsStats {
  /** Segments written to the temp file. */
  diskSegments: number;
  /** Strings looked up that were on disk. */
  diskLookups: number;
  /** Segments read back whole from the temp file. */
  segmentReads: number;
  /** Strings read back on their own (from behind the segments read whole). */
  stringReads: number;
}

export class SharedStrings {
  readonly count: number;
  /** The decoded text of in-memory strings segmentFirst[k] … segmentFirst[k + 1] - 1. */
  private readonly segments: string[];
  private readonly segmentFirst: number[];
  /** Where each in-memory segment starts in the running character count. */
  private readonly segmentBase: number[];
  /** Strings below this index are in memory, the others on disk. */
  private readonly inMemory: number;
  /**
   * count + 1 entries. For an in-memory string, the running UTF-16 character
   * count at its start; for one on disk, the character count of all in-memory
   * strings plus its byte offset in the temp file.
   */
  private readonly chars: Uint32Array;
  private readonly disk: DiskSegments | undefined;
  private segment = 0;
  private readonly cachedIndex = new Int32Array(CACHE_SLOTS).fill(-1);
  /** The index last asked for in each slot that is not cached there: seen once, not yet kept. */
  private readonly seenIndex = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly cachedCell: (Cell | undefined)[] = new Array<Cell | undefined>(CACHE_SLOTS).fill(undefined);

  /** Built by SharedStringsBuilder; segmentFirst ends with the index of the first string on disk (count if none). */
  constructor(parts: { count: number; chars: Uint32Array; segments: string[]; segmentFirst: number[]; segmentBase: number[]; disk?: DiskSegments }) {
    this.count = parts.count;
    this.chars = parts.chars;
    this.segments = parts.segments;
    this.segmentFirst = parts.segmentFirst;
    this.segmentBase = parts.segmentBase;
    this.inMemory = parts.segmentFirst[parts.segments.length]!;
    this.disk = parts.disk;
  }

  static of(strings: readonly string[], limits?: Partial<SharedStringsLimits>): SharedStrings {
    const offsets = new Uint32Array(strings.length + 1);
    const parts = strings.map((s) => Buffer.from(s));
    parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
    const builder = new SharedStringsBuilder(limits);
    const text = Buffer.concat(parts);
    try {
      // Cut where a parser would, so that tests see the same segments.
      let first = 0;
      while (first < strings.length) {
        let last = first + 1;
        while (last < strings.length && offsets[last]! - offsets[first]! < builder.segmentBytes) last++;
        const rel = offsets.subarray(first, last + 1).map((o) => o - offsets[first]!);
        builder.add(text.subarray(offsets[first], offsets[last]), rel, last - first);
        first = last;
      }
      return builder.finish();
    } catch (err) {
      builder.abort();
      throw err;
    }
  }

  /** String `index`, which must be below count. */
  get(index: number): string {
    if (index >= this.inMemory) return this.disk!.text(this.chars[index]!, this.chars[index + 1]!);
    let k = this.segment;
    if (index < this.segmentFirst[k]! || index >= this.segmentFirst[k + 1]!) k = this.segment = this.segmentOf(index);
    const base = this.segmentBase[k]!;
    return this.segments[k]!.substring(this.chars[index]! - base, this.chars[index + 1]! - base);
  }

  /**
   * The cell for string `index` (below count); undefined for "". Cells are
   * shared between the rows that use the same string, so they must not be changed.
   */
  cell(index: number): Cell | undefined {
    const slot = index & (CACHE_SLOTS - 1);
    if (this.cachedIndex[slot] === index) return this.cachedCell[slot];
    const cell: Cell | undefined = this.chars[index] === this.chars[index + 1] ? undefined : newCell('s', this.get(index));
    if (this.seenIndex[slot] === index) {
      this.cachedIndex[slot] = index;
      this.cachedCell[slot] = cell;
    } else {
      this.seenIndex[slot] = index;
    }
    return cell;
  }

  /**
   * Removes the temp file, if any. A table whose strings all fit in memory
   * stays usable; one with strings on disk can no longer give those.
   */
  close(): void {
    this.disk?.close();
  }

  stats(): SharedStringsStats {
    return this.disk?.stats() ?? { diskSegments: 0, diskLookups: 0, segmentReads: 0, stringReads: 0 };
  }

  private segmentOf(index: number): number {
    return lastAtMost(this.segmentFirst, this.segments.length - 1, index);
  }
}

/**
 * Collects the table segment by segment as the parser cuts it: in memory until
 * `memoryBytes` of text, then in the temp file. Call finish() or abort().
 */
export class SharedStringsBuilder {
  private readonly limits: SharedStringsLimits;
  private count = 0;
  /** Strings in memory: the ones before the first on disk. */
  private inMemory = 0;
  private chars = new Uint32Array(1024);
  /** Running position: characters in memory, then characters in memory plus bytes on disk. */
  private total = 0;
  private memoryBytes = 0;
  private readonly segments: string[] = [];
  private readonly segmentFirst: number[] = [];
  private readonly segmentBase: number[] = [];
  private disk: DiskSegments | undefined;

  constructor(limits: Partial<SharedStringsLimits> = {}) {
    this.limits = { ...SHARED_STRINGS_LIMITS, ...limits };
  }

  /** Bytes of text the next segment should reach before it is cut (it ends with a whole string). */
  get segmentBytes(): number {
    if (this.disk === undefined && this.memoryBytes < this.limits.memoryBytes) {
      return Math.max(1, Math.min(this.limits.memorySegmentBytes, this.limits.memoryBytes - this.memoryBytes));
    }
    return Math.max(1, this.limits.diskSegmentBytes);
  }

  /** Strings whose UTF-8 is text[offsets[i], offsets[i + 1]) for i < n; offsets[0] is 0. */
  add(text: Buffer, offsets: Uint32Array, n: number): void {
    if (n === 0) return;
    this.reserve(n);
    if (this.disk === undefined && this.memoryBytes < this.limits.memoryBytes) this.addInMemory(text, offsets, n);
    else this.addOnDisk(text, offsets, n);
  }

  finish(): SharedStrings {
    const chars = this.chars.length > this.count + 1 ? this.chars.slice(0, this.count + 1) : this.chars;
    chars[this.count] = this.total;
    this.segmentFirst.push(this.inMemory);
    const table = new SharedStrings({
      count: this.count,
      chars,
      segments: this.segments,
      segmentFirst: this.segmentFirst,
      segmentBase: this.segmentBase,
      disk: this.disk,
    });
    this.disk = undefined;
    return table;
  }

  /** Removes the temp file after a failed read. */
  abort(): void {
    this.disk?.close();
    this.disk = undefined;
  }

  private addInMemory(text: Buffer, offsets: Uint32Array, n: number): void {
    const first = this.count;
    const base = this.total;
    let segment = this.decodeWhole(text, offsets, n);
    if (segment === undefined) {
      // Invalid UTF-8 decodes to U+FFFD by rules too subtle to count ahead: decode string by string.
      const parts: string[] = [];
      let total = base;
      for (let i = 0; i < n; i++) {
        this.chars[first + i] = total;
        const part = text.toString('utf8', offsets[i], offsets[i + 1]);
        parts.push(part);
        total += part.length;
      }
      segment = parts.join('');
    }
    this.total = base + segment.length;
    this.count += n;
    this.inMemory = this.count;
    this.memoryBytes += offsets[n]!;
    this.segments.push(segment);
    this.segmentFirst.push(first);
    this.segmentBase.push(base);
  }

  /**
   * The strings decoded in one piece, their character offsets filled in; undefined
   * when the bytes are not valid UTF-8 string by string.
   */
  private decodeWhole(text: Buffer, offsets: Uint32Array, n: number): string | undefined {
    const bytes = text.subarray(0, offsets[n]);
    if (!isUtf8(bytes)) return undefined;
    let total = this.total;
    const first = this.count;
    for (let i = 0; i < n; i++) {
      this.chars[first + i] = total;
      const end = offsets[i + 1]!;
      let j = offsets[i]!;
      // Valid as a whole, the bytes could still cut a character between two strings.
      if (j < end && (text[j]! & 0xc0) === 0x80) return undefined;
      // Every byte but a continuation byte starts a character; a 4-byte one takes a surrogate pair.
      for (; j < end; j++) {
        const b = text[j]!;
        if ((b & 0xc0) !== 0x80) total += b >= 0xf0 ? 2 : 1;
      }
    }
    return bytes.toString('utf8');
  }

  private addOnDisk(text: Buffer, offsets: Uint32Array, n: number): void {
    this.disk ??= new DiskSegments(this.total, this.limits.diskSegmentsKept);
    const start = this.total;
    for (let i = 0; i < n; i++) this.chars[this.count + i] = start + offsets[i]!;
    this.disk.append(text.subarray(0, offsets[n]));
    this.count += n;
    this.total = start + offsets[n]!;
    if (this.total > 0xffff_ffff) throw new RangeError('shared strings beyond 4 GiB');
  }

  /** Room for n more strings and the end offset. */
  private reserve(n: number): void {
    if (this.count + n + 1 <= this.chars.length) return;
    const grown = new Uint32Array(Math.max(this.count + n + 1, this.chars.length * 2));
    grown.set(this.chars.subarray(0, this.count));
    this.chars = grown;
  }
}

interface KeptSegment {
  segment: number;
  bytes: Buffer;
}

/**
 * The text of the strings beyond the in-memory part, in a private temp file
 * (created 0600 and removed on close, failure, Ctrl-C and exit: it holds
 * student data). Rows use new strings in table order, so segments are read
 * whole, in order, into a few kept buffers, and the segment asked for is nearly
 * always the newest one read. A string from further back (a name, birth date or
 * address seen before: a few percent of lookups in a district file) is read on
 * its own, so it neither evicts the segments ahead nor costs a segment read; a
 * table used in some other order works the same way, a read per string.
 */
class DiskSegments {
  private readonly path: string;
  private fd: number | undefined;
  /** File offset of each segment's text, plus the end. */
  private readonly starts: number[] = [0];
  /** Most recently used first. */
  private readonly kept: KeptSegment[] = [];
  /** The furthest segment read whole so far. */
  private furthest = -1;
  private scratch = Buffer.allocUnsafe(256);
  private lookups = 0;
  private segmentReads = 0;
  private stringReads = 0;
  private readonly keep: number;

  /** `base`: the position the first byte on disk has in the table's running count. */
  constructor(
    private readonly base: number,
    keep: number,
  ) {
    this.keep = Math.max(1, keep);
    ({ path: this.path, fd: this.fd } = createTempFile('strings'));
  }

  append(bytes: Buffer): void {
    const at = this.starts[this.starts.length - 1]!;
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(this.fd!, bytes, off, bytes.length - off, at + off);
    } catch (err) {
      throw tempFolderError(err);
    }
    this.starts.push(at + bytes.length);
  }

  /** The text between two positions of the running count, both within one segment. */
  text(from: number, to: number): string {
    this.lookups++;
    if (from === to) return '';
    const pos = from - this.base;
    const end = to - this.base;
    let kept = this.kept[0];
    if (kept === undefined || pos < this.starts[kept.segment]! || pos >= this.starts[kept.segment + 1]!) {
      const found = this.find(pos);
      if (found === undefined) return this.readString(pos, end);
      kept = found;
    }
    const start = this.starts[kept.segment]!;
    // A copy, not a slice of a decoded segment: the string must not keep a whole segment alive.
    return kept.bytes.toString('utf8', pos - start, end - start);
  }

  close(): void {
    if (this.fd === undefined) return;
    removeTempFile(this.path, this.fd);
    this.fd = undefined;
    this.kept.length = 0;
  }

  stats(): SharedStringsStats {
    return { diskSegments: this.starts.length - 1, diskLookups: this.lookups, segmentReads: this.segmentReads, stringReads: this.stringReads };
  }

  /**
   * The kept segment holding byte `pos`, made the most recent; a segment ahead
   * of the furthest one read is read now; undefined for one further back.
   */
  private find(pos: number): KeptSegment | undefined {
    const segment = this.segmentAt(pos);
    const i = this.kept.findIndex((k) => k.segment === segment);
    if (i >= 0) {
      const hit = this.kept[i]!;
      if (i > 0) {
        this.kept.splice(i, 1);
        this.kept.unshift(hit);
      }
      return hit;
    }
    if (segment < this.furthest) return undefined;
    const length = this.starts[segment + 1]! - this.starts[segment]!;
    // The least recently used buffer is reused when it is large enough.
    const old = this.kept.length >= this.keep ? this.kept.pop() : undefined;
    const bytes = old !== undefined && old.bytes.length >= length ? old.bytes : Buffer.allocUnsafeSlow(length);
    this.read(bytes, length, this.starts[segment]!);
    this.segmentReads++;
    this.furthest = segment;
    const entry = { segment, bytes };
    this.kept.unshift(entry);
    return entry;
  }

  private readString(pos: number, end: number): string {
    const length = end - pos;
    if (length > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
    this.read(this.scratch, length, pos);
    this.stringReads++;
    return this.scratch.toString('utf8', 0, length);
  }

  private read(into: Buffer, length: number, at: number): void {
    if (this.fd === undefined) throw new Error('shared strings read after close');
    let off = 0;
    while (off < length) {
      const got = readSync(this.fd, into, off, length - off, at + off);
      if (got === 0) throw new Error('shared strings temp file ended early');
      off += got;
    }
  }

  private segmentAt(pos: number): number {
    return lastAtMost(this.starts, this.starts.length - 2, pos);
  }
}

/** The last i in [0, hi] with sorted[i] <= x, by binary search (0 when there is none). */
function lastAtMost(sorted: ArrayLike<number>, hi: number, x: number): number {
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
