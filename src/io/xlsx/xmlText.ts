// Decoding of XML character data and of OOXML's own "_xHHHH_" escapes.

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Resolves &lt; &amp; &#20013; &#x4E2D; …; unknown entities are kept as written.
 * Literal line breaks become "\n" first, as XML requires (§2.11): exceljs writes a
 * raw CR LF, and Excel reads it as LF. Escaped ones (&#13;, _x000D_) survive.
 */
export function decodeEntities(s: string): string {
  if (s.indexOf('\r') !== -1) s = s.replace(/\r\n?/g, '\n');
  if (s.indexOf('&') === -1) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.charCodeAt(0) === 35 /* # */) {
      const code = body.charCodeAt(1) === 120 || body.charCodeAt(1) === 88 ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body] ?? whole;
  });
}

/**
 * Excel writes characters XML cannot hold (CR, other control characters) as
 * "_x000D_", and a literal "_x" sequence as "_x005F_x…". Applies to string values.
 */
export function decodeOoxmlEscapes(s: string): string {
  if (s.indexOf('_x') === -1) return s;
  return s.replace(/_x([0-9a-fA-F]{4})_/g, (_whole, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Text of a string cell or shared string as a person sees it. */
export function decodeStringValue(raw: string): string {
  return decodeOoxmlEscapes(decodeEntities(raw));
}
