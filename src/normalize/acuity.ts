// Visual acuity on the 5-point scale (五分记录); decimal notation is converted (DOMAIN.md "Values").
import type { Cell } from '../io/table.js';
import {
  ACUITY_BELOW_3,
  ACUITY_BELOW_3_CODES,
  ACUITY_MAX,
  ACUITY_MIN,
  DECIMAL_ACUITY_MAX,
  decimalToFivePoint,
} from '../vision/rules.js';
import { compactValue, excelErrorProblem, isPlaceholder, quickDecimal, shown } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';
import { roundTo } from './round.js';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

const ACCEPTED =
  `请填写五分记录 ${ACUITY_MIN.toFixed(1)}–${ACUITY_MAX.toFixed(1)}（一位小数，如 4.8、5.0），低于 ${ACUITY_MIN.toFixed(1)} 填 0；` +
  `小数记录 0.1–${DECIMAL_ACUITY_MAX.toFixed(1)}（如 0.8、1.2）会自动换算`;

export function parseAcuity(cell: Cell | undefined): Normalized<number> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
      return problem('INVALID_VALUE', `单元格是逻辑值，不是视力：${ACCEPTED}`);
    case 'n':
    case 'd':
      return fromNumber(cell.v, String(cell.v));
    case 's': {
      let t = compactValue(cell.v);
      if (isPlaceholder(t)) return EMPTY;
      if (!NUMBER.test(t)) {
        t = t.replace(',', '.'); // decimal comma: 4,8
        if (!NUMBER.test(t)) return problem('INVALID_VALUE', `视力「${shown(cell.v)}」不是数值：${ACCEPTED}`);
      }
      return fromNumber(Number(t), cell.v);
    }
  }
}

/** parseAcuity's value for the common cells (a number, or text like "4.9"), without a result object; SLOW otherwise. */
export function quickAcuity(cell: Cell): Quick<number> {
  if (cell.t === 'n') return acuityOf(cell.v);
  if (cell.t !== 's') return SLOW;
  const v = quickDecimal(cell.v);
  return v === SLOW ? SLOW : acuityOf(v);
}

function fromNumber(v: number, raw: string): Normalized<number> {
  const l = acuityOf(v);
  if (l !== SLOW) return ok(l);
  if (!isOneDecimal(v)) return problem('INVALID_VALUE', `视力「${shown(raw)}」不是一位小数：${ACCEPTED}`);
  return problem('INVALID_VALUE', `视力「${shown(raw)}」超出范围：${ACCEPTED}`);
}

/** The 5-point value of a number as read, or SLOW when it is no acuity (the caller says why). */
function acuityOf(v: number): number | typeof SLOW {
  if (ACUITY_BELOW_3_CODES.includes(v)) return ACUITY_BELOW_3;
  if (!isOneDecimal(v)) return SLOW;
  const l = v > 0 && v <= DECIMAL_ACUITY_MAX ? decimalToFivePoint(v) : roundTo(v, 1);
  return l >= ACUITY_MIN && l <= ACUITY_MAX ? l : SLOW;
}

/**
 * The chart has only one-decimal lines: 4.95 is not a reading, and rounding it would move a
 * student across the 视力不良 boundary without anyone noticing. Decimal notation is exempt.
 */
function isOneDecimal(v: number): boolean {
  return !(v > DECIMAL_ACUITY_MAX && Math.abs(v * 10 - Math.round(v * 10)) > 1e-6);
}

/** One decimal ("4.8", "5.0"); "below 3.0" is written 0 (2021 national rule). */
export function formatAcuity(v: number | null): string {
  if (v === null) return '';
  // Parsed values are whole tenths: their texts come from a table instead of toFixed (a slow runtime call).
  const k = Math.round(v * 10);
  if (k >= 0 && k < ACUITY_TEXTS.length && k / 10 === v) return ACUITY_TEXTS[k]!;
  return acuityText(v);
}

function acuityText(v: number): string {
  return v === ACUITY_BELOW_3 ? '0' : v.toFixed(1);
}

/** acuityText(k / 10) for k = 0 … 99 (0.0 … 9.9). */
const ACUITY_TEXTS = Array.from({ length: 100 }, (_, k) => acuityText(k / 10));
