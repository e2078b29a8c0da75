// XML text for cell values and attributes. The fast path is one regex test per value;
// only values that need escaping or hold non-ASCII characters pay for more.

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

// Anything but tab, newline and printable ASCII without & < > ".
const NOT_PLAIN = /[^\t\n\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x7e]/;
// School, class and sex values repeat on every row; caching short ones saves most conversions.
const CACHE_MAX_ENTRIES = 4096;
const CACHE_MAX_CHARS = 64;
const byteCache = new Map<string, string>();

/**
 * Escaped XML text as a "byte string": every non-ASCII character replaced by its UTF-8 bytes,
 * one char per byte. A row built from byte strings is copied into the output buffer as latin1,
 * which is much cheaper than UTF-8-encoding each row.
 */
export function xmlBytes(s: string): string {
  if (!NOT_PLAIN.test(s)) return s;
  let out = byteCache.get(s);
  if (out === undefined) {
    out = Buffer.from(xmlText(s), 'utf8').toString('latin1');
    if (s.length <= CACHE_MAX_CHARS) {
      if (byteCache.size >= CACHE_MAX_ENTRIES) byteCache.clear();
      byteCache.set(s, out);
    }
  }
  return out;
}
