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
 * buffer; the caller then takes the general path. Every read stays
 * inside the buffer: reading past the end makes V8 deoptimize the loop.
 */
export function scanPlainCell(buf: Uint8Array, lt: number, out: PlainCell): number {
  const len = buf.length;
  if (lt + 8 >= len) return -1;
  let i = lt + 2;
  let c = buf[i]!;
  if (c !== 32 && c !== 62 && c !== 47) return -1;
  out.col = -1;
  out.style = 0;
  out.type = CellType.number;
  out.valueStart = -1;
  if (c === 32 && buf[i + 1] === 114 /* r */ && buf[i + 2] === 61 && buf[i + 3] === 34) {
    // What Excel and exceljs write: ` r="B7"`, then ` s="3"` and ` t="s"`, double-quoted, in that order.
    const end = scanUsualAttrs(buf, i + 4, out);
    if (end > 0) {
      i = end;
      c = buf[i]!;
    } else {
      out.col = -1;
      out.style = 0;
      out.type = CellType.number;
    }
  }
  for (;;) {
    while ((c === 32 || c === 9 || c === 10 || c === 13) && i + 1 < len) c = buf[++i]!;
    if (c === 62 /* > */) break;
    if (c === 47 /* / */) return i + 1 < len && buf[i + 1]! === 62 ? i + 2 : -1;
    const nameStart = i;
    while (c > 32 && c !== 61 /* = */ && i + 1 < len) c = buf[++i]!;
    if (c !== 61 || i + 2 >= len) return -1;
    const nameLen = i - nameStart;
    const quote = buf[++i]!;
    if (quote !== 34 && quote !== 39) return -1;
    const vs = i + 1;
    while (++i < len && buf[i]! !== quote);
    if (i + 1 >= len) return -1;
    if (nameLen === 1) {
      const n = buf[nameStart]!;
      if (n === 114 /* r */) out.col = columnAt(buf, vs, i);
      else if (n === 115 /* s */) out.style = uintAt(buf, vs, i);
      else if (n === 116 /* t */) out.type = cellTypeAt(buf, vs, i);
    }
    c = buf[++i]!;
  }
  // i is at the '>' of the start tag; expect "</c>" or "<v>…</v></c>".
  if (i + 4 >= len || buf[i + 1]! !== 60) return -1;
  c = buf[i + 2]!;
  if (c === 47) return buf[i + 3]! === 99 && buf[i + 4]! === 62 ? i + 5 : -1;
  if (c !== 118 || buf[i + 3]! !== 62) return -1;
  const vs = i + 4;
  // Values are a few bytes long: a loop beats a native indexOf call.
  let ve = vs;
  while (ve < len && buf[ve]! !== 60) ve++;
  if (ve + 7 >= len || !isValueCellEnd(buf, ve)) return -1;
  out.valueStart = vs;
  out.valueEnd = ve;
  return ve + 8;
}

/**
 * Reads `B7"` then any ` s="3"` and ` t="s"`, starting at the column letters;
 * returns the position after the last closing quote, or -1 when anything looks different.
 */
function scanUsualAttrs(buf: Uint8Array, from: number, out: PlainCell): number {
  const len = buf.length;
  let i = from;
  let col = 0;
  let c = 0;
  for (; i < len; i++) {
    c = buf[i]!;
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  if (i === from) return -1;
  while (c >= 48 && c <= 57 && i + 1 < len) c = buf[++i]!;
  if (c !== 34) return -1;
  out.col = col - 1;
  i++;
  if (i + 4 < len && buf[i] === 32 && buf[i + 1] === 115 /* s */ && buf[i + 2] === 61 && buf[i + 3] === 34) {
    let style = 0;
    for (i += 4; i < len; i++) {
      c = buf[i]!;
      if (c < 48 || c > 57) break;
      style = style * 10 + (c - 48);
    }
    if (c !== 34 || i === len) return -1;
    out.style = style;
    i++;
  }
  if (i + 4 < len && buf[i] === 32 && buf[i + 1] === 116 /* t */ && buf[i + 2] === 61 && buf[i + 3] === 34) {
    const vs = i + 4;
    for (i = vs; i < len && buf[i] !== 34; i++);
    if (i === len) return -1;
    out.type = cellTypeAt(buf, vs, i);
    i++;
  }
  return i < len ? i : -1;
}

/** `</v></c>` at i. */
function isValueCellEnd(buf: Uint8Array, i: number): boolean {
  return (
    buf[i + 1]! === 47 &&
    buf[i + 2]! === 118 &&
    buf[i + 3]! === 62 &&
    buf[i + 4]! === 60 &&
    buf[i + 5]! === 47 &&
    buf[i + 6]! === 99 &&
    buf[i + 7]! === 62
  );
}
