// A small streaming XML tokenizer for the package's secondary parts (rels,
// workbook, styles, shared strings). Namespace prefixes are dropped: element and
// attribute names arrive as local names, because generators differ in prefixes
// (`<x:sheet>` from the OpenXML SDK) but never in meaning.
// The worksheet has its own faster tokenizer (sheetParser.ts).
import { decodeEntities } from './xmlText.js';

export type Attrs = Record<string, string>;

/**
 * No legitimate tag or text run comes near this (Excel caps a cell at 32,767
 * characters); hitting it means the XML is broken or crafted, and carrying on
 * would grow one string until memory runs out.
 */
export const MAX_PENDING_CHARS = 16 * 1024 * 1024;

/** Malformed XML found while streaming; the caller knows the file and reports XLSX_CORRUPT. */
export class XmlStructureError extends Error {}

export interface XmlHandler {
  open(name: string, attrs: Attrs, selfClosing: boolean): void;
  close?(name: string): void;
  /** Character data with entities resolved (CDATA passed through). */
  text?(text: string): void;
}

export class XmlScanner {
  private rest = '';

  constructor(private readonly handler: XmlHandler) {}

  write(chunk: string): void {
    const buf = this.rest.length === 0 ? chunk : this.rest + chunk;
    const h = this.handler;
    let pos = 0;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      if (lt === -1) break;
      if (lt > pos && h.text) h.text(decodeEntities(buf.slice(pos, lt)));
      pos = lt;
      const c = buf.charCodeAt(lt + 1);
      if (c === 33 /* ! */ || c === 63 /* ? */) {
        const end = specialEnd(buf, lt);
        if (end === -1) break;
        if (h.text && buf.startsWith('<![CDATA[', lt)) h.text(buf.slice(lt + 9, end - 3));
        pos = end;
        continue;
      }
      const gt = tagEnd(buf, lt + 1);
      if (gt === -1) break;
      if (c === 47 /* / */) {
        h.close?.(localName(buf.slice(lt + 2, gt).trim()));
      } else {
        const selfClosing = buf.charCodeAt(gt - 1) === 47;
        const inner = buf.slice(lt + 1, selfClosing ? gt - 1 : gt);
        let nameEnd = 0;
        while (nameEnd < inner.length && inner.charCodeAt(nameEnd) > 32 && inner.charCodeAt(nameEnd) !== 47) nameEnd++;
        h.open(localName(inner.slice(0, nameEnd)), parseAttrs(inner, nameEnd), selfClosing);
        if (selfClosing) h.close?.(localName(inner.slice(0, nameEnd)));
      }
      pos = gt + 1;
    }
    this.rest = buf.slice(pos);
    if (this.rest.length > MAX_PENDING_CHARS) throw new XmlStructureError('XML 中有异常长的内容');
  }

  /** Text left over after the last tag is ignored: a well-formed part ends with a tag. */
  end(): void {
    this.rest = '';
  }
}

/** Runs a handler over a whole document held in memory. */
export function scanXml(xml: string, handler: XmlHandler): void {
  const s = new XmlScanner(handler);
  s.write(xml);
  s.end();
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
}

/** Index of the '>' closing a tag, skipping any inside quoted attribute values. */
function tagEnd(buf: string, from: number): number {
  let quote = 0;
  for (let i = from; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
  }
  return -1;
}

/** Position just after a comment, CDATA section, processing instruction or DOCTYPE. */
function specialEnd(buf: string, lt: number): number {
  let close: string;
  if (buf.startsWith('<!--', lt)) close = '-->';
  else if (buf.startsWith('<![CDATA[', lt)) close = ']]>';
  else if (buf.charCodeAt(lt + 1) === 63) close = '?>';
  else close = '>';
  const i = buf.indexOf(close, lt + 2);
  return i === -1 ? -1 : i + close.length;
}

/** Attributes keyed by local name (`r:id` → `id`), values entity-decoded. */
export function parseAttrs(s: string, from: number): Attrs {
  const attrs: Attrs = {};
  let i = from;
  for (;;) {
    const eq = s.indexOf('=', i);
    if (eq === -1) break;
    const name = s.slice(i, eq).trim();
    let q = eq + 1;
    while (q < s.length && s.charCodeAt(q) <= 32) q++;
    const quote = s[q];
    if (quote !== '"' && quote !== "'") break;
    const end = s.indexOf(quote, q + 1);
    if (end === -1) break;
    if (!name.startsWith('xmlns')) attrs[localName(name)] = decodeEntities(s.slice(q + 1, end));
    i = end + 1;
  }
  return attrs;
}
