// Turns one sheet row into canonical field values, keeping every cell problem with its A1 address.
import { a1 } from '../io/a1.js';
import { cellText, type Row } from '../io/table.js';
import type { FieldName } from '../model/record.js';
import { SLOW, type CellProblemCode } from '../normalize/result.js';
import { parseValue, quickValue } from '../normalize/valueTypes.js';
import type { MappedColumn } from '../templates/headerMatch.js';

export interface CellProblem {
  field: FieldName;
  /** A1 address, e.g. "K12". */
  cell: string;
  header: string;
  code: CellProblemCode;
  /** Chinese, from the normaliser: what is wrong with the value. */
  message: string;
  /** The cell's text as read. */
  text: string;
}

export interface MappedRow {
  rowNumber: number;
  /** Normalised values of recognised columns (null = empty cell). */
  values: Partial<Record<FieldName, unknown>>;
  /** Cell texts as read: the 学籍号 and every cell that could not be read. */
  raw: Partial<Record<FieldName, string>>;
  problems: CellProblem[];
  /** True when no recognised column has content. */
  empty: boolean;
}

export function mapRow(row: Row, columns: readonly MappedColumn[]): MappedRow {
  const values: Partial<Record<FieldName, unknown>> = {};
  const raw: Partial<Record<FieldName, string>> = {};
  const problems: CellProblem[] = [];
  let empty = true;
  for (const col of columns) {
    const field = col.spec.field as FieldName;
    const cell = row.cells[col.index];
    if (empty && cell !== undefined && (cell.t !== 's' || cell.v.trim() !== '')) empty = false;
    // Cell text is built only where someone will read it: the 学籍号 and cells that fail to parse.
    if (field === 'studentId') raw[field] = cellText(cell).trim();
    const quick = quickValue(col.spec.type, cell, col.spec);
    if (quick !== SLOW) {
      values[field] = quick;
      continue;
    }
    const r = parseValue(col.spec.type, cell, col.spec);
    if (r.ok) {
      values[field] = r.value;
    } else {
      values[field] = null;
      const text = cellText(cell).trim();
      raw[field] = text;
      problems.push({ field, cell: a1(col.index, row.rowNumber), header: col.headerText, code: r.code, message: r.message, text });
    }
  }
  return { rowNumber: row.rowNumber, values, raw, problems, empty };
}
