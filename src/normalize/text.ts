// Text clean-up shared by identity normalisers (DOMAIN.md "Identifiers", LIBRARIES.md "Names").

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const ALL_SPACE = /[\s\u3000]+/g;
/** Printable ASCII and CJK unified ideographs, single inner spaces: nothing for cleanText to change. */
const ALREADY_CLEAN = /^[\x21-\x7E\u4E00-\u9FFF]+(?: [\x21-\x7E\u4E00-\u9FFF]+)*$/;

/** NFKC, zero-width characters removed, whitespace collapsed to single spaces and trimmed. */
export function cleanText(s: string): string {
  if (ALREADY_CLEAN.test(s)) return s;
  return s.normalize('NFKC').replace(ZERO_WIDTH, '').replace(ALL_SPACE, ' ').trim();
}

/** NFKC, zero-width characters and every whitespace removed. For identifiers and matching keys. */
export function compactText(s: string): string {
  return s.normalize('NFKC').replace(ZERO_WIDTH, '').replace(ALL_SPACE, '');
}
