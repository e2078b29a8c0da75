// Dates in every form the sheets use (DOMAIN.md "Values"), to canonical YYYY-MM-DD.
import type { Cell } from '../io/table.js';
import { type DateRange, examDateRange } from '../vision/rules.js';
import { daysFromCivil, isoDate, isoFromDays, isValidYmd } from './calendar.js';
import { excelErrorProblem, isCleanAscii, isPlaceholder, shown } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';
import { cleanText } from './text.js';
import { digitsAt } from './digits.js';

/** Excel 1900 system: serial 1 is 1900-01-01; serial 60 is the non-existent 1900-02-29 (Lotus bug). */
const EXCEL_LEAP_BUG_SERIAL = 60;
const EXCEL_MAX_SERIAL = 2958465; // 9999-12-31
const DAYS_1900_01_01 = daysFromCivil(1900, 1, 1);
/** A bare number is read as a serial only in 1950-01-01 … 2099-12-31, so a stray 4.8 is not a date. */
const PLAIN_SERIAL_MIN = 18264;
const PLAIN_SERIAL_MAX = 73050;

const TIME = String.raw`(?:[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;
/** 2025/9/1, 2025-09-01, 2025.9.1 — one separator throughout. */
const YMD_SEPARATED = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${TIME}$`);
const YMD_CJK = new RegExp(String.raw`^(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?[日号]?${TIME}$`);
const YMD_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const SERIAL_TEXT = /^\d{5}(?:\.\d+)?$/;

const FORMS = '请写成 2025/9/1、2025-09-01、2025.9.1、2025年9月1日 或 20250901，或使用 Excel 日期格式';

/** Parse a date cell; with `range`, dates outside [min, max] are problems too. */
export function parseDate(cell: Cell | undefined, range?: DateRange): Normalized<string> {
  if (cell === undefined) return EMPTY;
  let r: Normalized<string>;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
      return problem('INVALID_DATE', `单元格是逻辑值，不是日期：${FORMS}`);
    case 'd':
      r = fromSerial(cell.v, String(cell.v));
      break;
    case 'n':
      r = fromNumber(cell.v);
      break;
    case 's':
      r = fromText(cell.v);
      break;
  }
  if (range === undefined || !r.ok || r.value === null) return r;
  return r.value >= range.min && r.value <= range.max ? r : outOfRange(r.value, range);
}

/** parseDate's value for the common cells, without a result object; SLOW for other forms and for problems. */
export function quickDate(cell: Cell, range?: DateRange): Quick<string> {
  let iso: string | typeof SLOW;
  if (cell.t === 's') iso = scanYmd(cell.v);
  else if (cell.t === 'd') iso = excelSerialToIso(cell.v) ?? SLOW;
  else return SLOW;
  if (iso === SLOW || range === undefined) return iso;
  return iso >= range.min && iso <= range.max ? iso : SLOW;
}

/** A --exam-date value: the same forms, within the plausible exam-date window. */
export function parseDateOption(text: string): Normalized<string> {
  const r = parseDate({ t: 's', v: text }, examDateRange());
  if (r.ok && r.value === null) return problem('INVALID_DATE', `没有给出体检日期：${FORMS}`);
  return r;
}

/** Canonical YYYY-MM-DD -> YYYY/MM/DD, the form the templates write. */
export function formatDate(v: string | null): string {
  return v === null ? '' : `${v.slice(0, 4)}/${v.slice(5, 7)}/${v.slice(8, 10)}`;
}

/** An Excel serial (time fraction ignored) as YYYY-MM-DD, or null for 0, 60, negatives and beyond 9999. */
export function excelSerialToIso(serial: number): string | null {
  const day = Math.floor(serial);
  if (!(day >= 1 && day <= EXCEL_MAX_SERIAL) || day === EXCEL_LEAP_BUG_SERIAL) return null;
  return isoFromDays(DAYS_1900_01_01 + day - (day > EXCEL_LEAP_BUG_SERIAL ? 2 : 1));
}

function fromSerial(serial: number, text: string): Normalized<string> {
  const iso = excelSerialToIso(serial);
  return iso === null ? problem('INVALID_DATE', `「${shown(text)}」不是有效的 Excel 日期：${FORMS}`) : ok(iso);
}

