// Streaming tokenizer for worksheet XML. It is fed text chunks in order, keeps
// only the unfinished tail between calls, and emits finished rows. Written with
// indexOf and char codes instead of a generic XML parser: this loop runs once
// per tag of a 200 MB sheet. Namespace prefixes (<x:c>) are ignored.
import { xlsxCorrupt } from '../readErrors.js';
import type { Cell, MergeRange, Row } from '../table.js';
import { CellValues, type SheetContext } from './cellValues.js';
import { newPlainCell, scanPlainCell } from './plainCell.js';
import { forEachAttr, isTrueAt, mergeRange, skipSpecial, textWithCdata } from './sheetTokens.js';
import { CellType, cellTypeAt, columnAt, numberAt, uintAt } from './sheetValues.js';
import { MAX_PENDING_CHARS, parseAttrs } from './xmlScan.js';

export type { SheetContext } from './cellValues.js';

export class SheetParser {
  /** Finished rows; the caller drains this after each write(). */
  rows: Row[] = [];
  readonly merges: MergeRange[] = [];
  private rest = '';
  private readonly values: CellValues;
  private readonly plain = newPlainCell();
  // Current row.
  private rowNumber = 0;
  private cells: (Cell | undefined)[] = [];
  private formulas: boolean[] | undefined;
  private rowHidden = false;
  private rowHasValue = false;
  private lastCol = -1;
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

  write(chunk: string): void {
    const buf = this.rest.length === 0 ? chunk : this.rest + chunk;
    let pos = 0;
    for (;;) {
      // Tags usually follow each other directly; checking the next character saves an indexOf call.
      const lt = pos < buf.length && buf.charCodeAt(pos) === 60 ? pos : buf.indexOf('<', pos);
      if (lt === -1) {
        pos = buf.length;
        break;
      }
      // Every charCodeAt stays inside the string: reading past the end makes V8 deoptimize this loop.
      if (lt + 1 >= buf.length) {
        pos = lt;
        break;
      }
      let c = buf.charCodeAt(lt + 1);
      if (c === 99 /* c */ && !this.inCell) {
        const next = scanPlainCell(buf, lt, this.plain);
        if (next > 0) {
          this.storePlainCell(buf);
          pos = next;
          continue;
        }
      }
      const gt = buf.indexOf('>', lt + 1);
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
        c = buf.charCodeAt(nameEnd);
        if (c <= 32 || c === 47) break;
        if (c === 58) colon = nameEnd;
      }
      const ns = colon === -1 ? lt + 1 : colon + 1;
      const len = nameEnd - ns;
      const first = buf.charCodeAt(ns);
      const selfClosing = buf.charCodeAt(gt - 1) === 47;
      if (len === 1) {
        if (first === 99 /* c */) {
          this.openCell(buf, nameEnd, selfClosing ? gt - 1 : gt);
          if (selfClosing) this.endCell();
        } else if ((first === 118 || first === 116) && this.inCell && !selfClosing) {
          // <v> or <t>: their text runs to the next '<', which must be in the buffer.
          const end = buf.indexOf('<', gt + 1);
          if (end === -1 || end + 1 >= buf.length) {
            pos = lt;
            break;
          }
          if (buf.charCodeAt(end + 1) === 33 /* <![CDATA[ */) {
            const r = textWithCdata(buf, gt + 1);
            if (r === undefined) {
              pos = lt;
              break;
            }
            this.takeText(first, r.text, 0, r.text.length);
            pos = r.end;
          } else {
            this.takeText(first, buf, gt + 1, end);
            pos = end;
          }
          continue;
        } else if (first === 102 /* f */ && this.inCell) this.hasFormula = true;
      } else if (len === 3 && first === 114 /* r */ && buf.startsWith('row', ns)) {
        this.openRow(buf, nameEnd, selfClosing ? gt - 1 : gt);
        if (selfClosing) this.endRow();
      } else if (!selfClosing && len === 2 && first === 105 /* i */ && buf.charCodeAt(ns + 1) === 115) {
        this.inIs = true;
      } else if (!selfClosing && len === 3 && buf.startsWith('rPh', ns)) {
        this.phonetic++;
      } else if (len === 9 && buf.startsWith('mergeCell', ns)) {
        const range = mergeRange(parseAttrs(buf.slice(nameEnd, gt), 0).ref ?? '');
        if (range) this.merges.push(range);
      } else if (selfClosing && len === 9) {
        this.endTag(buf, ns, first);
      }
      pos = gt + 1;
    }
    this.rest = pos >= buf.length ? '' : buf.slice(pos);
    if (this.rest.length > MAX_PENDING_CHARS) {
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
    this.rest = '';
  }

