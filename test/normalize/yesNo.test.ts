import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { formatYesNo, parseYesNo } from '../../src/normalize/yesNo.js';

const s = (v: string): Cell => ({ t: 's', v });

describe('parseYesNo', () => {
  it.each<[string, Cell | undefined, boolean | null]>([
    ['missing', undefined, null],
    ['dash', s('-'), null],
    ['是', s('是'), true],
    ['否', s('否'), false],
    ['Y', s('Y'), true],
    ['n', s('n'), false],
    ['yes', s('yes'), true],
    ['NO', s('NO'), false],
    ['1', s('1'), true],
    ['0', s('0'), false],
    ['true', s('true'), true],
    ['FALSE', s('FALSE'), false],
    ['√', s('√'), true],
    ['×', s('×'), false],
    ['有', s('有'), true],
    ['无', s('无'), false],
    ['spaces', s(' 是 '), true],
    ['full-width Ｙ', s('Ｙ'), true],
    ['logical true', { t: 'b', v: true }, true],
    ['logical false', { t: 'b', v: false }, false],
    ['number 1', { t: 'n', v: 1 }, true],
    ['number 0', { t: 'n', v: 0 }, false],
  ])('%s', (_label, cell, expected) => {
    expect(parseYesNo(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell]>([
    ['maybe', s('不确定')],
    ['2', { t: 'n', v: 2 }],
    ['date', { t: 'd', v: 45901 }],
    ['error', { t: 'e', v: '#N/A' }],
  ])('%s is INVALID_VALUE', (_label, cell) => {
    expect(parseYesNo(cell)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
  });

  it('formats 是/否, or 1/0 as code', () => {
    expect(formatYesNo(true)).toBe('是');
    expect(formatYesNo(false)).toBe('否');
    expect(formatYesNo(null)).toBe('');
    expect(formatYesNo(true, 'code')).toBe('1');
    expect(formatYesNo(false, 'code')).toBe('0');
  });
});
