// GB 11643-1999 resident ID check digit (ISO 7064 MOD 11-2).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Check character for the first 17 digits of a resident ID; null if they are not 17 digits. */
export function idCheckDigit(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/**
 * True when s[from + 17] is the check character of the 17 characters at s[from], which the caller
 * has found to be ASCII digits: the 学籍号 quick path, without slices or a RegExp.
 */
export function checkDigitMatchesAt(s: string, from: number): boolean {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(from + i) - 48) * WEIGHTS[i]!;
  return CHECK.charCodeAt(sum % 11) === s.charCodeAt(from + 17);
}

/** True when an 18-character ID's last character is its correct check digit. */
export function hasValidCheckDigit(id18: string): boolean {
  return id18.length === 18 && idCheckDigit(id18.slice(0, 17)) === id18[17];
}
