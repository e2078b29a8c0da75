// Well-formed 全国学籍号 for hand-made test files: G + an 18-digit resident ID with its
// GB 11643 check digit (DOMAIN.md "Identifiers").
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** region: 6 digits; birth: YYYYMMDD; seq: 0–99; the 17th digit carries the sex (odd = male). */
export function residentId(region: string, birth: string, seq: number, sex: '1' | '2'): string {
  const body = `${region}${birth}${String(seq).padStart(2, '0')}${sex === '1' ? 1 : 2}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * WEIGHTS[i]!, 0);
  return body + CHECK[sum % 11]!;
}

export function studentId(region: string, birth: string, seq: number, sex: '1' | '2'): string {
  return `G${residentId(region, birth, seq, sex)}`;
}
