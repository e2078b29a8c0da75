// Turns what a <c> element held (type, style, value text) into a Cell. Shared
// by the fast and the general path of the worksheet tokenizer.
import { a1 } from '../a1.js';
import { xlsxCorrupt } from '../readErrors.js';
import type { Cell } from '../table.js';
import type { SharedStrings } from './sharedStrings.js';
import { CellType, isoDateToSerial } from './sheetValues.js';
import { decodeStringValue } from './xmlText.js';

export interface SheetContext {
  file: string;
  sheet: string;
  sharedStrings: SharedStrings;
  /** Indexed by the `s` attribute: whether that style is a date format. */
  dateStyles: readonly boolean[];
  date1904: boolean;
}

/** Days between 1900-01-00 and 1904-01-01 in Excel's counting. */
const DATE1904_OFFSET = 1462;

/**
 * Number cells are cached like shared strings: a screening sheet repeats a few
 * hundred values (acuities, dioptres, axes, the exam date) millions of times. As
 * there, a value is kept from its second time in a row in its slot, so values
 * that pass through (birthdays, numeric ids) do not stay alive for thousands of
 * rows and lead the GC to move every row's cells to the old generation.
 */
const NUMBER_SLOTS = 2048;

/*
 * Cells and rows are made with `new`, not as literals: V8 tracks the objects of a literal (its
 * "allocation site") and, when those made while the header rows were still held all survived a
 * GC, allocated every later one straight in the old generation, for the whole file, where each
 * row's cells lived until a full GC. Objects made by a constructor are never placed that way.
 */
class SheetCell {
  constructor(
    readonly t: Cell['t'],
    readonly v: string | number | boolean,
  ) {}
}

/** A Cell of this type and value (the caller pairs them as the Cell type says). */
export function newCell(t: Cell['t'], v: string | number | boolean): Cell {
  return new SheetCell(t, v) as Cell;
}

export class CellValues {
  private readonly dateShift: number;
  private readonly dateStyles: readonly boolean[];
  private readonly sharedStrings: SharedStrings;

  constructor(private readonly ctx: SheetContext) {
    this.dateShift = ctx.date1904 ? DATE1904_OFFSET : 0;
    this.dateStyles = ctx.dateStyles;
    this.sharedStrings = ctx.sharedStrings;
  }

  private readonly cachedNumber = new Float64Array(NUMBER_SLOTS).fill(NaN);
  /** The value last asked for in each slot that is not cached there: seen once, not yet kept. */
  private readonly seenNumber = new Float64Array(NUMBER_SLOTS).fill(NaN);
  private readonly cachedNumberCell: Cell[] = new Array<Cell>(NUMBER_SLOTS);

  /**
   * A number cell: a date when its style is a date format (serials always in the 1900 system).
   * The same object for repeats of a value, so it must not be changed.
   */
  number(num: number, style: number): Cell {
    const date = this.dateStyles[style] === true;
    // Dates and numbers in separate halves; -0 is left out, a cached 0 would lose its sign.
    const slot = (Math.imul((num * 100) | 0, 0x9e3779b1) >>> 22) | (date ? NUMBER_SLOTS >> 1 : 0);
    if (this.cachedNumber[slot] === num && (num !== 0 || 1 / num > 0)) return this.cachedNumberCell[slot]!;
    const cell: Cell = date ? newCell('d', num + this.dateShift) : newCell('n', num);
    if (this.seenNumber[slot] === num && (num !== 0 || 1 / num > 0)) {
      this.cachedNumber[slot] = num;
      this.cachedNumberCell[slot] = cell;
    } else {
      this.seenNumber[slot] = num;
    }
    return cell;
  }

  /** The cell of shared string `index`; the same object for every use of that string. */
  shared(index: number, col: number, row: number): Cell | undefined {
    if (!(index >= 0 && index < this.sharedStrings.count && Math.floor(index) === index)) {
      throw xlsxCorrupt(this.ctx.file, `共享字符串编号 ${index} 不存在`, undefined, { sheet: this.ctx.sheet, cell: a1(col, row) });
    }
    return this.sharedStrings.cell(index);
  }

  /** `raw` is the undecoded text of <v> (or of the <is> runs); `num` its value when it parsed as a number. */
  of(type: CellType, style: number, num: number, raw: string | undefined, col: number, row: number): Cell | undefined {
    switch (type) {
      case CellType.number:
        if (num === num) return this.number(num, style);
        return raw === undefined || raw.trim() === '' ? undefined : text(raw);
      case CellType.shared:
        return num === num ? this.shared(num, col, row) : undefined;
      case CellType.inline:
      case CellType.str:
        return text(raw);
      case CellType.bool:
        return raw === undefined ? undefined : newCell('b', raw.trim() === '1' || raw.trim() === 'true');
      case CellType.error:
        return raw === undefined || raw === '' ? undefined : newCell('e', decodeStringValue(raw));
      case CellType.isoDate: {
        if (raw === undefined) return undefined;
        const serial = isoDateToSerial(raw);
        return serial === serial ? newCell('d', serial) : text(raw);
      }
    }
  }
}

function text(raw: string | undefined): Cell | undefined {
  if (raw === undefined) return undefined;
  const v = decodeStringValue(raw);
  return v === '' ? undefined : newCell('s', v);
}
