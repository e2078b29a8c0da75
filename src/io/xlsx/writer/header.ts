// Lays out header rows from column paths: ["秋季","左眼视力"] puts 秋季 above 左眼视力;
// adjacent columns with the same group text (and the same groups above) share one merged cell;
// a column with a shorter path has its last text merged down to the bottom header row.

import type { MergeRange } from '../../table.js';

export interface HeaderLayout {
  /** Number of header rows. */
  depth: number;
  /** grid[row][col]: text of the top-left cell of each area; undefined inside a merge. */
  grid: (string | undefined)[][];
  /** 0-based rows and columns relative to the first header row. */
  merges: MergeRange[];
}

export function layoutHeader(headers: (string | string[])[]): HeaderLayout {
  const paths = headers.map((h) => {
    const p = Array.isArray(h) ? h : [h];
    return p.length > 0 ? p : [''];
  });
  const depth = Math.max(1, ...paths.map((p) => p.length));
  const grid: (string | undefined)[][] = Array.from({ length: depth }, () => new Array<string | undefined>(paths.length));
  const merges: MergeRange[] = [];

  paths.forEach((p, col) => {
    const leafRow = p.length - 1;
    for (let r = 0; r <= leafRow; r++) grid[r]![col] = p[r];
    if (leafRow < depth - 1) merges.push({ top: leafRow, left: col, bottom: depth - 1, right: col });
  });

  for (let r = 0; r < depth - 1; r++) {
    let start = 0;
    while (start < paths.length) {
      let end = start;
      while (end + 1 < paths.length && sameGroup(paths[start]!, paths[end + 1]!, r)) end++;
      if (end > start) {
        merges.push({ top: r, left: start, bottom: r, right: end });
        for (let c = start + 1; c <= end; c++) grid[r]![c] = undefined;
      }
      start = end + 1;
    }
  }
  return { depth, grid, merges };
}

/** Both columns have a non-empty group at level r, with equal texts on levels 0..r. */
function sameGroup(a: string[], b: string[], r: number): boolean {
  if (a.length <= r + 1 || b.length <= r + 1 || a[r] === '') return false;
  for (let i = 0; i <= r; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Display width in Excel character units: CJK and full-width characters count as 2. */
export function displayWidth(text: string): number {
  let longest = 0;
  for (const line of text.split('\n')) {
    let w = 0;
    for (const ch of line) w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
    longest = Math.max(longest, w);
  }
  return longest;
}

const MIN_WIDTH = 8;
const MAX_WIDTH = 40;

/** Column width from the header text when the caller gives none; wrapping handles the rest. */
export function defaultWidth(header: string | string[]): number {
  const leaf = Array.isArray(header) ? (header[header.length - 1] ?? '') : header;
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, displayWidth(leaf) + 2));
}
