// Cylinder axis: whole degrees 0–180.
import type { Cell } from '../io/table.js';
import { AXIS_MAX, AXIS_MIN } from '../vision/rules.js';
import { compactValue, excelErrorProblem, isPlaceholder, shown } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';

/** 90, 90.0, 90°, 90度. */
const AXIS = /^([+-]?\d{1,4})(?:\.0*)?(?:°|度)?$/;

const ACCEPTED = `轴位请填写 ${AXIS_MIN}–${AXIS_MAX} 的整数度数（如 90）`;

export function parseAxis(cell: Cell | undefined): Normalized<number> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
    case 'd':
      return problem('INVALID_VALUE', `单元格不是数值：${ACCEPTED}`);
    case 'n':
      return fromNumber(cell.v, String(cell.v));
    case 's': {
      const t = compactValue(cell.v);
      if (isPlaceholder(t)) return EMPTY;
      const m = AXIS.exec(t);
      if (m === null) return problem('INVALID_VALUE', `轴位「${shown(cell.v)}」不是整数度数：${ACCEPTED}`);
      return fromNumber(Number(m[1]), cell.v);
    }
  }
}

/** parseAxis's value for a number cell in range, without a result object; SLOW otherwise. */
export function quickAxis(cell: Cell): Quick<number> {
  return cell.t === 'n' && isAxis(cell.v) ? cell.v : SLOW;
}

function fromNumber(v: number, raw: string): Normalized<number> {
  if (isAxis(v)) return ok(v);
  return problem('INVALID_VALUE', `轴位「${shown(raw)}」超出范围或不是整数：${ACCEPTED}`);
}

function isAxis(v: number): boolean {
  return Number.isInteger(v) && v >= AXIS_MIN && v <= AXIS_MAX;
}

export function formatAxis(v: number | null): string {
  return v === null ? '' : String(v);
}
