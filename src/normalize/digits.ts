// Reading ASCII digits without regexes or substrings: the hot paths (dates, packed 学籍号) call it
// for every cell.

/** The number written in s[from, to) in ASCII digits; -1 when a character is no digit. */
export function digitsAt(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
