// 居民身份证号 (GB 11643): 18 characters with a valid check digit, or the legacy 15 digits.
// Kept as text; Excel damage is reported the same way as for 学籍号.
import type { Cell } from '../io/table.js';
import { isValidYmd } from './calendar.js';
import { compactValue, excelErrorProblem, isPlaceholder } from './cellInput.js';
import { checkDigitMatchesAt, hasValidCheckDigit } from './idCheckDigit.js';
import { EXCEL_EXACT_LIMIT, damagedMessage, isExponentText, longDigits, looksDamaged, unwrapIdText } from './idDamage.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';

const ID18 = /^\d{17}[\dX]$/;
const ID15 = /^\d{15}$/;
const STUDENT_ID = /^[GJL][\dX]{18}$/;

const SHAPE = '身份证号应为 18 位（17 位数字 + 数字或 X），或旧式 15 位数字';

export function normalizeIdCard(cell: Cell | undefined): Normalized<string> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
      return problem('ID_INVALID', `单元格是逻辑值，不是身份证号：${SHAPE}`);
    case 'n':
    case 'd':
      if (Math.abs(cell.v) >= EXCEL_EXACT_LIMIT) return problem('ID_DAMAGED', damagedMessage('身份证号'));
      // A 15-digit number is still exact: only a legacy ID can be one.
      return Number.isInteger(cell.v) && cell.v >= 1e14 ? fromText(String(cell.v)) : problem('ID_INVALID', `身份证号格式不对。${SHAPE}`);
    case 's':
      return fromText(cell.v);
  }
}

/**
 * normalizeIdCard's value for the usual cell, 17 digits + digit or X with a right check digit,
 * already upper-case and without spaces (such a text is its own compact, unwrapped form); SLOW
 * for anything else. A roster has one in every row, so no RegExp, slice or result object here.
 */
export function quickIdCard(cell: Cell): Quick<string> {
  if (cell.t !== 's') return SLOW;
  const s = cell.v;
  if (s.length !== 18) return SLOW;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return SLOW;
  }
  const last = s.charCodeAt(17);
  if ((last < 0x30 || last > 0x39) && last !== 0x58 /* X */) return SLOW;
  return checkDigitMatchesAt(s, 0) ? s : SLOW;
}

function fromText(raw: string): Normalized<string> {
  const compact = compactValue(raw);
  if (isPlaceholder(compact)) return EMPTY;
  const id = unwrapIdText(compact);
  if (id.length === 18 && ID18.test(id) && hasValidCheckDigit(id)) return ok(id);
  if (id.length === 15 && ID15.test(id)) {
    // Legacy IDs hold the birth date as YYMMDD of the 1900s.
    if (isValidYmd(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12)))) return ok(id);
    return problem('ID_INVALID', `15 位身份证号第 7–12 位应为出生日期（年月日），这里不是有效日期。${SHAPE}`);
  }
  if (isExponentText(id)) return problem('ID_DAMAGED', damagedMessage('身份证号'));
  const digits = longDigits(id);
  if (digits !== null && digits.length === id.length && looksDamaged(digits)) {
    return problem('ID_DAMAGED', damagedMessage('身份证号'));
  }
  if (id.length === 18 && ID18.test(id)) {
    return problem('ID_INVALID', '身份证号最后一位校验位不对，可能有数字录错：请与学生证件核对');
  }
  if (id.length === 19 && STUDENT_ID.test(id)) {
    return problem('ID_INVALID', `这是全国学籍号，不是身份证号：请把它放到学籍号列。${SHAPE}`);
  }
  return problem('ID_INVALID', `身份证号格式不对。${SHAPE}`);
}

/** Sex coded in a resident ID (17th digit odd = male): '1' | '2', or null for a malformed ID. */
export function sexFromIdCard(id: string): '1' | '2' | null {
  const c = id.length === 18 ? id.charCodeAt(16) : id.length === 15 ? id.charCodeAt(14) : -1;
  if (c < 0x30 || c > 0x39) return null;
  return (c - 0x30) % 2 === 1 ? '1' : '2';
}
