// THE table: one parser and one formatter per value type a template column can declare.
// Readers and writers go through parseValue/formatValue; nothing else branches on a value type.
import type { Cell } from '../io/table.js';
import type { ValueType } from '../templates/spec.js';
import { type DateRange, birthDateRange, examDateRange } from '../vision/rules.js';
import { formatAcuity, parseAcuity, quickAcuity } from './acuity.js';
import { formatAxis, parseAxis, quickAxis } from './axis.js';
import { localToday } from './calendar.js';
import { formatCode, padWidth, parseCode, quickCode } from './code.js';
import { formatDate, parseDate, quickDate } from './date.js';
import { formatDioptre, parseCylinder, parseSphere, quickCylinder, quickSphere } from './dioptre.js';
import { normalizeIdCard, quickIdCard } from './idCard.js';
import { parseName, quickName } from './name.js';
import { formatNumber, parseNumber, quickNumber } from './number.js';
import { formatPlainText, parsePlainText, quickPlainText } from './plainText.js';
import { SLOW, type Normalized, type Quick } from './result.js';
import { formatSex, parseSex, quickSex, type SexCode } from './sex.js';
import { normalizeStudentId, quickStudentId } from './studentId.js';
import { formatYesNo, parseYesNo, quickYesNo } from './yesNo.js';

/** What a parser or formatter needs to know about its column (a ColumnSpec satisfies it). */
export interface ValueColumn {
  /** Canonical field: picks the cylinder range (…Cylinder) and date windows (birthDate, examDate). */
  field: string;
  /** Output form: sex "code" | "text"; yesNo "text" | "code"; code "padN"; date "iso" for YYYY-MM-DD. */
  format?: string | undefined;
}

export interface ValueTypeHandler {
  parse(cell: Cell | undefined, column: ValueColumn): Normalized<unknown>;
  /**
   * parse's value for the cells most sheets hold, without building a result object: exactly the
   * value parse gives, or SLOW when the cell needs parse (an uncommon form, or a problem).
   */
  quick(cell: Cell, column: ValueColumn): Quick<unknown>;
  /** null/undefined write as ""; a value of the wrong kind is a programming error and throws. */
  format(value: unknown, column: ValueColumn): string;
}

export const VALUE_TYPE_HANDLERS: Record<ValueType, ValueTypeHandler> = {
  text: { parse: (cell) => parsePlainText(cell), quick: (cell) => quickPlainText(cell), format: (v) => formatPlainText(asString(v)) },
  code: {
    parse: (cell, col) => parseCode(cell, padWidth(col.format)),
    quick: (cell, col) => quickCode(cell, padWidth(col.format)),
    format: (v, col) => formatCode(asString(v), padWidth(col.format)),
  },
  studentId: {
    parse: (cell) => normalizeStudentId(cell),
    quick: (cell) => quickStudentId(cell),
    format: (v) => formatPlainText(asString(v)),
  },
  idCard: { parse: (cell) => normalizeIdCard(cell), quick: (cell) => quickIdCard(cell), format: (v) => formatPlainText(asString(v)) },
  name: { parse: (cell) => parseName(cell), quick: (cell) => quickName(cell), format: (v) => formatPlainText(asString(v)) },
  sex: {
    parse: (cell) => parseSex(cell),
    quick: (cell) => quickSex(cell),
    format: (v, col) => formatSex(asSex(v), col.format === 'text' ? 'text' : 'code'),
  },
  date: {
    parse: (cell, col) => parseDate(cell, dateRangeFor(col.field)),
    quick: (cell, col) => quickDate(cell, dateRangeFor(col.field)),
    format: (v, col) => (col.format === 'iso' ? formatPlainText(asString(v)) : formatDate(asString(v))),
  },
  acuity: { parse: (cell) => parseAcuity(cell), quick: (cell) => quickAcuity(cell), format: (v) => formatAcuity(asNumber(v)) },
  dioptre: {
    parse: (cell, col) => (col.field.endsWith('Cylinder') ? parseCylinder(cell) : parseSphere(cell)),
    quick: (cell, col) => (col.field.endsWith('Cylinder') ? quickCylinder(cell) : quickSphere(cell)),
    format: (v) => formatDioptre(asNumber(v)),
  },
  axis: { parse: (cell) => parseAxis(cell), quick: (cell) => quickAxis(cell), format: (v) => formatAxis(asNumber(v)) },
  yesNo: {
    parse: (cell) => parseYesNo(cell),
    quick: (cell) => quickYesNo(cell),
    format: (v, col) => formatYesNo(asBoolean(v), col.format === 'code' ? 'code' : 'text'),
  },
  number: { parse: (cell) => parseNumber(cell), quick: (cell) => quickNumber(cell), format: (v) => formatNumber(asNumber(v)) },
};

export function parseValue(type: ValueType, cell: Cell | undefined, column: ValueColumn): Normalized<unknown> {
  return VALUE_TYPE_HANDLERS[type].parse(cell, column);
}

/** parseValue's value without a result object, or SLOW: then call parseValue (see ValueTypeHandler.quick). */
export function quickValue(type: ValueType, cell: Cell | undefined, column: ValueColumn): Quick<unknown> {
  return cell === undefined ? null : VALUE_TYPE_HANDLERS[type].quick(cell, column);
}

export function formatValue(type: ValueType, value: unknown, column: ValueColumn): string {
  return VALUE_TYPE_HANDLERS[type].format(value, column);
}

// Date windows depend on today: recomputed when the local day changes (a night run past midnight),
// which costs one clock read per date cell.
let windows: { today: string; until: number; birth: DateRange; exam: DateRange } | undefined;

/** The day the date windows currently hold for (YYYY-MM-DD); caches of parsed dates key on it. */
export function dateWindowDay(): string {
  const now = Date.now();
  if (windows === undefined || now >= windows.until) {
    const d = new Date(now);
    const today = localToday(d);
    const until = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    windows = { today, until, birth: birthDateRange(today), exam: examDateRange(today) };
  }
  return windows.today;
}

function dateRangeFor(field: string): DateRange | undefined {
  if (field !== 'birthDate' && field !== 'examDate') return undefined;
  dateWindowDay();
  return field === 'birthDate' ? windows!.birth : windows!.exam;
}

function asSex(v: unknown): SexCode | null {
  const s = asString(v);
  if (s === null || s === '1' || s === '2') return s;
  throw new TypeError(`expected a sex code '1' | '2', got ${s}`);
}

function asString(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  throw new TypeError(`expected a string value, got ${typeof v}`);
}

function asNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  throw new TypeError(`expected a number value, got ${typeof v}`);
}

function asBoolean(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  throw new TypeError(`expected a boolean value, got ${typeof v}`);
}
