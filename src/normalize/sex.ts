// 性别 as GB/T 2261.1 codes: '1' 男, '2' 女.
import type { Cell } from '../io/table.js';
import { compactValue, excelErrorProblem, isPlaceholder, shown } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';

export type SexCode = '1' | '2';

const MALE: Normalized<SexCode> = ok('1');
const FEMALE: Normalized<SexCode> = ok('2');

/** Lower-cased, NFKC-folded spellings. */
const SPELLINGS = new Map<string, Normalized<SexCode>>([
  ['1', MALE], ['男', MALE], ['男性', MALE], ['男生', MALE], ['m', MALE], ['male', MALE],
  ['2', FEMALE], ['女', FEMALE], ['女性', FEMALE], ['女生', FEMALE], ['f', FEMALE], ['female', FEMALE],
]);

const ACCEPTED = '性别请填写 男/女，或代码 1（男）/2（女）';

export function parseSex(cell: Cell | undefined): Normalized<SexCode> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'n':
      return cell.v === 1 ? MALE : cell.v === 2 ? FEMALE : problem('INVALID_VALUE', `性别「${cell.v}」无法识别：${ACCEPTED}`);
    case 'd':
    case 'b':
      return problem('INVALID_VALUE', `单元格不是文字或代码：${ACCEPTED}`);
    case 's': {
      const direct = SPELLINGS.get(cell.v);
      if (direct !== undefined) return direct;
      const t = compactValue(cell.v);
      if (isPlaceholder(t)) return EMPTY;
      return SPELLINGS.get(t.toLowerCase()) ?? problem('INVALID_VALUE', `性别「${shown(cell.v)}」无法识别：${ACCEPTED}`);
    }
  }
}

/** parseSex's value for a text cell spelled exactly as listed, without a result object; SLOW otherwise. */
export function quickSex(cell: Cell): Quick<SexCode> {
  if (cell.t !== 's') return SLOW;
  const direct = SPELLINGS.get(cell.v);
  return direct !== undefined && direct.ok ? direct.value : SLOW;
}

/** 'code' writes 1/2 (national template), 'text' writes 男/女. */
export function formatSex(v: SexCode | null, form: 'code' | 'text' = 'code'): string {
  if (v === null) return '';
  if (form === 'code') return v;
  return v === '1' ? '男' : '女';
}
