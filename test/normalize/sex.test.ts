import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { formatSex, parseSex, type SexCode } from '../../src/normalize/sex.js';

const s = (v: string): Cell => ({ t: 's', v });

describe('parseSex', () => {
  it.each<[string, Cell | undefined, SexCode | null]>([
    ['missing', undefined, null],
    ['blank', s(''), null],
    ['dash', s('-'), null],
    ['男', s('男'), '1'],
    ['女', s('女'), '2'],
    ['男性', s('男性'), '1'],
    ['女性', s('女性'), '2'],
    ['1', s('1'), '1'],
    ['2', s('2'), '2'],
    ['M', s('M'), '1'],
    ['m', s('m'), '1'],
    ['F', s('F'), '2'],
    ['f', s('f'), '2'],
    ['full-width Ｍ', s('Ｍ'), '1'],
    ['full-width ２', s('２'), '2'],
    ['spaces', s(' 女 '), '2'],
    ['Male', s('Male'), '1'],
    ['number 1', { t: 'n', v: 1 }, '1'],
    ['number 2', { t: 'n', v: 2 }, '2'],
  ])('%s', (_label, cell, expected) => {
    expect(parseSex(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell]>([
    ['0', s('0')],
    ['9', { t: 'n', v: 9 }],
    ['未知', s('未知')],
    ['logical', { t: 'b', v: true }],
    ['error', { t: 'e', v: '#N/A' }],
  ])('%s is INVALID_VALUE', (_label, cell) => {
    expect(parseSex(cell)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
  });

  it('says what to write', () => {
    const r = parseSex(s('x'));
    expect(r.ok || r.message).toMatch(/男\/女.*1.*2/);
  });
});

describe('formatSex', () => {
  it.each<[SexCode | null, 'code' | 'text', string]>([
    ['1', 'code', '1'],
    ['2', 'code', '2'],
    ['1', 'text', '男'],
    ['2', 'text', '女'],
    [null, 'text', ''],
  ])('%s as %s -> %s', (v, form, out) => {
    expect(formatSex(v, form)).toBe(out);
  });
});
