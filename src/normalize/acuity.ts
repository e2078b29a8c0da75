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
import { compactValue, excelErrorProblem, isPlaceholder, shown } from './cellInput.js';
import { EMPTY, ok, problem, type Normalized } from './result.js';
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

function fromNumber(v: number, raw: string): Normalized<number> {
  if (ACUITY_BELOW_3_CODES.includes(v)) return ok(ACUITY_BELOW_3);
  // The chart has only one-decimal lines: 4.95 is not a reading, and rounding it would move a
  // student across the 视力不良 boundary without anyone noticing.
  if (v > DECIMAL_ACUITY_MAX && Math.abs(v * 10 - Math.round(v * 10)) > 1e-6) {
    return problem('INVALID_VALUE', `视力「${shown(raw)}」不是一位小数：${ACCEPTED}`);
  }
  const l = v > 0 && v <= DECIMAL_ACUITY_MAX ? decimalToFivePoint(v) : roundTo(v, 1);
  if (l >= ACUITY_MIN && l <= ACUITY_MAX) return ok(l);
  return problem('INVALID_VALUE', `视力「${shown(raw)}」超出范围：${ACCEPTED}`);
}

/** One decimal ("4.8", "5.0"); "below 3.0" is written 0 (2021 national rule). */
export function formatAcuity(v: number | null): string {
  if (v === null) return '';
  return v === ACUITY_BELOW_3 ? '0' : v.toFixed(1);
}
