// 是/否 columns (OK-lens wearer and similar flags).
import type { Cell } from '../io/table.js';
import { compactValue, excelErrorProblem, isPlaceholder, shown } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';

const YES: Normalized<boolean> = ok(true);
const NO: Normalized<boolean> = ok(false);

/** Lower-cased, NFKC-folded spellings. */
const SPELLINGS = new Map<string, Normalized<boolean>>([
  ['是', YES], ['y', YES], ['yes', YES], ['1', YES], ['true', YES], ['√', YES], ['✓', YES], ['✔', YES], ['有', YES],
  ['否', NO], ['n', NO], ['no', NO], ['0', NO], ['false', NO], ['×', NO], ['✗', NO], ['无', NO],
]);

const ACCEPTED = '请填写 是 或 否（也可用 Y/N、1/0、√/×、有/无）';

export function parseYesNo(cell: Cell | undefined): Normalized<boolean> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
      return cell.v ? YES : NO;
    case 'n':
      return cell.v === 1 ? YES : cell.v === 0 ? NO : problem('INVALID_VALUE', `「${cell.v}」不是是/否：${ACCEPTED}`);
    case 'd':
      return problem('INVALID_VALUE', `单元格是日期，不是是/否：${ACCEPTED}`);
    case 's': {
      const direct = SPELLINGS.get(cell.v);
      if (direct !== undefined) return direct;
      const t = compactValue(cell.v);
      if (isPlaceholder(t)) return EMPTY;
      return SPELLINGS.get(t.toLowerCase()) ?? problem('INVALID_VALUE', `「${shown(cell.v)}」不是是/否：${ACCEPTED}`);
    }
  }
}

/** parseYesNo's value for a text cell spelled exactly as listed, without a result object; SLOW otherwise. */
export function quickYesNo(cell: Cell): Quick<boolean> {
  if (cell.t !== 's') return SLOW;
  const direct = SPELLINGS.get(cell.v);
  return direct !== undefined && direct.ok ? direct.value : SLOW;
}

/** 'text' writes 是/否 (default), 'code' writes 1/0. */
export function formatYesNo(v: boolean | null, form: 'text' | 'code' = 'text'): string {
  if (v === null) return '';
  if (form === 'code') return v ? '1' : '0';
  return v ? '是' : '否';
}
