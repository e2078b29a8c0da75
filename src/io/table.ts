// The row model every reader produces and every consumer reads.
// Readers pass rows along one at a time so memory stays flat on district-sized files.

/** A cell as read, before any normalisation. Read-only: a reader may give several rows the same Cell object. */
export type Cell =
  /** Text (shared, inline or CSV). */
  | { t: 's'; v: string }
  /** A number cell that is not formatted as a date. */
  | { t: 'n'; v: number }
  /** A number cell formatted as a date/time; v is the Excel serial (1900 system, already corrected for 1904 workbooks). */
  | { t: 'd'; v: number }
  | { t: 'b'; v: boolean }
  /** An error value such as "#N/A" or "#REF!". */
  | { t: 'e'; v: string };

export interface Row {
  /** 1-based row number as Excel shows it (CSV: the 1-based record number). */
  rowNumber: number;
  /** Indexed by 0-based column; missing or empty cells are undefined. */
  cells: (Cell | undefined)[];
  /** True when the cell held a formula (its cached value is in cells). Indexed like cells. */
  formulas?: boolean[];
  /** True when the row is hidden in the workbook. */
  hidden?: boolean;
}

/** A merged range, 0-based columns, 1-based rows, inclusive. */
export interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface SheetInfo {
  name: string;
  hidden: boolean;
}

/** One sheet opened for reading. */
export interface SheetSource {
  /** File path as the user gave it (for messages). */
  file: string;
  sheet: string;
  /** 'xlsx' | 'csv' */
  format: 'xlsx' | 'csv';
  /** Rows in order. Iterate once. Empty rows may be skipped. */
  rows(): AsyncIterable<Row>;
  /**
   * The same rows as rows(), in batches of whatever the reader had at hand (one
   * inflated chunk of an .xlsx, one read of a CSV): one await per batch instead
   * of one per row. Batches are never empty. Iterate once; use this or rows(), not both.
   */
  rowBatches(): AsyncIterable<Row[]>;
  /**
   * From now on, rows()/rowBatches() leave out every row for which keep(rowNumber) is false
   * (null: none), also in a read already under way. Lets readers of the same sheet share its
   * rows out: an .xlsx reader skips the others' rows without reading their cells.
   */
  keepRows(keep: ((rowNumber: number) => boolean) | null): void;
  /** True once the read met a row whose number is not above the one before it (rows given or skipped). */
  rowsOutOfOrder(): boolean;
  /** Merged ranges; complete only after rows() has been fully iterated (xlsx stores them after the data). */
  merges(): MergeRange[];
}

/**
 * Batches as single rows. A plain iterator, not an async generator: a generator
 * layer costs more per row than reading the row.
 */
export function rowsOf(batches: AsyncIterable<Row[]>): AsyncIterable<Row> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Row> {
      const inner = batches[Symbol.asyncIterator]();
      let batch: Row[] = [];
      let i = 0;
      const refill = async (): Promise<IteratorResult<Row>> => {
        for (;;) {
          const next = await inner.next();
          if (next.done) return { done: true, value: undefined };
          if (next.value.length > 0) {
            batch = next.value;
            i = 1;
            return { done: false, value: batch[0]! };
          }
        }
      };
      return {
        next: () => (i < batch.length ? Promise.resolve({ done: false, value: batch[i++]! }) : refill()),
        return: async (value?: unknown) => {
          batch = [];
          i = 0;
          if (inner.return) await inner.return(value);
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** The rows of `batch` that `keep` accepts: `batch` itself when it accepts them all. */
export function keptRows(batch: Row[], keep: (rowNumber: number) => boolean): Row[] {
  for (let i = 0; i < batch.length; i++) {
    if (!keep(batch[i]!.rowNumber)) return batch.filter((row) => keep(row.rowNumber));
  }
  return batch;
}

/** The text of a cell as a person sees it ("" for empty). Numbers print without exponent where exact. */
export function cellText(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  switch (cell.t) {
    case 's':
      return cell.v;
    case 'n':
    case 'd':
      return numberText(cell.v);
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'e':
      return cell.v;
  }
}

/**
 * A number as Excel shows it: at most 15 significant digits, never in exponent form for integers
 * (110101200801011000, not 110101200801011008 or 1.10101E+17).
 */
export function numberText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) < 1e15) return String(Number(v.toPrecision(15)));
  const [mantissa, exp] = v.toPrecision(15).split('e');
  if (exp === undefined) return mantissa!;
  const neg = mantissa!.startsWith('-');
  const digits = mantissa!.replace(/^-/, '').replace('.', '');
  const intLen = Number(exp) + 1;
  const text = intLen >= digits.length ? digits + '0'.repeat(intLen - digits.length) : `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return (neg ? '-' : '') + text;
}
