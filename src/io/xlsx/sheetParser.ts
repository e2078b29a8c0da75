// Streaming tokenizer for worksheet XML. It is fed the inflated UTF-8 bytes in
// order, keeps only the unfinished tail between calls, and emits finished rows.
// Written with byte compares instead of a generic XML parser: this loop runs once
// per tag of a 200 MB sheet. Working on bytes, it decodes only the text values
// it keeps, and a character split between two chunks needs no care.
// Namespace prefixes (<x:c>) are ignored.
//
// A row filter (`keep`) lets a reader skip the rows another reader of the same
// sheet owns: a rejected row is jumped over with a search for its end tag
// instead of being tokenized, unless something in it could fool that search.
import { xlsxCorrupt } from '../readErrors.js';
import type { Cell, MergeRange, Row } from '../table.js';
import { CellValues, type SheetContext } from './cellValues.js';
import { newPlainCell, scanPlainCell } from './plainCell.js';
import { bytesAre, findByte, isTrueAt, mergeRange, newAttrBounds, nextAttr, skipSpecial, textWithCdata } from './sheetTokens.js';
import { CellType, cellTypeAt, columnAt, numberAt, uintAt } from './sheetValues.js';
import { MAX_PENDING_CHARS, parseAttrs } from './xmlScan.js';

export type { SheetContext } from './cellValues.js';

/**
 * Bytes that stop a fast skip, so the row is parsed (and dropped) instead. In the
 * skipped stretch they may start what a plain search for the end tag would misread:
 * `<!` (a comment or CDATA, which can hold a literal </row>) and `<?`; or a tag the
 * parser reacts to even inside a row: w for row and worksheet (another row start, a
 * </row > with spaces or another prefix), h for sheetData and worksheet, g for
 * mergeCell. None of them occurs in a row of plain cells (`<c r="B2" s="1" t="s"><v>7</v></c>`),
 * and each is searched for with one native call per write, not per row.
 */
