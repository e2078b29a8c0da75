// Tracks the same student appearing more than once in one file, in ~16 bytes per student:
// a district file has hundreds of thousands of rows, and memory must not grow with them.

/** 53-bit string hash (cyrb53), returned as its high 21 and low 32 bits. */
function hashParts(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return hashEnd(h1, h2);
}

/**
 * hashParts of the text in UTF-8 `bytes[start, end)` when it is ASCII (byte = UTF-16 unit), without
 * making a string; null otherwise.
 */
function asciiHashParts(bytes: Uint8Array, start: number, end: number): [number, number] | null {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = start; i < end; i++) {
    const ch = bytes[i]!;
    if (ch >= 0x80) return null;
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return hashEnd(h1, h2);
}

function hashEnd(h1: number, h2: number): [number, number] {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [(2097151 & h2) >>> 0, h1 >>> 0];
}

export function hash53(s: string): number {
  const [hi, lo] = hashParts(s);
  return hi * 4294967296 + lo;
}

export type Occurrence = 'first' | 'identical' | 'conflict';

/** A DuplicateTracker's table as plain data (see DuplicateTracker.export). */
export interface DuplicateTable {
  keyHi: Uint32Array;
  keyLo: Uint32Array;
  first: Uint32Array;
  content: Uint32Array;
  repeats: { slot: number; more: number[]; conflict: boolean }[];
}

/**
 * Open-addressing table keyed by a 53-bit hash of the student id. Two different ids sharing a
 * hash (about 1 in 10^5 for a 500,000-row file) would be reported as a conflict: a row goes to the
 * error workbook, never silently dropped. Content is compared by a 32-bit hash.
 */
export class DuplicateTracker {
  private cap = 1 << 12;
  private keyHi = new Uint32Array(this.cap);
  private keyLo = new Uint32Array(this.cap);
  /** First row number holding the key; 0 = empty slot (rows start at 1). */
  private first = new Uint32Array(this.cap);
  private content = new Uint32Array(this.cap);
  private size = 0;
  /** Keys seen more than once (few): later rows and whether the data differed. */
  private readonly repeats = new Map<number, { more: number[]; conflict: boolean }>();

  private slot(hi: number, lo: number): number {
    const mask = this.cap - 1;
    let i = lo & mask;
    while (this.first[i] !== 0 && (this.keyHi[i] !== hi || this.keyLo[i] !== lo)) i = (i + 1) & mask;
    return i;
  }

  /** Rehashes into `cap` slots (a power of two). */
  private grow(cap = this.cap * 2): void {
    const old = { hi: this.keyHi, lo: this.keyLo, first: this.first, content: this.content, cap: this.cap };
    const moved = new Map<number, { more: number[]; conflict: boolean }>();
    this.cap = cap;
    this.keyHi = new Uint32Array(this.cap);
    this.keyLo = new Uint32Array(this.cap);
    this.first = new Uint32Array(this.cap);
    this.content = new Uint32Array(this.cap);
    for (let i = 0; i < old.cap; i++) {
      if (old.first[i] === 0) continue;
      const j = this.slot(old.hi[i]!, old.lo[i]!);
      this.keyHi[j] = old.hi[i]!;
      this.keyLo[j] = old.lo[i]!;
      this.first[j] = old.first[i]!;
      this.content[j] = old.content[i]!;
      const r = this.repeats.get(i);
      if (r) moved.set(j, r);
    }
    this.repeats.clear();
    for (const [k, v] of moved) this.repeats.set(k, v);
  }

  private find(key: string): number {
    const [hi, lo] = hashParts(key);
    return this.slot(hi, lo);
  }

  /** Record that `key` occurs at `row` with content hash `hash`. */
  see(key: string, hash: number, row: number): Occurrence {
    if ((this.size + 1) * 2 > this.cap) this.grow();
    const [hi, lo] = hashParts(key);
    const i = this.slot(hi, lo);
    const c = hash >>> 0;
    if (this.first[i] === 0) {
      this.keyHi[i] = hi;
      this.keyLo[i] = lo;
      this.first[i] = row;
      this.content[i] = c;
      this.size++;
      return 'first';
    }
    let r = this.repeats.get(i);
    if (!r) this.repeats.set(i, (r = { more: [], conflict: false }));
    r.more.push(row);
    if (this.content[i] !== c) r.conflict = true;
    return r.conflict ? 'conflict' : 'identical';
  }

  isConflict(key: string): boolean {
    return this.repeats.get(this.find(key))?.conflict === true;
  }

  /** True when `row` is the first occurrence of `key`. */
  isFirst(key: string, row: number): boolean {
    return this.first[this.find(key)] === row;
  }

  /** The table as plain data, to cross to another thread (its arrays can be transferred). */
  export(): DuplicateTable {
    return {
      keyHi: this.keyHi.subarray(0, this.cap),
      keyLo: this.keyLo.subarray(0, this.cap),
      first: this.first.subarray(0, this.cap),
      content: this.content.subarray(0, this.cap),
      repeats: [...this.repeats].map(([slot, r]) => ({ slot, more: r.more, conflict: r.conflict })),
    };
  }

