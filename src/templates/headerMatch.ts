// Finds a layout's header row(s) near the top of a sheet and maps columns by header text, never by position.
import { a1 } from '../io/a1.js';
import { cellText, type Row } from '../io/table.js';
import type { FieldName } from '../model/record.js';
import type { ColumnSpec, Header, TemplateSpec } from './spec.js';

export interface MappedColumn {
  /** 0-based column index in the sheet. */
  index: number;
  spec: ColumnSpec;
  /** The header text as the file has it (last header row), trimmed. */
  headerText: string;
  /** A1 address of the header cell. */
  cell: string;
}

export interface HeaderMapping {
  spec: TemplateSpec;
  /** 1-based row number of the first and last header rows. */
  firstHeaderRow: number;
  lastHeaderRow: number;
  /** Recognised columns, in the file's order. */
  columns: MappedColumn[];
  byField: Map<FieldName, MappedColumn>;
  /** Columns with a header the layout does not know (ignored). */
  unmapped: { index: number; headerText: string; cell: string }[];
  /** A second column with the same meaning: the field and the A1 cells involved. */
  duplicates: { spec: ColumnSpec; cells: string[] }[];
  /** Required columns of the layout the file lacks. */
  missingRequired: ColumnSpec[];
  /** requireOneOf groups of which the file has no column (their labels). */
  missingGroups: string[];
}

/** Header text reduced to what identifies it: NFKC, no spaces, no required-marks, lower case. */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u200B-\u200D\uFEFF]+/g, '')
    .replace(/[*＊:：]/g, '')
    .toLowerCase();
}

function keyPath(h: Header): string[] {
  return (typeof h === 'string' ? [h] : h).map(headerKey);
}

/** Header paths per column for header rows starting at `start` (merged group cells filled rightwards). */
function headerPaths(rows: Row[], start: number, count: number): string[][] {
  const band = rows.slice(start, start + count);
  const width = Math.max(0, ...band.map((r) => r.cells.length));
  const paths: string[][] = Array.from({ length: width }, () => []);
  band.forEach((row, level) => {
    const isGroupRow = level < band.length - 1;
    let carry = '';
    for (let c = 0; c < width; c++) {
      const t = cellText(row.cells[c]).trim();
      if (t) carry = t;
      // A merged group header holds its text only in its first cell: carry it over the sub-columns below it.
      const below = isGroupRow ? cellText(band[band.length - 1]!.cells[c]).trim() : '';
      const text = t || (isGroupRow && below ? carry : '');
      if (!t && isGroupRow && !below) carry = '';
      if (text) paths[c]!.push(text);
    }
  });
  return paths;
}

function endsWith(path: string[], tail: string[]): boolean {
  if (tail.length > path.length) return false;
  for (let i = 1; i <= tail.length; i++) if (path[path.length - i] !== tail[tail.length - i]) return false;
  return true;
}

function mapAt(rows: Row[], start: number, spec: TemplateSpec): HeaderMapping {
  const paths = headerPaths(rows, start, spec.headerRows);
  const candidates = spec.columns.map((col) => ({ col, keys: [col.header, ...col.aliases].map(keyPath) }));
  const lastRow = rows[Math.min(start + spec.headerRows, rows.length) - 1]!;
  const columns: MappedColumn[] = [];
  const byField = new Map<FieldName, MappedColumn>();
  const unmapped: HeaderMapping['unmapped'] = [];
  const dupCells = new Map<ColumnSpec, string[]>();
  paths.forEach((raw, index) => {
    if (raw.length === 0) return;
    const path = raw.map(headerKey);
    const cell = a1(index, lastRow.rowNumber);
    const hit = candidates.find((c) => c.keys.some((k) => endsWith(path, k)));
    const headerText = raw[raw.length - 1]!;
    if (!hit) {
      unmapped.push({ index, headerText, cell });
      return;
    }
    const field = hit.col.field as FieldName;
    const seen = byField.get(field);
    if (seen) {
      dupCells.set(hit.col, [...(dupCells.get(hit.col) ?? [seen.cell]), cell]);
      return;
    }
    const mc: MappedColumn = { index, spec: hit.col, headerText, cell };
    columns.push(mc);
    byField.set(field, mc);
  });
  return {
    spec,
    firstHeaderRow: rows[start]!.rowNumber,
    lastHeaderRow: lastRow.rowNumber,
    columns,
    byField,
    unmapped,
    duplicates: [...dupCells].map(([spec, cells]) => ({ spec, cells })),
    missingRequired: spec.columns.filter((c) => c.required && !byField.has(c.field as FieldName)),
    missingGroups: spec.requireOneOf.filter((g) => !g.fields.some((f) => byField.has(f as FieldName))).map((g) => g.label),
  };
}

/** Fewest recognised columns for a row to count as this layout's header. */
const MIN_MATCHED = 2;

/**
 * The best header position for `spec` within its search window, or null when no row there looks
 * like its header. `rows` are the sheet's first rows (at least headerSearchRows + headerRows).
 */
export function findHeader(rows: Row[], spec: TemplateSpec): HeaderMapping | null {
  let best: HeaderMapping | null = null;
  const lastStart = Math.min(rows.length - spec.headerRows, spec.headerSearchRows - 1);
  for (let start = 0; start <= lastStart; start++) {
    if (rows[start]!.rowNumber > spec.headerSearchRows) break;
    const m = mapAt(rows, start, spec);
    if (m.columns.length < MIN_MATCHED) continue;
    if (!best || m.columns.length > best.columns.length) best = m;
  }
  return best;
}

/** Share of the layout's columns a mapping recognised, for telling layouts apart. */
export function coverage(m: HeaderMapping): number {
  return m.columns.length / m.spec.columns.length;
}
