import { describe, expect, it } from 'vitest';
import { cellText, numberText } from '../../src/io/table.js';

describe('cellText', () => {
  it('shows numbers as Excel does: 15 significant digits, no exponent for big integers', () => {
    expect(numberText(110101200801011000)).toBe('110101200801011000');
    expect(numberText(1.10101e17)).toBe('110101000000000000');
    expect(numberText(4.8)).toBe('4.8');
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(numberText(-1.25)).toBe('-1.25');
    expect(numberText(1101)).toBe('1101');
  });

  it('gives the text of every cell kind', () => {
    expect(cellText(undefined)).toBe('');
    expect(cellText({ t: 's', v: 'G1' })).toBe('G1');
    expect(cellText({ t: 'b', v: true })).toBe('TRUE');
    expect(cellText({ t: 'e', v: '#N/A' })).toBe('#N/A');
    expect(cellText({ t: 'd', v: 45901 })).toBe('45901');
  });
});
