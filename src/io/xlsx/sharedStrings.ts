// The shared string table. A district file holds hundreds of thousands of
// distinct strings (every name, ID and address); as one JS string each they were
// most of the reader's live heap. Here the text of all of them is decoded in a
// few large strings, with one offset per string, and a cell's string is cut out
// when the cell asks for it: one decode for the whole table, no object per string.
// The part itself is read by sharedStringsParser.ts.
import { isUtf8 } from 'node:buffer';
import type { Cell } from '../table.js';

/**
 * Decoded cells kept per table, direct-mapped by index. Generators write strings
 * in first-use order, so the values every row repeats (grade, class, 否) sit at
 * low indexes and stay cached, while each row's own name and ID pass through.
 */
const CACHE_SLOTS = 4096;
/** The text is decoded in pieces of about this many bytes, cut between strings. */
const SEGMENT_BYTES = 4 * 1024 * 1024;

export class SharedStrings {
  readonly count: number;
  /** The text of strings segmentFirst[k] … segmentFirst[k + 1] - 1. */
  private readonly segments: string[] = [];
  private readonly segmentFirst: number[] = [];
  /** Where each segment starts in the running character count. */
  private readonly segmentBase: number[] = [];
  /** Running UTF-16 character count at the start of each string; count + 1 entries. */
  private readonly chars: Uint32Array;
  private segment = 0;
  private readonly cachedIndex = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly cachedCell: (Cell | undefined)[] = new Array<Cell | undefined>(CACHE_SLOTS).fill(undefined);

  /** String i is the UTF-8 in text[offsets[i], offsets[i + 1]). */
  constructor(text: Buffer, offsets: Uint32Array, count: number) {
    this.count = count;
    this.chars = new Uint32Array(count + 1);
    let total = 0;
    for (let first = 0; first < count; ) {
      let last = first + 1;
      while (last < count && offsets[last + 1]! - offsets[first]! <= SEGMENT_BYTES) last++;
      const base = total;
      let segment = this.decodeWhole(text, offsets, first, last, base);
      if (segment === undefined) {
        // Invalid UTF-8 decodes to U+FFFD by rules too subtle to count ahead: decode string by string.
        const parts: string[] = [];
        for (let i = first; i < last; i++) {
          this.chars[i] = total;
          const part = text.toString('utf8', offsets[i], offsets[i + 1]);
          parts.push(part);
          total += part.length;
        }
        segment = parts.join('');
      } else {
        total += segment.length;
      }
      this.segments.push(segment);
      this.segmentFirst.push(first);
      this.segmentBase.push(base);
      first = last;
    }
    this.chars[count] = total;
    this.segmentFirst.push(count);
  }

  /**
   * Strings first … last - 1 decoded in one piece, their character offsets filled
   * in from `base`; undefined when the bytes are not valid UTF-8 string by string.
   */
  private decodeWhole(text: Buffer, offsets: Uint32Array, first: number, last: number, base: number): string | undefined {
    const bytes = text.subarray(offsets[first], offsets[last]);
    if (!isUtf8(bytes)) return undefined;
    let total = base;
    for (let i = first; i < last; i++) {
      this.chars[i] = total;
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

  static of(strings: readonly string[]): SharedStrings {
    const offsets = new Uint32Array(strings.length + 1);
    const parts = strings.map((s) => Buffer.from(s));
    parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
    return new SharedStrings(Buffer.concat(parts), offsets, strings.length);
  }

  /** String `index`, which must be below count. */
  get(index: number): string {
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
    const cell: Cell | undefined = this.chars[index] === this.chars[index + 1] ? undefined : { t: 's', v: this.get(index) };
    this.cachedIndex[slot] = index;
    this.cachedCell[slot] = cell;
    return cell;
  }

  private segmentOf(index: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segmentFirst[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
