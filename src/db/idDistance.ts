// How two 学籍号 differ, for candidate suggestions: at most two edits are worth showing.

export type EditKind = 'same' | 'substitution' | 'insertDelete' | 'transposition' | 'two';

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transposition),
 * classified; null when more than two edits apart.
 */
export function editKind(a: string, b: string): EditKind | null {
  if (a === b) return 'same';
  if (Math.abs(a.length - b.length) > 2) return null;
  // Equal lengths (nearly every pair): two edits change at most 4 positions, and
  // most roster ids are rejected after a few characters without the DP.
  if (a.length === b.length && mismatches(a, b, 4) > 4) return null;
  const d = osaDistance(a, b, 2);
  if (d === 1) {
    if (a.length !== b.length) return 'insertDelete';
    return isAdjacentSwap(a, b) ? 'transposition' : 'substitution';
  }
  return d === 2 ? 'two' : null;
}

/** Positions where a and b (same length) differ, counting stops above max. */
function mismatches(a: string, b: string, max: number): number {
  let n = 0;
  for (let i = 0; i < a.length && n <= max; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) n++;
  return n;
}

function isAdjacentSwap(a: string, b: string): boolean {
  let i = 0;
  while (a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

// Three DP rows reused across calls: candidates() compares hundreds of ids per query.
let rowA = new Int32Array(32);
let rowB = new Int32Array(32);
let rowC = new Int32Array(32);

/**
 * OSA distance, or max + 1 when it exceeds max. Only the band |i - j| <= max of the
 * DP table can hold a value <= max, so only that band is computed.
 */
export function osaDistance(a: string, b: string, max: number): number {
  const m = a.length;
  const n = b.length;
  const far = max + 1;
  if (Math.abs(m - n) > max) return far;
  if (rowA.length <= n + 1) [rowA, rowB, rowC] = [new Int32Array(n + 2), new Int32Array(n + 2), new Int32Array(n + 2)];
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= n; j++) prev[j] = j <= max ? j : far;
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(n, i + max);
    const ca = a.charCodeAt(i - 1);
    cur[0] = i <= max ? i : far;
    if (lo > 1) cur[lo - 1] = far;
    let rowMin = far;
    for (let j = lo; j <= hi; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = prev[j - 1]! + (ca === cb ? 0 : 1);
      const up = prev[j]! + 1;
      if (up < v) v = up;
      const left = cur[j - 1]! + 1;
      if (left < v) v = left;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
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
