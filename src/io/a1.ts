// A1 notation helpers: column index (0-based) <-> letters.

export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** "AB" -> 27 (0-based). Returns -1 for anything that is not column letters. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) {
    const c = letters.charCodeAt(i);
    if (c < 65 || c > 90) return -1;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/** 0-based column, 1-based row -> "K12". */
export function a1(colIndex: number, rowNumber: number): string {
  return `${columnLetter(colIndex)}${rowNumber}`;
}