const SKIP_STOPS = [119 /* w, first: it also finds the end tag */, 33 /* ! */, 63 /* ? */, 104 /* h */, 103 /* g */];
/** skipRow results besides the position after the row. */
const SKIP_MORE = -1;
const SKIP_PARSE = -2;
const ROW_END = Buffer.from('</row>');

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
  /**
   * Which rows to emit; null: all. Checked when a row's start tag is read, so it applies to rows
   * that start after it is set. A rejected row leaves no trace; its cells are not even read
   * when it can be skipped safely, so errors in them (a bad shared-string index) go unnoticed.
   */
  keep: ((rowNumber: number) => boolean) | null = null;
  /**
   * Set once a row's number was not above the one before it (a hand-made file: Excel writes rows in
   * order). Readers sharing rows out by number (keep) cannot put such a file back in order.
   */
  rowsOutOfOrder = false;
  /** The current row was rejected by `keep`: parsed only when it could not be skipped, never emitted. */
  private dropRow = false;
  /** Inside a rejected row whose end tag has not come yet; only a few bytes of it are kept between writes. */
  private skipping = false;
  /** That row's end tag: `</row>`, or `</x:row>` after `<x:row>`. */
  private skipEnd: Buffer = ROW_END;
  /** Per SKIP_STOPS byte, where it next occurs in the current buffer (from the last search on); -1: not searched. */
  private readonly stopAt = new Int32Array(SKIP_STOPS.length);

  constructor(private readonly ctx: SheetContext) {
    this.values = new CellValues(ctx);
  }

  /** Strings are taken as UTF-8 (tests feed text). */
  write(chunk: Buffer | string): void {
    const input = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const buf = this.restLength === 0 ? input : this.join(input);
    let pos = 0;
    this.stopAt.fill(-1);
    if (this.skipping) pos = this.skipFrom(buf, 0);
    while (!this.skipping) {
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
        else if (this.dropRow) {
          this.skipEnd = ns === lt + 1 ? ROW_END : this.prefixedRowEnd(buf, lt + 1, ns);
          pos = this.skipFrom(buf, gt + 1);
          continue;
        }
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
    this.skipping = false;
    this.restLength = 0;
  }

  /**
   * Skips the rejected row whose content starts at `from` (its start tag already read, or the
   * kept tail of it). Returns where to go on: after its end tag; at `from` to parse it
   * (dropRow keeps it out of `rows`) when the stretch could fool the search; or, when the end
   * tag is not in `buf` yet, where the few bytes to keep start (this.skipping is then set).
   */
  private skipFrom(buf: Buffer, from: number): number {
    const end = this.skipRow(buf, from);
    this.skipping = end === SKIP_MORE;
    if (end >= 0) return end;
    if (end === SKIP_PARSE) return from;
    return Math.max(from, buf.length - this.skipEnd.length);
  }

  /**
   * The position after the end tag of the rejected row whose content starts at `from`;
   * SKIP_MORE when it is not in `buf` yet; SKIP_PARSE when a SKIP_STOPS byte comes first.
   * An end tag the parser would not see as one (inside another tag, as in `<c a="</row>">`:
   * not well-formed, `<` must be escaped there) ends where that tag ends, and what follows
   * lands in the same dropped row either way.
   */
  private skipRow(buf: Buffer, from: number): number {
    const tag = this.skipEnd;
    const w = this.nextStop(0, buf, from);
    // Where the end tag would start if this w is its last letter.
    const start = w - (tag.length - 2);
    let stretchEnd = buf.length;
    if (w + 1 < buf.length) {
      if (start < from || buf[w + 1] !== 62 /* > */) return SKIP_PARSE;
      for (let i = 0; i < tag.length - 2; i++) if (buf[start + i] !== tag[i]) return SKIP_PARSE;
      stretchEnd = start;
    }
    for (let k = 1; k < SKIP_STOPS.length; k++) if (this.nextStop(k, buf, from) < stretchEnd) return SKIP_PARSE;
    return stretchEnd === buf.length ? SKIP_MORE : w + 2;
  }

  /** Position of SKIP_STOPS[k] at or after `from` (buf.length when none): one native search per write, not per row. */
  private nextStop(k: number, buf: Buffer, from: number): number {
    let at = this.stopAt[k]!;
    if (at < from) {
      at = buf.indexOf(SKIP_STOPS[k]!, from);
      if (at === -1) at = buf.length;
      this.stopAt[k] = at;
    }
    return at;
  }

  /** `</x:row>` for a row opened as `<x:row>` (prefix in buf[from, ns)); the last one is reused. */
  private prefixedRowEnd(buf: Buffer, from: number, ns: number): Buffer {
    const last = this.skipEnd;
    if (last.length === ns - from + 6 && buf.compare(last, 2, 2 + ns - from, from, ns) === 0) return last;
    return Buffer.concat([Buffer.from('</'), buf.subarray(from, ns), Buffer.from('row>')]);
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
    if (r > 0 && r <= this.rowNumber) this.rowsOutOfOrder = true;
    this.rowNumber = r > 0 ? r : this.rowNumber + 1;
    // Left set after the row ends: stray cells after it belong to it (see endRow).
    this.dropRow = this.keep !== null && !this.keep(this.rowNumber);
    if (this.dropRow) this.cells = [];
    else {
      // A copy of an empty array, not `new Array`: no allocation site to pretenure (see cellValues.ts).
      if (this.blank.length !== this.width) this.blank = new Array<Cell | undefined>(this.width);
      this.cells = this.blank.slice();
    }
    this.formulas = undefined;
    this.rowHidden = hidden;
    this.rowHasValue = false;
    this.lastCol = -1;
    this.lastValueCol = -1;
  }

  private endRow(): void {
    if (this.inCell) this.endCell();
    if (this.rowHasValue && !this.dropRow) {
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
