// Low-level scanning helpers for the worksheet tokenizer. They work on indexes
// into the text so the hot loop allocates no substrings.
import type { MergeRange } from '../table.js';
import { columnAt, uintAt } from './sheetValues.js';

/** Calls back with name and value bounds of each attribute in [from, to). */
export function forEachAttr(buf: string, from: number, to: number, cb: (ns: number, nl: number, vs: number, ve: number) => void): void {
  let i = from;
  while (i < to) {
    const eq = buf.indexOf('=', i);
    if (eq === -1 || eq >= to) return;
    let a = i;
    while (buf.charCodeAt(a) <= 32) a++;
    let b = eq;
    while (b > a && buf.charCodeAt(b - 1) <= 32) b--;
    let q = eq + 1;
    while (q < to && buf.charCodeAt(q) <= 32) q++;
    const quote = buf.charCodeAt(q);
    if (quote !== 34 && quote !== 39) return;
    const ve = buf.indexOf(quote === 34 ? '"' : "'", q + 1);
    if (ve === -1 || ve >= to) return;
    cb(a, b - a, q + 1, ve);
    i = ve + 1;
  }
}

/** "1" or "true" (OOXML booleans in attributes). */
export function isTrueAt(buf: string, vs: number, ve: number): boolean {
  const c = buf.charCodeAt(vs);
  return ve > vs && (c === 49 /* 1 */ || c === 116 /* t */);
}

/** End of a comment, processing instruction, CDATA or other <!…>, or -1 when not in the buffer yet. */
export function skipSpecial(buf: string, lt: number): number {
  const close = buf.startsWith('<!--', lt) ? '-->' : buf.startsWith('<![CDATA[', lt) ? ']]>' : buf.charCodeAt(lt + 1) === 63 ? '?>' : '>';
  const i = buf.indexOf(close, lt + 2);
  return i === -1 ? -1 : i + close.length;
}

/**
 * Element text that contains CDATA sections, re-escaped so it decodes like
 * ordinary text; undefined when the buffer ends before the text does.
 */
export function textWithCdata(buf: string, start: number): { text: string; end: number } | undefined {
  let out = '';
  let i = start;
  for (;;) {
    const lt = buf.indexOf('<', i);
    if (lt === -1) return undefined;
    out += buf.slice(i, lt);
    if (!buf.startsWith('<![CDATA[', lt)) {
      // The buffer may end inside the "<![CDATA[" marker itself.
      if (buf.length - lt < 9 && '<![CDATA['.startsWith(buf.slice(lt))) return undefined;
      return { text: out, end: lt };
    }
    const close = buf.indexOf(']]>', lt + 9);
    if (close === -1) return undefined;
    out += buf.slice(lt + 9, close).replace(/&/g, '&amp;').replace(/</g, '&lt;');
    i = close + 3;
  }
}

/** "A1:D3" (or "$A$1", or a single cell) → range; undefined when unreadable. */
export function mergeRange(ref: string): MergeRange | undefined {
  const [from, to = from] = ref.split(':') as [string, string?];
  const a = cellRef(from);
  const b = cellRef(to);
  if (!a || !b) return undefined;
  return { top: Math.min(a.row, b.row), left: Math.min(a.col, b.col), bottom: Math.max(a.row, b.row), right: Math.max(a.col, b.col) };
}

function cellRef(ref: string): { col: number; row: number } | undefined {
  const s = ref.replace(/\$/g, '').trim();
  const col = columnAt(s, 0, s.length);
  let i = 0;
  while (i < s.length && s.charCodeAt(i) > 57) i++;
  const row = uintAt(s, i, s.length);
  return col >= 0 && row > 0 ? { col, row } : undefined;
}
