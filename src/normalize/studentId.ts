// 全国学籍号 (DOMAIN.md "Identifiers"): G + resident ID, J + ID-like 18 characters, or
// L + region + birth date + 4 digits. Kept as text; Excel damage is reported, never matched on.
import type { Cell } from '../io/table.js';
import { isValidYmd } from './calendar.js';
import { compactValue, excelErrorProblem, isPlaceholder } from './cellInput.js';
import { checkDigitMatchesAt, hasValidCheckDigit } from './idCheckDigit.js';
import {
  EXCEL_EXACT_LIMIT,
  damagedMessage,
  hasZeroedTail,
  isExponentText,
  longDigits,
  looksDamaged,
  survivingDigitsOfExponent,
  survivingDigitsOfNumber,
  survivingDigitsOfText,
  unwrapIdText,
} from './idDamage.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';

export type StudentIdKind = 'G' | 'J' | 'L';

const G_OR_J = /^[GJ]\d{17}[\dX]$/;
const L_FORM = /^L\d{18}$/;
const ID18 = /^\d{17}[\dX]$/;

const SHAPE =
  '学籍号应为 19 位：G 或 J 加 18 位身份证号样式的号码（17 位数字 + 数字或 X），' +
  '或 L 加 6 位地区码、8 位出生日期（年月日）和 4 位数字';

export function normalizeStudentId(cell: Cell | undefined): Normalized<string> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
      return problem('ID_INVALID', `单元格是逻辑值，不是学籍号：${SHAPE}`);
    case 'n':
    case 'd':
      return Math.abs(cell.v) >= EXCEL_EXACT_LIMIT
        ? problem('ID_DAMAGED', damagedMessage('学籍号'))
        : problem('ID_INVALID', `学籍号被保存成了数字，缺少开头的字母：${SHAPE}`);
    case 's':
      return fromText(cell.v);
  }
}

/**
 * normalizeStudentId's value for the usual cell, G + 18 ID characters with a right check digit
 * (or J + 18), already upper-case and without spaces; SLOW for anything else.
 */
export function quickStudentId(cell: Cell): Quick<string> {
  if (cell.t !== 's') return SLOW;
  const s = cell.v;
  if (s.length !== 19) return SLOW;
  const kind = s.charCodeAt(0);
  if (kind !== 0x47 /* G */ && kind !== 0x4a /* J */) return SLOW;
  for (let i = 1; i < 18; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return SLOW;
  }
  const last = s.charCodeAt(18);
  if ((last < 0x30 || last > 0x39) && last !== 0x58 /* X */) return SLOW;
  return kind === 0x4a || checkDigitMatchesAt(s, 1) ? s : SLOW;
}

function fromText(raw: string): Normalized<string> {
  const compact = compactValue(raw);
  if (isPlaceholder(compact)) return EMPTY;
  const id = unwrapIdText(compact);
  if (id.length === 19 && G_OR_J.test(id)) {
    if (id.charCodeAt(0) === 0x4a /* J: checksum unconfirmed */ || hasValidCheckDigit(id.slice(1))) return ok(id);
    if (hasZeroedTail(id.slice(1))) return problem('ID_DAMAGED', damagedMessage('学籍号'));
    return problem('ID_INVALID', 'G 后面的 18 位身份证号校验位不对，可能有数字录错：请与学籍系统或学生证件核对');
  }
  if (id.length === 19 && L_FORM.test(id)) {
    if (isValidYmd(Number(id.slice(7, 11)), Number(id.slice(11, 13)), Number(id.slice(13, 15)))) return ok(id);
    return problem('ID_INVALID', `L 开头的临时学籍号第 8–15 位应为真实的出生日期（年月日）：${SHAPE}`);
  }
  if (isExponentText(id)) return problem('ID_DAMAGED', damagedMessage('学籍号'));
  const digits = longDigits(id);
  if (digits !== null && looksDamaged(digits)) return problem('ID_DAMAGED', damagedMessage('学籍号'));
  if (id.length === 18 && ID18.test(id) && hasValidCheckDigit(id)) {
    return problem('ID_INVALID', '这是身份证号，缺少学籍号开头的字母 G：请从学籍系统复制完整的学籍号（不要自行补 G，二者可能不同）');
  }
  return problem('ID_INVALID', `学籍号格式不对。${SHAPE}`);
}

/** The surviving leading digits (up to 15, the last possibly rounded) of a damaged ID, or null if not damaged. */
export function damagedIdDigits(cell: Cell | undefined): string | null {
  if (cell === undefined) return null;
  if (cell.t === 'n' || cell.t === 'd') {
    return Math.abs(cell.v) >= EXCEL_EXACT_LIMIT ? survivingDigitsOfNumber(cell.v) : null;
  }
  if (cell.t !== 's') return null;
  const r = fromText(cell.v);
  if (r.ok || r.code !== 'ID_DAMAGED') return null;
  const id = unwrapIdText(compactValue(cell.v));
  return survivingDigitsOfExponent(id) ?? survivingDigitsOfText(longDigits(id) ?? '');
}

/** Kind of a normalised 学籍号. */
export function studentIdKind(id: string): StudentIdKind {
  const c = id[0];
  if (c === 'G' || c === 'J' || c === 'L') return c;
  throw new TypeError(`not a normalised 学籍号: ${id}`);
}
