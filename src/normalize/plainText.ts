// Free text (班级名称, 家庭住址, 备注): cleaned, never interpreted.
import type { Cell } from '../io/table.js';
import { cellText } from '../io/table.js';
import { excelErrorProblem, isCleanAscii, isCleanText, isPlaceholder } from './cellInput.js';
import { excelSerialToIso } from './date.js';
import { EMPTY, ok, SLOW, type Normalized, type Quick } from './result.js';
import { cleanText } from './text.js';

export function parsePlainText(cell: Cell | undefined): Normalized<string> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      // Every value type answers an error cell this way (cellInput.ts).
      return excelErrorProblem(cell.v);
    case 'd':
      // A date cell shows a date, not its serial.
      return ok(excelSerialToIso(cell.v) ?? cellText(cell));
    case 'n':
    case 'b':
      return ok(cellText(cell));
    case 's': {
      const t = isCleanAscii(cell.v) ? cell.v : cleanText(cell.v);
      return isPlaceholder(t) ? EMPTY : ok(t);
    }
  }
}

/** parsePlainText's value for a text cell, without a result object; SLOW for other cells. */
export function quickPlainText(cell: Cell): Quick<string> {
  if (cell.t !== 's') return SLOW;
  const t = isCleanText(cell.v) ? cell.v : cleanText(cell.v);
  return isPlaceholder(t) ? null : t;
}

export function formatPlainText(v: string | null): string {
  return v ?? '';
}
