// Tracks the same student appearing more than once in one file, with little memory per row.

/** 53-bit string hash (cyrb53): enough to tell identical rows from different ones without keeping them. */
export function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

interface Seen {
  first: number;
  hash: number;
  /** Row numbers of every later occurrence. */
  more?: number[];
  conflict?: boolean;
}

export type Occurrence = 'first' | 'identical' | 'conflict';

export class DuplicateTracker {
  private readonly seen = new Map<string, Seen>();

  /** Record that `key` occurs at `row` with content `hash`. */
  see(key: string, hash: number, row: number): Occurrence {
    const s = this.seen.get(key);
    if (!s) {
      this.seen.set(key, { first: row, hash });
      return 'first';
    }
    (s.more ??= []).push(row);
    if (s.hash !== hash) s.conflict = true;
    return s.conflict ? 'conflict' : 'identical';
  }

  isConflict(key: string): boolean {
    return this.seen.get(key)?.conflict === true;
  }

  /** True when `row` is the first occurrence of `key`. */
  isFirst(key: string, row: number): boolean {
    return this.seen.get(key)?.first === row;
  }

  /** Every row holding `key`, in file order. */
  rowsOf(key: string): number[] {
    const s = this.seen.get(key);
    return s ? [s.first, ...(s.more ?? [])] : [];
  }
}
