// Plain decimal numbers (axial length, IOP, keratometry).
import type { Cell } from '../io/table.js';
import { compactValue, excelErrorProblem, isPlaceholder, quickDecimal, shown } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const MINUS_LIKE = /[\u2212\u2013]/g;

const ACCEPTED = '请填写数字（不带单位），如 23.45';

export function parseNumber(cell: Cell | undefined): Normalized<number> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
    case 'd':
      return problem('INVALID_VALUE', `单元格不是数字：${ACCEPTED}`);
    case 'n':
      return ok(cell.v);
    case 's': {
      let t = compactValue(cell.v);
      if (isPlaceholder(t)) return EMPTY;
      if (!NUMBER.test(t)) {
        t = t.replace(MINUS_LIKE, '-');
        if (!t.includes('.')) t = t.replace(',', '.');
        if (!NUMBER.test(t)) return problem('INVALID_VALUE', `「${shown(cell.v)}」不是数字：${ACCEPTED}`);
      }
      return ok(Number(t));
    }
  }
}

/** parseNumber's value for a number cell or a plain decimal text, without a result object; SLOW otherwise. */
export function quickNumber(cell: Cell): Quick<number> {
  if (cell.t === 'n') return cell.v;
  return cell.t === 's' ? quickDecimal(cell.v) : SLOW;
}

export function formatNumber(v: number | null): string {
  return v === null ? '' : String(v);
}