function fromNumber(v: number): Normalized<string> {
  if (v >= 10000101 && v <= 99991231 && Number.isInteger(v)) return fromParts(Math.floor(v / 10000), Math.floor(v / 100) % 100, v % 100, String(v));
  if (v >= PLAIN_SERIAL_MIN && v < PLAIN_SERIAL_MAX + 1) return fromSerial(v, String(v));
  return problem('INVALID_DATE', `数字「${shown(String(v))}」不是日期：${FORMS}`);
}

function fromText(raw: string): Normalized<string> {
  // The common forms go through quickDate first (mapRow); this reads every form, scanYmd's included.
  const t = isCleanAscii(raw) ? raw : cleanText(raw);
  if (isPlaceholder(t)) return EMPTY;
  const m = YMD_SEPARATED.exec(t);
  if (m !== null) return fromParts(Number(m[1]), Number(m[3]), Number(m[4]), raw);
  const c = YMD_COMPACT.exec(t) ?? YMD_CJK.exec(t);
  if (c !== null) return fromParts(Number(c[1]), Number(c[2]), Number(c[3]), raw);
  // CSV copies of date cells sometimes hold the bare serial.
  if (SERIAL_TEXT.test(t)) {
    const v = Number(t);
    if (v >= PLAIN_SERIAL_MIN && v < PLAIN_SERIAL_MAX + 1) return fromSerial(v, raw);
  }
  return problem('INVALID_DATE', `「${shown(raw)}」无法识别为日期：${FORMS}`);
}

/**
 * The common forms without a time or spaces (2025/9/1, 2025-09-01, 2025.9.1, 20250901, 2025年9月1日),
 * scanned without a RegExp, as YYYY-MM-DD; SLOW for anything else and for days that do not exist
 * (the RegExps then read them and say what is wrong). A canonical value is returned as the same string.
 */
function scanYmd(s: string): string | typeof SLOW {
  const n = s.length;
  if (n < 8 || n > 11) return SLOW;
  const y = digitsAt(s, 0, 4);
  if (y < 0) return SLOW;
  const sep = s.charCodeAt(4);
  if (sep >= 0x30 && sep <= 0x39) {
    if (n !== 8) return SLOW;
    const m = digitsAt(s, 4, 6);
    const d = digitsAt(s, 6, 8);
    return isValidYmd(y, m, d) ? isoDate(y, m, d) : SLOW;
  }
  const cjk = sep === 0x5e74; // 年
  if (!cjk && sep !== 0x2d && sep !== 0x2f && sep !== 0x2e) return SLOW;
  const monthEnd = s.charCodeAt(6) === (cjk ? 0x6708 : sep) ? 6 : 7; // 月 after the month with 年
  if (s.charCodeAt(monthEnd) !== (cjk ? 0x6708 : sep)) return SLOW;
  const m = digitsAt(s, 5, monthEnd);
  let dayEnd = n;
  if (cjk) {
    const last = s.charCodeAt(n - 1);
    if (last === 0x65e5 || last === 0x53f7) dayEnd--; // 日 or 号
  }
  if (dayEnd - monthEnd - 1 < 1 || dayEnd - monthEnd - 1 > 2) return SLOW;
  const d = digitsAt(s, monthEnd + 1, dayEnd);
  if (!isValidYmd(y, m, d)) return SLOW;
  return n === 10 && sep === 0x2d ? s : isoDate(y, m, d);
}

function fromParts(y: number, m: number, d: number, raw: string): Normalized<string> {
  if (isValidYmd(y, m, d)) return ok(isoDate(y, m, d));
  return problem('INVALID_DATE', `日期「${shown(raw)}」不存在（月份应为 1–12，日不超过当月天数）：请核对后改正`);
}

function outOfRange(iso: string, range: DateRange): Normalized<string> {
  return problem(
    'INVALID_DATE',
    `日期 ${formatDate(iso)} 不在合理范围（${formatDate(range.min)}–${formatDate(range.max)}）内：请检查年份等是否写错`,
  );
}
