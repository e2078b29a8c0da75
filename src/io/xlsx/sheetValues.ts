// Small, allocation-free helpers for the worksheet tokenizer: cell types,
// numbers and A1 columns read straight from the XML bytes. Every one reads only
// inside [start, end): reading past a typed array's end makes V8 deoptimize.

/** The `t` attribute of <c>, as small integers so the hot loop compares numbers. */
export const CellType = {
  number: 0,
  shared: 1,
  inline: 2,
  /** Formula result that is a string. */
  str: 3,
  bool: 4,
  error: 5,
  /** ISO 8601 date text (t="d", written by a few generators and by strict OOXML). */
  isoDate: 6,
} as const;
export type CellType = (typeof CellType)[keyof typeof CellType];

export function cellTypeAt(buf: Uint8Array, start: number, end: number): CellType {
  const len = end - start;
  if (len <= 0) return CellType.number;
  const c = buf[start]!;
  if (len === 1) {
    if (c === 115) return CellType.shared; // s
    if (c === 98) return CellType.bool; // b
    if (c === 101) return CellType.error; // e
    if (c === 100) return CellType.isoDate; // d
    return CellType.number;
  }
  if (len === 3 && c === 115) return CellType.str;
  if (len === 9 && c === 105) return CellType.inline;
  return CellType.number;
}

/** 0-based column from an A1 reference ("AB12" → 27), or -1 when there are no letters. */
export function columnAt(buf: Uint8Array, start: number, end: number): number {
  let col = 0;
  let i = start;
  for (; i < end; i++) {
    let c = buf[i]!;
    if (c >= 97 && c <= 122) c -= 32;
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return i === start ? -1 : col - 1;
}

/** Non-negative integer in [start, end), or -1 when it is not one. */
export function uintAt(buf: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** 10^0 … 10^22: every one is exact as a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A number cell's value; NaN when the text is not a number. Plain decimals of up
 * to 15 digits are computed as m / 10^k, which is exact-then-rounded-once and so
 * equals Number(text); anything else goes through Number() and its substring.
 */
export function numberAt(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  const neg = i < end && buf[i] === 45;
  if (neg) i++;
  let m = 0;
  let digits = 0;
  let scale = -1;
  for (; i < end; i++) {
    const c = buf[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
      if (scale >= 0) scale++;
    } else if (c === 46 /* . */ && scale < 0) scale = 0;
    else break;
  }
  if (i === end && digits > 0 && digits <= 15) {
    const v = scale > 0 ? m / POW10[scale]! : m;
    return neg ? -v : v;
  }
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8').trim();
  if (text === '') return NaN;
  const v = Number(text);
  return Number.isFinite(v) ? v : NaN;
}

const MS_PER_DAY = 86_400_000;
/** 1899-12-30, day 0 of the 1900 date system once Excel's 1900-02-29 bug is accounted for. */
const EPOCH_1900_MS = Date.UTC(1899, 11, 30);

/** "2024-09-01" or "2024-09-01T08:30:00" → 1900-system serial; NaN when unreadable. */
export function isoDateToSerial(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?/.exec(text.trim());
  if (!m) {
    // Time-only values ("08:30:00") are fractions of a day.
    const t = /^(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(text.trim());
    return t ? (Number(t[1]) * 3600 + Number(t[2]) * 60 + Number(t[3] ?? 0)) / 86400 : NaN;
  }
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)) + Number(m[6] ?? 0) * 1000;
  const serial = (ms - EPOCH_1900_MS) / MS_PER_DAY;
  // Serials before 1900-03-01 are one lower in Excel because of its phantom 1900-02-29.
  return serial < 61 ? serial - 1 : serial;
}
