// Low-level scanning helpers for the worksheet tokenizer. They work on indexes
// into the XML bytes so the hot loop allocates nothing.
import type { MergeRange } from '../table.js';

/**
 * buf.indexOf(byte, from) for what is usually a few bytes away: a loop over the
 * first bytes beats the native call, which then takes over for long stretches.
 */
export function findByte(buf: Buffer, byte: number, from: number): number {
  const near = Math.min(buf.length, from + 64);
  for (let i = from; i < near; i++) if (buf[i] === byte) return i;
  return near === buf.length ? -1 : buf.indexOf(byte, near);
}

/** Bounds of one attribute's name and value, filled in by nextAttr. */
export interface AttrBounds {
  nameStart: number;
  nameLen: number;
  valueStart: number;
  valueEnd: number;
}

export function newAttrBounds(): AttrBounds {
  return { nameStart: 0, nameLen: 0, valueStart: 0, valueEnd: 0 };
}

/**
 * Reads the next attribute in [from, to) into `out`; returns the position after
 * it, or -1 when there is none. Used as a loop, so a tag costs no callback.
 */
export function nextAttr(buf: Buffer, from: number, to: number, out: AttrBounds): number {
  const eq = findByte(buf, 61 /* = */, from);
  if (eq === -1 || eq >= to) return -1;
  let a = from;
  while (buf[a]! <= 32) a++;
  let b = eq;
  while (b > a && buf[b - 1]! <= 32) b--;
  let q = eq + 1;
  while (q < to && buf[q]! <= 32) q++;
  const quote = buf[q];
  if (quote !== 34 && quote !== 39) return -1;
  const ve = findByte(buf, quote, q + 1);
  if (ve === -1 || ve >= to) return -1;
  out.nameStart = a;
  out.nameLen = b - a;
  out.valueStart = q + 1;
  out.valueEnd = ve;
  return ve + 1;
}

/** True when the bytes at `at` are the ASCII text `s`. */
export function bytesAre(buf: Buffer, at: number, s: string): boolean {
  if (at + s.length > buf.length) return false;
  for (let i = 0; i < s.length; i++) if (buf[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** "1" or "true" (OOXML booleans in attributes). */
export function isTrueAt(buf: Buffer, vs: number, ve: number): boolean {
  const c = buf[vs];
  return ve > vs && (c === 49 /* 1 */ || c === 116 /* t */);
}

/** End of a comment, processing instruction, CDATA or other <!…>, or -1 when not in the buffer yet. */
export function skipSpecial(buf: Buffer, lt: number): number {
  const close = bytesAre(buf, lt, '<!--') ? '-->' : bytesAre(buf, lt, '<![CDATA[') ? ']]>' : buf[lt + 1] === 63 ? '?>' : '>';
  const i = buf.indexOf(close, lt + 2, 'latin1');
  return i === -1 ? -1 : i + close.length;
}

/**
 * Element text that contains CDATA sections, re-escaped so it decodes like
 * ordinary text; undefined when the buffer ends before the text does.
 */
export function textWithCdata(buf: Buffer, start: number): { text: string; end: number } | undefined {
  let out = '';
  let i = start;
  for (;;) {
    const lt = buf.indexOf(60 /* < */, i);
    if (lt === -1) return undefined;
    out += buf.toString('utf8', i, lt);
    if (!bytesAre(buf, lt, '<![CDATA[')) {
      // The buffer may end inside the "<![CDATA[" marker itself.
      if (buf.length - lt < 9 && '<![CDATA['.startsWith(buf.toString('latin1', lt))) return undefined;
      return { text: out, end: lt };
    }
    const close = buf.indexOf(']]>', lt + 9, 'latin1');
    if (close === -1) return undefined;
    out += escapeCdata(buf.toString('utf8', lt + 9, close));
    i = close + 3;
  }
}

/** CDATA content made into ordinary character data, so one decoder handles both. */
export function escapeCdata(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
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
  const m = /^([A-Za-z]+)(\d{1,15})$/.exec(ref.replace(/\$/g, '').trim());
  if (!m) return undefined;
  let col = 0;
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  const row = Number(m[2]);
  return row > 0 ? { col: col - 1, row } : undefined;
}
