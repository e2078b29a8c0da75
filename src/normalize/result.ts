// What every normaliser returns: a value (null = empty cell) or a problem the user can fix.

/** Problem codes a single cell can produce; they become row reason codes. */
export type CellProblemCode = 'ID_DAMAGED' | 'ID_INVALID' | 'INVALID_VALUE' | 'INVALID_DATE';

export type Normalized<T> =
  | { ok: true; value: T | null }
  | {
      ok: false;
      code: CellProblemCode;
      /** Chinese, says what is wrong with the value, without the cell's location (the caller adds it). */
      message: string;
    };

export function ok<T>(value: T | null): Normalized<T> {
  return { ok: true, value };
}

export function problem<T>(code: CellProblemCode, message: string): Normalized<T> {
  return { ok: false, code, message };
}

export const EMPTY: Normalized<never> = { ok: true, value: null };

/**
 * A quick parser's answer for a cell it does not handle: an uncommon form or a problem, which the
 * full parser then reads. Quick parsers exist because most cells are clean and in one of a few
 * shapes, and a result object per cell (millions of them) costs more than parsing the cell.
 */
export const SLOW: unique symbol = Symbol('slow');

/** A quick parser's answer: the value the full parser would give (null = empty), or SLOW. */
export type Quick<T> = T | null | typeof SLOW;
