// XML text for cell values and attributes. Most cell values are short printable ASCII
// (IDs, dates, acuity, dioptres) and pass one regex test; the rest are escaped, turned into
// UTF-8 byte strings and cached.

// XML specials, CR (kept as a character reference so it survives parsing), control characters
// that XML 1.0 forbids, U+FFFE/U+FFFF, and any surrogate (checked for pairing on the slow path).
const NEEDS_WORK = /[&<>"\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
const WORK = /[\ud800-\udbff][\udc00-\udfff]|[&<>"\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g;
const REPLACEMENT: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#13;',
};

/** Escape for element text or a double-quoted attribute; drops characters XML 1.0 cannot hold. */
export function xmlText(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  // Surrogate pairs (e.g. 𠮷 in a name) match as two characters and are kept; lone halves are dropped.
  return s.replace(WORK, (m) => (m.length === 2 ? m : (REPLACEMENT[m] ?? '')));
}

// Anything but printable ASCII without & < > ". Tab and line breaks are not plain: they need
// xml:space="preserve".
const NOT_PLAIN = /[^\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x7e]/;
const SPACE = 0x20;

/**
 * True when s can go between <t> and </t> as it is: printable ASCII without & < > " and without
 * a space at either end (readers trim those unless the element says xml:space="preserve").
 */
export function isPlainText(s: string): boolean {
  return !NOT_PLAIN.test(s) && s.charCodeAt(0) !== SPACE && s.charCodeAt(s.length - 1) !== SPACE;
}

/**
 * The same byte string as one flat piece. V8 keeps `a + b` as a rope, and copying a rope into a
 * Buffer visits every piece; strings that go into every row are flattened once.
 */
export function flat(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('latin1');
}

// School, class and sex values repeat on every row; caching short ones saves most conversions.
const CACHE_MAX_ENTRIES = 4096;
const CACHE_MAX_CHARS = 64;
const elementCache = new Map<string, string>();

/**
 * The start of the <t> element for s, up to and without </t>, as one flat byte string: with
 * xml:space="preserve" only when s needs it.
 */
export function textElement(s: string): string {
  if (s.length > CACHE_MAX_CHARS) return element(s);
  let out = elementCache.get(s);
  if (out === undefined) {
    out = element(s);
    if (elementCache.size >= CACHE_MAX_ENTRIES) elementCache.clear();
    elementCache.set(s, out);
  }
  return out;
}

/**
 * For UTF-8 text copied into a sheet byte by byte (XlsxWriter.writeTextRow), per byte: 0 when it
 * can stand in <t> as it is, 1 when the text needs textElement (XML specials, control characters,
 * CR, tab and line feed), 2 for 0xEF, which starts U+FFFE/U+FFFF (EF BF BE/BF, dropped) among
 * harmless characters. UTF-8 bytes of valid text hold no surrogates.
 */
export const TEXT_BYTE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) TEXT_BYTE[b] = 1;
for (const c of '&<>"') TEXT_BYTE[c.charCodeAt(0)] = 1;
TEXT_BYTE[0xef] = 2;

/**
 * Per byte: 1 when a character starting with it may be white space (or is a control character),
 * so that text starting or ending with it may need xml:space="preserve". Beyond ASCII, JavaScript's
 * \s holds U+00A0 (C2), U+1680 (E1), U+2000…U+205F (E2), U+3000 (E3) and U+FEFF (EF); every character
 * with those lead bytes counts, which is safe (the text just takes the exact, slower way).
 */
export const EDGE_BYTE = new Uint8Array(256);
for (let b = 0; b <= SPACE; b++) EDGE_BYTE[b] = 1;
for (const b of [0xc2, 0xe1, 0xe2, 0xe3, 0xef]) EDGE_BYTE[b] = 1;

// Excel drops leading and trailing whitespace unless the text says xml:space="preserve"
// (LibreOffice, openpyxl and exceljs keep it either way); tabs and line breaks get it too.
const LINE_OR_TAB = /[\t\n\r]/;
const WHITE = /\s/;

function element(s: string): string {
  const text = xmlText(s);
  // Edges of the cleaned text: "\u0001 x" loses its control character and then starts with a space.
  const preserve = LINE_OR_TAB.test(s) || isWhiteAt(text, 0) || isWhiteAt(text, text.length - 1);
  // Encoding after the concatenation gives a flat string, which is cheap to copy on every use.
  return utf8Bytes((preserve ? '<t xml:space="preserve">' : '<t>') + text);
}

function isWhiteAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  // \s beyond ASCII lies in U+0085…U+3000 (U+00A0, U+3000 and the like) plus U+FEFF; CJK is above.
  return c <= SPACE || (c > 0x7f && (c <= 0x3000 ? WHITE.test(s.charAt(i)) : c === 0xfeff));
}

let scratch = Buffer.allocUnsafe(4096);

/**
 * A "byte string": every non-ASCII character replaced by its UTF-8 bytes, one char per byte.
 * A row built from byte strings is copied into the output buffer as latin1, which is much
 * cheaper than UTF-8-encoding each row.
 */
function utf8Bytes(s: string): string {
  // At most 3 bytes per UTF-16 unit; a scratch buffer saves a Buffer per value.
  if (s.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(s.length * 3);
  return scratch.toString('latin1', 0, scratch.write(s, 0, 'utf8'));
}
