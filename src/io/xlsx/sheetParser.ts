// Streaming tokenizer for worksheet XML. It is fed the inflated UTF-8 bytes in
// order, keeps only the unfinished tail between calls, and emits finished rows.
// Written with byte compares instead of a generic XML parser: this loop runs once
// per tag of a 200 MB sheet. Working on bytes, it decodes only the text values
// it keeps, and a character split between two chunks needs no care.
// Namespace prefixes (<x:c>) are ignored.
import { xlsxCorrupt } from '../readErrors.js';
import type { Cell, MergeRange, Row } from '../table.js';
import { CellValues, type SheetContext } from './cellValues.js';
import { newPlainCell, scanPlainCell } from './plainCell.js';
import { bytesAre, findByte, isTrueAt, mergeRange, newAttrBounds, nextAttr, skipSpecial, textWithCdata } from './sheetTokens.js';
import { CellType, cellTypeAt, columnAt, numberAt, uintAt } from './sheetValues.js';
import { MAX_PENDING_CHARS, parseAttrs } from './xmlScan.js';

export type { SheetContext } from './cellValues.js';

export class SheetParser {
  /** Finished rows; the caller drains this after each write(). */
  rows: Row[] = [];
  readonly merges: MergeRange[] = [];
  /** The unfinished tail of the last chunk, at the start of `joined`. */
  private restLength = 0;
  /** Tail plus next chunk; reused so a chunk costs a copy, not an allocation. */
  private joined = Buffer.alloc(0);
  private readonly values: CellValues;
  private readonly plain = newPlainCell();
  private readonly attr = newAttrBounds();
  // Current row.
  private rowNumber = 0;
  private cells: (Cell | undefined)[] = [];
  private formulas: boolean[] | undefined;
  private rowHidden = false;
  private rowHasValue = false;
  private lastCol = -1;
  private lastValueCol = -1;
  /** Cells in the last row: a new row's array starts that long instead of growing cell by cell. */
  private width = 0;
  /** An empty array `width` long, copied for each new row. */
  private blank: (Cell | undefined)[] = [];
  // Current cell.
  private inCell = false;
  private col = -1;
  private type: CellType = CellType.number;
  private style = 0;
  private hasFormula = false;
  private num = NaN;
  private raw: string | undefined;
  private inline: string | undefined;
  private inIs = false;
  private phonetic = 0;
  // A sheet cut short (an interrupted save or copy) still tokenizes cleanly up to the cut;
  // only the missing end tags tell it from a complete one.
  private sheetDataEnded = false;
  private worksheetEnded = false;

  constructor(private readonly ctx: SheetContext) {
    this.values = new CellValues(ctx);
  }

  /** Strings are taken as UTF-8 (tests feed text). */
  write(chunk: Buffer | string): void {
    const input = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const buf = this.restLength === 0 ? input : this.join(input);
    let pos = 0;
    for (;;) {
      // Tags usually follow each other directly; checking the next byte saves a search.
      const lt = pos < buf.length && buf[pos] === 60 ? pos : findByte(buf, 60 /* < */, pos);
      if (lt === -1) {
        pos = buf.length;
        break;
      }
      // Every read stays inside the buffer: reading past the end makes V8 deoptimize this loop.
      if (lt + 1 >= buf.length) {
        pos = lt;
        break;
      }
      let c = buf[lt + 1]!;
      if (c === 99 /* c */ && !this.inCell) {
        const next = scanPlainCell(buf, lt, this.plain);
        if (next > 0) {
          this.storePlainCell(buf);
          pos = next;
          continue;
        }
      }
      const gt = findByte(buf, 62 /* > */, lt + 1);
      if (gt === -1) {
        pos = lt;
        break;
      }
      if (c === 47 /* / */) {
        this.closeTag(buf, lt + 2, gt);
        pos = gt + 1;
        continue;
      }
      if (c === 33 /* ! */ || c === 63 /* ? */) {
        const end = skipSpecial(buf, lt);
        if (end === -1) {
          pos = lt;
          break;
        }
        pos = end;
        continue;
      }
      let nameEnd = lt + 1;
      let colon = -1;
      for (; nameEnd < gt; nameEnd++) {
        c = buf[nameEnd]!;
        if (c <= 32 || c === 47) break;
        if (c === 58) colon = nameEnd;
      }
      const ns = colon === -1 ? lt + 1 : colon + 1;
      const len = nameEnd - ns;
      const first = buf[ns]!;
      const selfClosing = buf[gt - 1] === 47;
      if (len === 1) {
        if (first === 99 /* c */) {
          this.openCell(buf, nameEnd, selfClosing ? gt - 1 : gt);
          if (selfClosing) this.endCell();
        } else if ((first === 118 || first === 116) && this.inCell && !selfClosing) {
          // <v> or <t>: their text runs to the next '<', which must be in the buffer.
          const end = findByte(buf, 60 /* < */, gt + 1);
          if (end === -1 || end + 1 >= buf.length) {
            pos = lt;
            break;
          }
          if (buf[end + 1] === 33 /* <![CDATA[ */) {
            const r = textWithCdata(buf, gt + 1);
            if (r === undefined) {
              pos = lt;
              break;
            }
            this.takeString(first, r.text);
            pos = r.end;
          } else {
            this.takeText(first, buf, gt + 1, end);
            pos = end;
          }
          continue;
        } else if (first === 102 /* f */ && this.inCell) this.hasFormula = true;
      } else if (len === 3 && first === 114 /* r */ && bytesAre(buf, ns, 'row')) {
        this.openRow(buf, nameEnd, selfClosing ? gt - 1 : gt);
        if (selfClosing) this.endRow();
      } else if (!selfClosing && len === 2 && first === 105 /* i */ && buf[ns + 1] === 115) {
        this.inIs = true;
      } else if (!selfClosing && len === 3 && bytesAre(buf, ns, 'rPh')) {
        this.phonetic++;
      } else if (len === 9 && bytesAre(buf, ns, 'mergeCell')) {
        const range = mergeRange(parseAttrs(buf.toString('utf8', nameEnd, gt), 0).ref ?? '');
        if (range) this.merges.push(range);
      } else if (selfClosing && len === 9) {
        this.endTag(buf, ns, first);
      }
      pos = gt + 1;
    }
    this.keepRest(buf, pos);
    if (buf.length - pos > MAX_PENDING_CHARS) {
      throw xlsxCorrupt(this.ctx.file, '工作表 XML 中有异常长的内容', undefined, { sheet: this.ctx.sheet, row: this.rowNumber });
    }
  }

