// 姓名: NFKC, middle dots unified, spaces collapsed. Applied to identity fields only.
import type { Cell } from '../io/table.js';
import { excelErrorProblem, isCjkOnly, isPlaceholder } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';
import { cleanText } from './text.js';

// Middle dots seen in minority names: U+00B7, U+30FB (and U+FF65 after NFKC), U+2022, U+2027, U+2219, U+22C5, U+0387, U+16EB.
const CJK_ONLY = /^[\u4E00-\u9FFF]+$/;
const MIDDLE_DOTS = /[\u00B7\u30FB\uFF65\u2022\u2027\u2219\u22C5\u0387\u16EB]/g;

/** The name as it should be written: "买买提·艾力". Empty -> "". */
export function normalizeName(raw: string): string {
  if (CJK_ONLY.test(raw)) return raw; // the usual name: nothing to fold
  return cleanText(raw).replace(MIDDLE_DOTS, '·').replace(/\s*·\s*/g, '·');
}

/** Key for matching names: normalised, every space removed, Latin letters upper-cased. */
export function nameKey(raw: string): string {
  return normalizeName(raw).replace(/\s+/g, '').toUpperCase();
}

/** A 姓名 cell: normalised name; number, date or logical cells are not names. */
export function parseName(cell: Cell | undefined): Normalized<string> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'n':
    case 'd':
    case 'b':
      return problem('INVALID_VALUE', '单元格不是文字，不像姓名：请检查这一列是否放错了数据');
    case 's': {
      const name = normalizeName(cell.v);
      return isPlaceholder(name) ? EMPTY : ok(name);
    }
  }
}

/** parseName's value for a text cell, without a result object; SLOW for other cells. */
export function quickName(cell: Cell): Quick<string> {
  if (cell.t !== 's') return SLOW;
  if (isCjkOnly(cell.v)) return cell.v; // the usual name, never a placeholder
  const name = normalizeName(cell.v);
  return isPlaceholder(name) ? null : name;
}
