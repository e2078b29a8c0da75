// The shape nearly every cell has: `<c r=".." s=".." t=".."><v>…</v></c>`, or
// `<c …/>` / `<c …></c>`, unprefixed. Recognising it in one pass instead of
// three trips round the general tag loop is most of the reader's speed.
import { CellType, cellTypeAt, columnAt, uintAt } from './sheetValues.js';

/** Reused for every cell so the scan allocates nothing. */
export interface PlainCell {
  /** 0-based column from `r`, or -1 when absent. */
  col: number;
  style: number;
  type: CellType;
  /** Bounds of the <v> text; valueStart is -1 for a cell without a value. */
  valueStart: number;
  valueEnd: number;
}

export function newPlainCell(): PlainCell {
  return { col: -1, style: 0, type: CellType.number, valueStart: -1, valueEnd: -1 };
}

/**
 * Scans a plain cell starting at `lt` (the '<' of "<c"). Returns the position
 * after it, or -1 for any other shape or a cell cut off by the end of the
 * buffer; the caller then takes the general path. Every charCodeAt stays
 * inside the string: reading past the end makes V8 deoptimize the loop.
 */
export function scanPlainCell(buf: string, lt: number, out: PlainCell): number {
  const len = buf.length;
  if (lt + 8 >= len) return -1;
  let i = lt + 2;
  let c = buf.charCodeAt(i);
  if (c !== 32 && c !== 62 && c !== 47) return -1;
  out.col = -1;
  out.style = 0;
  out.type = CellType.number;
  out.valueStart = -1;
  for (;;) {
    while ((c === 32 || c === 9 || c === 10 || c === 13) && i + 1 < len) c = buf.charCodeAt(++i);
    if (c === 62 /* > */) break;
    if (c === 47 /* / */) return i + 1 < len && buf.charCodeAt(i + 1) === 62 ? i + 2 : -1;
    const nameStart = i;
    while (c > 32 && c !== 61 /* = */ && i + 1 < len) c = buf.charCodeAt(++i);
    if (c !== 61 || i + 2 >= len) return -1;
    const nameLen = i - nameStart;
    const quote = buf.charCodeAt(++i);
    if (quote !== 34 && quote !== 39) return -1;
    const vs = i + 1;
    while (++i < len && buf.charCodeAt(i) !== quote);
    if (i + 1 >= len) return -1;
    if (nameLen === 1) {
      const n = buf.charCodeAt(nameStart);
      if (n === 114 /* r */) out.col = columnAt(buf, vs, i);
      else if (n === 115 /* s */) out.style = uintAt(buf, vs, i);
      else if (n === 116 /* t */) out.type = cellTypeAt(buf, vs, i);
    }
    c = buf.charCodeAt(++i);
  }
  // i is at the '>' of the start tag; expect "</c>" or "<v>…</v></c>".
  if (i + 4 >= len || buf.charCodeAt(i + 1) !== 60) return -1;
  c = buf.charCodeAt(i + 2);
  if (c === 47) return buf.charCodeAt(i + 3) === 99 && buf.charCodeAt(i + 4) === 62 ? i + 5 : -1;
  if (c !== 118 || buf.charCodeAt(i + 3) !== 62) return -1;
  const vs = i + 4;
  const ve = buf.indexOf('<', vs);
  if (ve === -1 || ve + 7 >= len || !isValueCellEnd(buf, ve)) return -1;
  out.valueStart = vs;
  out.valueEnd = ve;
  return ve + 8;
}

/** `</v></c>` at i, compared by char code (startsWith would be a call per cell). */
function isValueCellEnd(buf: string, i: number): boolean {
  return (
    buf.charCodeAt(i + 1) === 47 &&
    buf.charCodeAt(i + 2) === 118 &&
    buf.charCodeAt(i + 3) === 62 &&
    buf.charCodeAt(i + 4) === 60 &&
    buf.charCodeAt(i + 5) === 47 &&
    buf.charCodeAt(i + 6) === 99 &&
    buf.charCodeAt(i + 7) === 62
  );
}
