// 姓名: NFKC, middle dots unified, spaces collapsed. Applied to identity fields only.
import { cleanText } from './text.js';

// Middle dots seen in minority names: U+00B7, U+30FB (and U+FF65 after NFKC), U+2022, U+2027, U+2219, U+22C5, U+0387, U+16EB.
const MIDDLE_DOTS = /[\u00B7\u30FB\uFF65\u2022\u2027\u2219\u22C5\u0387\u16EB]/g;

/** The name as it should be written: "买买提·艾力". Empty -> "". */
export function normalizeName(raw: string): string {
  return cleanText(raw).replace(MIDDLE_DOTS, '·').replace(/\s*·\s*/g, '·');
}

/** Key for matching names: normalised, every space removed, Latin letters upper-cased. */
export function nameKey(raw: string): string {
  return normalizeName(raw).replace(/\s+/g, '').toUpperCase();
}
