// Long digit IDs that Excel has already corrupted (DOMAIN.md "Identifiers", LIBRARIES.md "Names"):
// a General cell keeps 15 significant digits, so the rest reads back as zeros or an exponent.
import { hasValidCheckDigit } from './idCheckDigit.js';

/** Excel keeps this many significant digits of a number. */
export const EXCEL_SIGNIFICANT_DIGITS = 15;
/** Numbers from here on have more digits than Excel keeps. */
export const EXCEL_EXACT_LIMIT = 1e15;

/** Exponent text as Excel shows a long number ("1.10101E+17"), on compact upper-case text, optional G/J/L. */
const EXPONENT_TEXT = /^[GJL]?(\d+)(?:\.(\d+))?E\+?(\d+)$/;
// A G/J/L prefix followed by Excel-rounded digits happens when 学籍号 are built as ="G"&身份证号 from a
// damaged column; the length is then intact. A prefixed value of the wrong length was mistyped, not rounded.
const LONG_DIGITS = /^(?:[GJL]\d{18}|\d{16,})$/;
/** Strips the ="…" and leading-apostrophe tricks CSV exporters use to keep IDs as text. */
const TEXT_WRAPPER = /^(?:="(.*)"|'(.*))$/;

/** Compact upper-case ID text with CSV "keep as text" wrappers removed. */
export function unwrapIdText(compact: string): string {
  const first = compact.charCodeAt(0);
  if (first !== 0x3d && first !== 0x27) return compact.toUpperCase();
  const m = TEXT_WRAPPER.exec(compact);
  return (m === null ? compact : (m[1] ?? m[2] ?? '')).toUpperCase();
}

export function isExponentText(id: string): boolean {
  return EXPONENT_TEXT.test(id);
}

/** The digits of a bare run of 16+ digits, or of G/J/L + 18 digits; otherwise null. */
export function longDigits(id: string): string | null {
  if (!LONG_DIGITS.test(id)) return null;
  const c = id.charCodeAt(0);
  return c >= 0x30 && c <= 0x39 ? id : id.slice(1);
}

/** True when every digit past the 15th significant one is 0: what Excel's rounding leaves. */
export function hasZeroedTail(digits: string): boolean {
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 0x30) start++;
  const tail = start + EXCEL_SIGNIFICANT_DIGITS;
  if (digits.length <= tail) return false;
  for (let i = tail; i < digits.length; i++) if (digits.charCodeAt(i) !== 0x30) return false;
  return true;
}

/** A damaged-looking digit run: zeroed tail, and not an 18-digit ID whose check digit proves it intact. */
export function looksDamaged(digits: string): boolean {
  return hasZeroedTail(digits) && !(digits.length === 18 && hasValidCheckDigit(digits));
}

/** Leading significant digits (up to 15) that survived in a number Excel rounded; the last may be rounded. */
export function survivingDigitsOfNumber(v: number): string {
  const [mantissa = ''] = Math.abs(v).toPrecision(EXCEL_SIGNIFICANT_DIGITS).split('e');
  return mantissa.replace('.', '');
}

/** Mantissa digits of exponent text ("1.10101E+17" -> "110101"), up to 15. */
export function survivingDigitsOfExponent(id: string): string | null {
  const m = EXPONENT_TEXT.exec(id);
  if (m === null) return null;
  return (m[1]! + (m[2] ?? '')).replace(/^0+/, '').slice(0, EXCEL_SIGNIFICANT_DIGITS);
}

/** First 15 significant digits of a zero-tailed digit run. */
export function survivingDigitsOfText(digits: string): string {
  return digits.replace(/^0+/, '').slice(0, EXCEL_SIGNIFICANT_DIGITS);
}

/** The ID-damage message: what happened, that it cannot be recovered here, and how to get it back. */
export function damagedMessage(what: string): string {
  return (
    `${what}已被 Excel 当成数字保存，第 15 位以后的数字已丢失，无法从本文件恢复：` +
    `请在 Excel 中把这一列设为「文本」格式，再从原始来源（如学籍系统导出的文件）重新导出或粘贴${what}`
  );
}
