import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { formatCode, padWidth, parseCode } from '../../src/normalize/code.js';

const s = (v: string): Cell => ({ t: 's', v });

describe('parseCode', () => {
  it.each<[string, Cell | undefined, number | undefined, string | null]>([
    ['missing', undefined, 2, null],
    ['dash', s('-'), 2, null],
    ['text kept', s('01'), undefined, '01'],
    ['text trimmed', s(' 1101 '), undefined, '1101'],
    ['full-width digits', s('０１'), 2, '01'],
    ['number', { t: 'n', v: 1101 }, undefined, '1101'],
    ['number padded', { t: 'n', v: 1 }, 2, '01'],
    ['number already wide enough', { t: 'n', v: 11 }, 2, '11'],
    ['digit text padded', s('1'), 2, '01'],
    ['non-digit text not padded', s('A'), 2, 'A'],
    ['no pad without width', { t: 'n', v: 1 }, undefined, '1'],
  ])('%s', (_label, cell, pad, expected) => {
    expect(parseCode(cell, pad)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell]>([
    ['fraction', { t: 'n', v: 1.5 }],
    ['negative', { t: 'n', v: -1 }],
    ['logical', { t: 'b', v: true }],
    ['error', { t: 'e', v: '#N/A' }],
  ])('%s is INVALID_VALUE', (_label, cell) => {
    expect(parseCode(cell, 2)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
  });

  it('reads the pad width from a column format', () => {
    expect(padWidth('pad2')).toBe(2);
    expect(padWidth('pad4')).toBe(4);
    expect(padWidth('text')).toBeUndefined();
    expect(padWidth(undefined)).toBeUndefined();
  });

  it('formats with padding', () => {
    expect(formatCode('1', 2)).toBe('01');
    expect(formatCode('1101', 2)).toBe('1101');
    expect(formatCode(null, 2)).toBe('');
  });
});
