// What every value parser does first: spot "no value" placeholders and Excel error values,
// and fold a text to a compact form cheaply (most cells are already clean ASCII).
import { problem, SLOW, type Normalized } from './result.js';
import { compactText } from './text.js';

/** Texts that mean "no value" in the sheets we read (Xihu writes `-`). Compared after trimming. */
const PLACEHOLDERS = new Set(['', '-', '--', '/', '\\', '—', '——', '–', '－', '／']);

/** Printable ASCII without spaces: nothing for NFKC or whitespace stripping to change. */
const CLEAN_ASCII = /^[\x21-\x7E]*$/;

export function isPlaceholder(compact: string): boolean {
  return compact.length <= 2 && PLACEHOLDERS.has(compact);
}

/** NFKC, zero-width characters and all whitespace removed; returns s itself when already clean. */
export function compactValue(s: string): string {
  return CLEAN_ASCII.test(s) ? s : compactText(s);
}

export function isCleanAscii(s: string): boolean {
  return CLEAN_ASCII.test(s);
}

/**
 * Only printable ASCII and CJK unified ideographs, no spaces (or empty): text cleanText returns
 * unchanged. A loop, not a RegExp: the quick parsers ask it of every text cell.
 */
export function isCleanText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e ? c < 0x4e00 || c > 0x9fff : c < 0x21) return false;
  }
  return true;
}

/** Only CJK unified ideographs, at least one: a name normalizeName returns unchanged. */
export function isCjkOnly(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x4e00 || c > 0x9fff) return false;
  }
  return true;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A plain decimal ("4.9", "-1.25", "+0.50", "05.0", "1") scanned without a RegExp, exactly as
 * Number() reads it; SLOW for anything else (spaces, full-width, units, exponents, "1.", ".5").
 * Exact because at most 15 digits make the mantissa and its power of ten exact doubles, and
 * IEEE division rounds their quotient correctly, as Number() rounds the decimal.
 */
export function quickDecimal(s: string): number | typeof SLOW {
  const n = s.length;
  let i = 0;
  const sign = n > 0 ? s.charCodeAt(0) : 0;
  if (sign === 0x2d || sign === 0x2b) i = 1;
  let mant = 0;
  const intStart = i;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    mant = mant * 10 + c;
  }
  const intDigits = i - intStart;
  if (intDigits === 0) return SLOW;
  let fracDigits = 0;
  if (i < n) {
    if (s.charCodeAt(i) !== 0x2e) return SLOW;
    for (i++; i < n; i++, fracDigits++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return SLOW;
      mant = mant * 10 + c;
    }
    if (fracDigits === 0) return SLOW;
  }
  if (intDigits + fracDigits > 15) return SLOW;
  const v = mant / POW10[fracDigits]!;
  return sign === 0x2d ? -v : v;
}

/** Any parser's answer to an error cell (#N/A, #REF!, …). */
export function excelErrorProblem<T>(errorValue: string): Normalized<T> {
  return problem(
    'INVALID_VALUE',
    `单元格是 Excel 错误值「${errorValue}」，不是数据：请修正产生它的公式，或直接填入数值`,
  );
}

/** The value as shown in a message: short, so one bad cell cannot flood a report. */
export function shown(s: string): string {
  const t = s.trim();
  return t.length > 24 ? `${t.slice(0, 24)}…` : t;
}