  /**
   * Adds the rows another tracker saw in other rows of the same file (pass 1 on two threads): the
   * result is what one tracker would hold had it seen every row in file order. Within each table a
   * key's rows already agree with its first row unless marked conflicting, so two tables conflict
   * on a key exactly when either does or their first rows' contents differ.
   */
  merge(other: DuplicateTable): void {
    // Grown once to its final size up front: doubling step by step would hold each old table too.
    let theirCount = 0;
    for (let j = 0; j < other.first.length; j++) if (other.first[j] !== 0) theirCount++;
    let cap = this.cap;
    while ((this.size + theirCount + 1) * 2 > cap) cap *= 2;
    if (cap > this.cap) this.grow(cap);
    const more = new Map<number, { more: number[]; conflict: boolean }>();
    for (const r of other.repeats) more.set(r.slot, r);
    for (let j = 0; j < other.first.length; j++) {
      const otherFirst = other.first[j]!;
      if (otherFirst === 0) continue;
      const hi = other.keyHi[j]!;
      const lo = other.keyLo[j]!;
      const i = this.slot(hi, lo);
      const theirs = more.get(j);
      if (this.first[i] === 0) {
        this.keyHi[i] = hi;
        this.keyLo[i] = lo;
        this.first[i] = otherFirst;
        this.content[i] = other.content[j]!;
        this.size++;
        if (theirs) this.repeats.set(i, { more: [...theirs.more], conflict: theirs.conflict });
        continue;
      }
      const mine = this.repeats.get(i);
      const rows = [this.first[i]!, ...(mine?.more ?? []), otherFirst, ...(theirs?.more ?? [])].sort((a, b) => a - b);
      const conflict = (mine?.conflict ?? false) || (theirs?.conflict ?? false) || this.content[i] !== other.content[j];
      if (rows[0] === otherFirst) this.content[i] = other.content[j]!;
      this.first[i] = rows[0]!;
      this.repeats.set(i, { more: rows.slice(1), conflict });
    }
  }

  /**
   * isConflict and isFirst in one look-up, for a key given as UTF-8 `bytes[start, end)` (pass 2's
   * clean rows, whose 学籍号 need not become a string): 'conflict' when the key's rows differ,
   * else 'first' when `row` is the key's first row, else 'identical'.
   */
  occurrenceAt(bytes: Uint8Array, start: number, end: number, row: number): Occurrence {
    const [hi, lo] = asciiHashParts(bytes, start, end) ?? hashParts(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8'));
    const i = this.slot(hi, lo);
    if (this.repeats.get(i)?.conflict === true) return 'conflict';
    return this.first[i] === row ? 'first' : 'identical';
  }

  /** Every row holding `key`, in file order. */
  rowsOf(key: string): number[] {
    const i = this.find(key);
    if (this.first[i] === 0) return [];
    return [this.first[i]!, ...(this.repeats.get(i)?.more ?? [])];
  }
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);
// Separator and type tags lie outside the UTF-16 range, so "1", 1 and true all differ.
const SEPARATOR = 0x10001;
const TAG_STRING = 0x10002;
const TAG_NUMBER = 0x10003;
const TAG_TRUE = 0x10004;
const TAG_FALSE = 0x10005;
const TAG_EMPTY = 0x10006;

/**
 * 32-bit hash of `prefix` and then a row's values in order (strings by character, numbers by their
 * bits, null and booleans by a tag), for telling identical duplicates from conflicting ones.
 * Nothing is concatenated: a district file has millions of values.
 */
export function contentHash(values: readonly unknown[], prefix: string | null): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  if (prefix !== null) {
    for (let i = 0; i < prefix.length; i++) {
      const ch = prefix.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    let tag: number;
    if (typeof v === 'string') tag = TAG_STRING;
    else if (typeof v === 'number') tag = TAG_NUMBER;
    else if (typeof v === 'boolean') tag = v ? TAG_TRUE : TAG_FALSE;
    else tag = TAG_EMPTY;
    h1 = Math.imul(h1 ^ SEPARATOR, 2654435761);
    h2 = Math.imul(h2 ^ SEPARATOR, 1597334677);
    h1 = Math.imul(h1 ^ tag, 2654435761);
    h2 = Math.imul(h2 ^ tag, 1597334677);
    if (typeof v === 'string') {
      for (let i = 0; i < v.length; i++) {
        const ch = v.charCodeAt(i);
        h1 = Math.imul(h1 ^ ch, 2654435761);
        h2 = Math.imul(h2 ^ ch, 1597334677);
      }
    } else if (typeof v === 'number') {
      f64[0] = v;
      h1 = Math.imul(h1 ^ f64Words[0]!, 2654435761);
      h2 = Math.imul(h2 ^ f64Words[0]!, 1597334677);
      h1 = Math.imul(h1 ^ f64Words[1]!, 2654435761);
      h2 = Math.imul(h2 ^ f64Words[1]!, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  return h1 >>> 0;
}