  /** After the last write(): throws XLSX_CORRUPT when the sheet stopped before its end tags. */
  end(): void {
    if (!this.worksheetEnded) {
      const detail = this.sheetDataEnded ? '工作表 XML 的结尾缺失' : '工作表的数据在中途断了';
      throw xlsxCorrupt(this.ctx.file, `${detail}，文件不完整，可能没有保存或拷贝完`, undefined, {
        sheet: this.ctx.sheet,
        ...(this.rowNumber > 0 && !this.sheetDataEnded ? { row: this.rowNumber } : {}),
      });
    }
    if (this.inCell) this.endCell();
    if (this.rowHasValue) this.endRow();
    this.restLength = 0;
  }

  /** The kept tail followed by `chunk`, in the reused buffer. */
  private join(chunk: Buffer): Buffer {
    const need = this.restLength + chunk.length;
    if (this.joined.length < need) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.joined.length));
      this.joined.copy(grown, 0, 0, this.restLength);
      this.joined = grown;
    }
    chunk.copy(this.joined, this.restLength);
    return this.joined.subarray(0, need);
  }

  /** Keeps buf[pos…] for the next write(); a copy, so the chunk it came from can be freed. */
  private keepRest(buf: Buffer, pos: number): void {
    const length = buf.length - pos;
    if (length > 0 && buf.buffer === this.joined.buffer) this.joined.copyWithin(0, pos, buf.length);
    else if (length > 0) {
      if (this.joined.length < length) this.joined = Buffer.allocUnsafeSlow(Math.max(length, 2 * this.joined.length));
      buf.copy(this.joined, 0, pos);
    }
    this.restLength = Math.max(length, 0);
  }

  private closeTag(buf: Buffer, from: number, gt: number): void {
    let end = gt;
    while (end > from && buf[end - 1]! <= 32) end--;
    let ns = from;
    for (let i = from; i < end; i++) if (buf[i] === 58 /* : */) ns = i + 1;
    const len = end - ns;
    const first = buf[ns];
    if (len === 1 && first === 99) this.endCell();
    else if (len === 3 && first === 114 && bytesAre(buf, ns, 'row')) this.endRow();
    else if (len === 2 && first === 105 && buf[ns + 1] === 115) this.inIs = false;
    else if (len === 3 && bytesAre(buf, ns, 'rPh') && this.phonetic > 0) this.phonetic--;
    else if (len === 9) this.endTag(buf, ns, first);
  }

  /** </sheetData> and </worksheet>, or their self-closing forms (an empty sheet). */
  private endTag(buf: Buffer, ns: number, first: number | undefined): void {
    if (first === 115 /* s */ && bytesAre(buf, ns, 'sheetData')) this.sheetDataEnded = true;
    else if (first === 119 /* w */ && bytesAre(buf, ns, 'worksheet')) this.worksheetEnded = true;
  }

  private openRow(buf: Buffer, from: number, to: number): void {
    if (this.inCell) this.endCell();
    let r = -1;
    let hidden = false;
    const a = this.attr;
    for (let i = nextAttr(buf, from, to, a); i > 0; i = nextAttr(buf, i, to, a)) {
      if (a.nameLen === 1 && buf[a.nameStart] === 114 /* r */) r = uintAt(buf, a.valueStart, a.valueEnd);
      else if (a.nameLen === 6 && bytesAre(buf, a.nameStart, 'hidden')) hidden = isTrueAt(buf, a.valueStart, a.valueEnd);
    }
    this.rowNumber = r > 0 ? r : this.rowNumber + 1;
    // A copy of an empty array, not `new Array`: no allocation site to pretenure (see cellValues.ts).
    if (this.blank.length !== this.width) this.blank = new Array<Cell | undefined>(this.width);
    this.cells = this.blank.slice();
    this.formulas = undefined;
    this.rowHidden = hidden;
    this.rowHasValue = false;
    this.lastCol = -1;
    this.lastValueCol = -1;
  }

  private endRow(): void {
    if (this.inCell) this.endCell();
    if (this.rowHasValue) {
      // As long as its last value reaches, as if it had grown cell by cell.
      this.cells.length = this.lastValueCol + 1;
      this.width = this.cells.length;
      const row: Row = new SheetRow(this.rowNumber, this.cells);
      if (this.formulas) row.formulas = this.formulas;
      if (this.rowHidden) row.hidden = true;
      this.rows.push(row);
    }
    this.cells = [];
    this.formulas = undefined;
    this.rowHasValue = false;
    this.lastValueCol = -1;
  }

  /** Stores the cell scanPlainCell just read into this.plain. */
  private storePlainCell(buf: Buffer): void {
    const p = this.plain;
    const col = p.col >= 0 ? p.col : this.lastCol + 1;
    let cell: Cell | undefined;
    if (p.valueStart >= 0) {
      const num = p.type === CellType.number || p.type === CellType.shared ? numberAt(buf, p.valueStart, p.valueEnd) : NaN;
      if (num !== num) cell = this.values.of(p.type, p.style, num, buf.toString('utf8', p.valueStart, p.valueEnd), col, this.rowNumber);
      else if (p.type === CellType.number) cell = this.values.number(num, p.style);
      else cell = this.values.shared(num, col, this.rowNumber);
    }
    this.store(col, cell, false);
  }

  private openCell(buf: Buffer, from: number, to: number): void {
    if (this.inCell) this.endCell();
    let col = -1;
    let style = 0;
    let type: CellType = CellType.number;
    const a = this.attr;
    for (let i = nextAttr(buf, from, to, a); i > 0; i = nextAttr(buf, i, to, a)) {
      if (a.nameLen !== 1) continue;
      const n = buf[a.nameStart];
      if (n === 114 /* r */) col = columnAt(buf, a.valueStart, a.valueEnd);
      else if (n === 115 /* s */) style = uintAt(buf, a.valueStart, a.valueEnd);
      else if (n === 116 /* t */) type = cellTypeAt(buf, a.valueStart, a.valueEnd);
    }
    this.inCell = true;
    this.col = col;
    this.type = type;
    this.style = style;
    this.hasFormula = false;
    this.num = NaN;
    this.raw = undefined;
    this.inline = undefined;
    this.inIs = false;
    this.phonetic = 0;
  }

  /** Text of a <v>, or of a <t> inside <is>. Numbers are parsed in place to avoid a string. */
  private takeText(tag: number, buf: Buffer, start: number, end: number): void {
    if (tag === 116 /* t */) {
      if (this.inIs && this.phonetic === 0) this.inline = (this.inline ?? '') + buf.toString('utf8', start, end);
      return;
    }
    if (this.type === CellType.number || this.type === CellType.shared) {
      this.num = numberAt(buf, start, end);
      if (this.num !== this.num) this.raw = buf.toString('utf8', start, end);
    } else {
      this.raw = buf.toString('utf8', start, end);
    }
  }

  /** Text that held CDATA, already made into ordinary (escaped) text; rare enough to take a copy. */
  private takeString(tag: number, text: string): void {
    const bytes = Buffer.from(text);
    this.takeText(tag, bytes, 0, bytes.length);
  }

  private endCell(): void {
    this.inCell = false;
    const col = this.col >= 0 ? this.col : this.lastCol + 1;
    this.store(col, this.values.of(this.type, this.style, this.num, this.inline ?? this.raw, col, this.rowNumber), this.hasFormula);
  }

  private store(col: number, cell: Cell | undefined, formula: boolean): void {
    this.lastCol = col;
    if (cell !== undefined) {
      this.cells[col] = cell;
      this.rowHasValue = true;
      if (col > this.lastValueCol) this.lastValueCol = col;
    }
    if (formula) (this.formulas ??= [])[col] = true;
  }
}

/** A Row made by `new`, for the reason given in cellValues.ts. */
class SheetRow implements Row {
  declare formulas?: boolean[];
  declare hidden?: boolean;
  constructor(
    readonly rowNumber: number,
    readonly cells: (Cell | undefined)[],
  ) {}
}
