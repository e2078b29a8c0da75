// Text clean-up shared by identity normalisers (DOMAIN.md "Identifiers", LIBRARIES.md "Names").

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const ALL_SPACE = /[\s\u3000]+/g;

/** NFKC, zero-width characters removed, whitespace collapsed to single spaces and trimmed. */
export function cleanText(s: string): string {
  return s.normalize('NFKC').replace(ZERO_WIDTH, '').replace(ALL_SPACE, ' ').trim();
}

/** NFKC, zero-width characters and every whitespace removed. For identifiers and matching keys. */
export function compactText(s: string): string {
  return s.normalize('NFKC').replace(ZERO_WIDTH, '').replace(ALL_SPACE, '');
}
