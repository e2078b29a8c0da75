// What every value parser does first: spot "no value" placeholders and Excel error values,
// and fold a text to a compact form cheaply (most cells are already clean ASCII).
import { problem, type Normalized } from './result.js';
import { compactText } from './text.js';

/** Texts that mean "no value" in the sheets we read (Xihu writes `-`). Compared after trimming. */
const PLACEHOLDERS = new Set(['', '-', '--', '/', '\\', '—', '——', '–', '－', '／']);

/** Printable ASCII without spaces: nothing for NFKC or whitespace stripping to change. */
const CLEAN_ASCII = /^[\x21-\x7E]*$/;

export function isPlaceholder(compact: string): boolean {
  return compact.length <= 2 && PLACEHOLDERS.has(compact);
}

/** NFKC, zero-width characters and all whitespace removed; returns s itself when already clean. */
export function compactValue(s: string): string {
  return CLEAN_ASCII.test(s) ? s : compactText(s);
}

export function isCleanAscii(s: string): boolean {
  return CLEAN_ASCII.test(s);
}

/** Any parser's answer to an error cell (#N/A, #REF!, …). */
export function excelErrorProblem<T>(errorValue: string): Normalized<T> {
  return problem(
    'INVALID_VALUE',
    `单元格是 Excel 错误值「${errorValue}」，不是数据：请修正产生它的公式，或直接填入数值`,
  );
}

/** The value as shown in a message: short, so one bad cell cannot flood a report. */
export function shown(s: string): string {
  const t = s.trim();
  return t.length > 24 ? `${t.slice(0, 24)}…` : t;
}
