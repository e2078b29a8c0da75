// Digit codes kept as text: 民族代码 "01", 年级编号 "11", 班级编号 "1101".
import type { Cell } from '../io/table.js';
import { excelErrorProblem, isCleanAscii, isCleanText, isPlaceholder, shown } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';
import { cleanText } from './text.js';

const DIGITS = /^\d+$/;
const PAD_FORMAT = /^pad(\d)$/;

/** Widths by format: asked for every code cell read and written. */
const PAD_WIDTHS = new Map<string, number | undefined>();

/** Pad width from a column format such as "pad2"; undefined when none. */
export function padWidth(format: string | undefined): number | undefined {
  if (format === undefined) return undefined;
  if (PAD_WIDTHS.has(format)) return PAD_WIDTHS.get(format);
  const m = PAD_FORMAT.exec(format);
  const width = m === null ? undefined : Number(m[1]);
  PAD_WIDTHS.set(format, width);
  return width;
}

/**
 * Text is kept as typed (trimmed, NFKC). A number cell becomes its integer text; with `pad`, all-digit
 * codes are left-padded with zeros (1 -> "01"): Excel drops leading zeros from codes typed as numbers,
 * and a CSV saved from such a sheet holds "1" as text.
 */
export function parseCode(cell: Cell | undefined, pad?: number): Normalized<string> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
    case 'd':
      return problem('INVALID_VALUE', `单元格不是编码：请填写数字编码，如 01、11、1101`);
    case 'n':
      if (!Number.isSafeInteger(cell.v) || cell.v < 0) {
        return problem('INVALID_VALUE', `编码「${shown(String(cell.v))}」不是非负整数：请填写数字编码，如 01、11、1101`);
      }
      return ok(padCode(String(cell.v), pad));
    case 's': {
      const t = isCleanAscii(cell.v) ? cell.v : cleanText(cell.v);
      if (isPlaceholder(t)) return EMPTY;
      return ok(padCode(t, pad));
    }
  }
}

/** parseCode's value for a text cell, without a result object; SLOW for other cells. */
export function quickCode(cell: Cell, pad?: number): Quick<string> {
  if (cell.t !== 's') return SLOW;
  const t = isCleanText(cell.v) ? cell.v : cleanText(cell.v);
  return isPlaceholder(t) ? null : padCode(t, pad);
}

function padCode(code: string, pad: number | undefined): string {
  return pad !== undefined && code.length < pad && DIGITS.test(code) ? code.padStart(pad, '0') : code;
}

export function formatCode(v: string | null, pad?: number): string {
  return v === null ? '' : padCode(v, pad);
}
