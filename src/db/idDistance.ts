// How two 学籍号 differ, for candidate suggestions: at most two edits are worth showing.

export type EditKind = 'same' | 'substitution' | 'insertDelete' | 'transposition' | 'two';

// Character codes of the strings being compared, reused across calls: candidates() compares
// hundreds of ids per query, and the roster index hands over ids as codes, never as strings.
let codesA = new Uint16Array(32);
let codesB = new Uint16Array(32);

/** Character codes of s in a reused buffer (valid until the next call with the same which). */
function toCodes(s: string, which: 'a' | 'b'): Uint16Array {
  let buf = which === 'a' ? codesA : codesB;
  if (buf.length < s.length) {
    buf = new Uint16Array(s.length * 2);
    if (which === 'a') codesA = buf;
    else codesB = buf;
  }
  for (let i = 0; i < s.length; i++) buf[i] = s.charCodeAt(i);
  return buf;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transposition),
 * classified; null when more than two edits apart.
 */
export function editKind(a: string, b: string): EditKind | null {
  if (a === b) return 'same';
  return editKindOfCodes(toCodes(a, 'a'), a.length, toCodes(b, 'b'), b.length, 0);
}

/**
 * editKind of the first m codes of a and the first n codes of b, whose first `same` codes are
 * known to be equal (those of b need not even be filled in).
 */
export function editKindOfCodes(a: Uint16Array, m: number, b: Uint16Array, n: number, same: number): EditKind | null {
  if (Math.abs(m - n) > 2) return null;
  // A common prefix and suffix never change an OSA distance: compare only what lies between.
  const shorter = Math.min(m, n);
  let p = same;
  while (p < shorter && a[p] === b[p]) p++;
  if (p === m && m === n) return 'same';
  // Equal lengths (nearly every pair): more than 4 differing places is too far to suggest (an
  // insertion plus a deletion can shift more, but such ids never were), and most roster ids are
  // rejected after a few characters without the DP.
  if (m === n && mismatches(a, b, p, m, 4) > 4) return null;
  let s = 0;
  while (s < m - p && s < n - p && a[m - 1 - s] === b[n - 1 - s]) s++;
  if (countsDiffer(a, p, m - s, b, p, n - s) > 4) return null;
  const d = osaRange(a, p, m - s - p, b, p, n - s - p, 2);
  if (d === 1) {
    if (m !== n) return 'insertDelete';
    return m - s - p === 2 && a[p] === b[p + 1] && a[p + 1] === b[p] ? 'transposition' : 'substitution';
  }
  return d === 2 ? 'two' : null;
}

const counts = new Int32Array(128);

/**
 * How far apart the character counts of a[a0, a1) and b[b0, b1) are (sum of |difference|), or 0
 * when a code is not ASCII. A substitution changes the counts by 2, an insertion or deletion by
 * 1, a transposition not at all: above 4, the two are more than two edits apart.
 */
function countsDiffer(a: Uint16Array, a0: number, a1: number, b: Uint16Array, b0: number, b1: number): number {
  let ascii = true;
  for (let i = a0; i < a1; i++) ascii &&= a[i]! < 128;
  for (let i = b0; i < b1; i++) ascii &&= b[i]! < 128;
  if (!ascii) return 0;
  for (let i = a0; i < a1; i++) counts[a[i]!]!++;
  for (let i = b0; i < b1; i++) counts[b[i]!]!--;
  let sum = 0;
  for (let i = a0; i < a1; i++) {
    sum += Math.abs(counts[a[i]!]!);
    counts[a[i]!] = 0;
  }
  for (let i = b0; i < b1; i++) {
    sum += Math.abs(counts[b[i]!]!);
    counts[b[i]!] = 0;
  }
  return sum;
}

/** Positions from..to where a and b differ, counting stops above max. */
function mismatches(a: Uint16Array, b: Uint16Array, from: number, to: number, max: number): number {
  let n = 0;
  for (let i = from; i < to && n <= max; i++) if (a[i] !== b[i]) n++;
  return n;
}

// Three DP rows reused across calls.
let rowA = new Int32Array(32);
let rowB = new Int32Array(32);
let rowC = new Int32Array(32);

/**
 * OSA distance, or max + 1 when it exceeds max. Only the band |i - j| <= max of the
 * DP table can hold a value <= max, so only that band is computed.
 */
export function osaDistance(a: string, b: string, max: number): number {
  return osaRange(toCodes(a, 'a'), 0, a.length, toCodes(b, 'b'), 0, b.length, max);
}

/** osaDistance of a[a0, a0 + m) and b[b0, b0 + n). */
function osaRange(a: Uint16Array, a0: number, m: number, b: Uint16Array, b0: number, n: number, max: number): number {
  const far = max + 1;
  if (Math.abs(m - n) > max) return far;
  if (m === 0 || n === 0) return Math.min(m + n, far);
  if (rowA.length <= n + 1) [rowA, rowB, rowC] = [new Int32Array(n + 2), new Int32Array(n + 2), new Int32Array(n + 2)];
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= n; j++) prev[j] = j <= max ? j : far;
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(n, i + max);
    const ca = a[a0 + i - 1]!;
    const caPrev = i > 1 ? a[a0 + i - 2]! : -1;
    cur[0] = i <= max ? i : far;
    if (lo > 1) cur[lo - 1] = far;
    let rowMin = far;
    for (let j = lo; j <= hi; j++) {
      const cb = b[b0 + j - 1]!;
      let v = prev[j - 1]! + (ca === cb ? 0 : 1);
      const up = prev[j]! + 1;
      if (up < v) v = up;
      const left = cur[j - 1]! + 1;
      if (left < v) v = left;
      if (j > 1 && ca === b[b0 + j - 2] && caPrev === cb) {
        const swap = prev2[j - 2]! + 1;
        if (swap < v) v = swap;
      }
      if (v > far) v = far;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < n) cur[hi + 1] = far;
    if (rowMin > max) return far;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[n]!, far);
}