  private closeTag(buf: string, from: number, gt: number): void {
    let end = gt;
    while (end > from && buf.charCodeAt(end - 1) <= 32) end--;
    let ns = from;
    for (let i = from; i < end; i++) if (buf.charCodeAt(i) === 58 /* : */) ns = i + 1;
    const len = end - ns;
    const first = buf.charCodeAt(ns);
    if (len === 1 && first === 99) this.endCell();
    else if (len === 3 && first === 114 && buf.startsWith('row', ns)) this.endRow();
    else if (len === 2 && first === 105 && buf.charCodeAt(ns + 1) === 115) this.inIs = false;
    else if (len === 3 && buf.startsWith('rPh', ns) && this.phonetic > 0) this.phonetic--;
    else if (len === 9) this.endTag(buf, ns, first);
  }

  /** </sheetData> and </worksheet>, or their self-closing forms (an empty sheet). */
  private endTag(buf: string, ns: number, first: number): void {
    if (first === 115 /* s */ && buf.startsWith('sheetData', ns)) this.sheetDataEnded = true;
    else if (first === 119 /* w */ && buf.startsWith('worksheet', ns)) this.worksheetEnded = true;
  }

  private openRow(buf: string, from: number, to: number): void {
    if (this.inCell) this.endCell();
    let r = -1;
    let hidden = false;
    forEachAttr(buf, from, to, (nameStart, nameLen, vs, ve) => {
      if (nameLen === 1 && buf.charCodeAt(nameStart) === 114) r = uintAt(buf, vs, ve);
      else if (nameLen === 6 && buf.startsWith('hidden', nameStart)) hidden = isTrueAt(buf, vs, ve);
    });
    this.rowNumber = r > 0 ? r : this.rowNumber + 1;
    this.cells = [];
    this.formulas = undefined;
    this.rowHidden = hidden;
    this.rowHasValue = false;
    this.lastCol = -1;
  }

  private endRow(): void {
    if (this.inCell) this.endCell();
    if (this.rowHasValue) {
      const row: Row = { rowNumber: this.rowNumber, cells: this.cells };
      if (this.formulas) row.formulas = this.formulas;
      if (this.rowHidden) row.hidden = true;
      this.rows.push(row);
    }
    this.cells = [];
    this.formulas = undefined;
    this.rowHasValue = false;
  }

  /** Stores the cell scanPlainCell just read into this.plain. */
  private storePlainCell(buf: string): void {
    const p = this.plain;
    const col = p.col >= 0 ? p.col : this.lastCol + 1;
    let cell: Cell | undefined;
    if (p.valueStart >= 0) {
      const num = p.type === CellType.number || p.type === CellType.shared ? numberAt(buf, p.valueStart, p.valueEnd) : NaN;
      if (num !== num) cell = this.values.of(p.type, p.style, num, buf.slice(p.valueStart, p.valueEnd), col, this.rowNumber);
      else if (p.type === CellType.number) cell = this.values.number(num, p.style);
      else cell = this.values.shared(num, col, this.rowNumber);
    }
    this.store(col, cell, false);
  }

  private openCell(buf: string, from: number, to: number): void {
    if (this.inCell) this.endCell();
    let col = -1;
    let style = 0;
    let type: CellType = CellType.number;
    forEachAttr(buf, from, to, (nameStart, nameLen, vs, ve) => {
      if (nameLen !== 1) return;
      const n = buf.charCodeAt(nameStart);
      if (n === 114 /* r */) col = columnAt(buf, vs, ve);
      else if (n === 115 /* s */) style = uintAt(buf, vs, ve);
      else if (n === 116 /* t */) type = cellTypeAt(buf, vs, ve);
    });
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

  /** Text of a <v>, or of a <t> inside <is>. Numbers are parsed in place to avoid a substring. */
  private takeText(tag: number, buf: string, start: number, end: number): void {
    if (tag === 116 /* t */) {
      if (this.inIs && this.phonetic === 0) this.inline = (this.inline ?? '') + buf.slice(start, end);
      return;
    }
    if (this.type === CellType.number || this.type === CellType.shared) {
      this.num = numberAt(buf, start, end);
      if (this.num !== this.num) this.raw = buf.slice(start, end);
    } else {
      this.raw = buf.slice(start, end);
    }
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
    }
    if (formula) (this.formulas ??= [])[col] = true;
  }
}
