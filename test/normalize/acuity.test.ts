import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { ACUITY_BELOW_3 } from '../../src/model/record.js';
import { formatAcuity, parseAcuity } from '../../src/normalize/acuity.js';

const s = (v: string): Cell => ({ t: 's', v });
const n = (v: number): Cell => ({ t: 'n', v });

describe('parseAcuity', () => {
  it.each<[string, Cell | undefined, number | null]>([
    ['missing', undefined, null],
    ['blank', s(''), null],
    ['dash', s('-'), null],
    ['slash', s('/'), null],
    ['4.8 text', s('4.8'), 4.8],
    ['5 text', s('5'), 5],
    ['5.0 text', s('5.0'), 5],
    ['3.0', s('3.0'), 3],
    ['5.3', s('5.3'), 5.3],
    ['4.8 number', n(4.8), 4.8],
    ['5 number', n(5), 5],
    ['full-width ４．８', s('４．８'), 4.8],
    ['spaces', s(' 4.8 '), 4.8],
    ['decimal comma', s('4,8'), 4.8],
    ['float noise is rounded', n(4.800000000001), 4.8],
    ['0 = below 3.0', s('0'), ACUITY_BELOW_3],
    ['0 number', n(0), ACUITY_BELOW_3],
    ['9 = below 3.0', s('9'), ACUITY_BELOW_3],
    ['9.0 = below 3.0', s('9.0'), ACUITY_BELOW_3],
    ['9 number', n(9), ACUITY_BELOW_3],
  ])('%s', (_label, cell, expected) => {
    expect(parseAcuity(cell)).toEqual({ ok: true, value: expected });
  });

  // GB 11533 decimal chart lines and their 5-point values.
  it.each<[number, number]>([
    [0.1, 4.0],
    [0.12, 4.1],
    [0.15, 4.2],
    [0.2, 4.3],
    [0.25, 4.4],
    [0.3, 4.5],
    [0.4, 4.6],
    [0.5, 4.7],
    [0.6, 4.8],
    [0.8, 4.9],
    [1.0, 5.0],
    [1.2, 5.1],
    [1.5, 5.2],
    [2.0, 5.3],
  ])('decimal %d -> %d', (decimal, fivePoint) => {
    expect(parseAcuity(n(decimal))).toEqual({ ok: true, value: fivePoint });
    expect(parseAcuity(s(String(decimal)))).toEqual({ ok: true, value: fivePoint });
  });

  it.each<[string, Cell, RegExp]>([
    ['6.1', s('6.1'), /超出范围/],
    ['2.5', s('2.5'), /超出范围/],
    ['5.4', s('5.4'), /超出范围/],
    ['two decimals are refused, not rounded across a grade boundary', s('4.95'), /不是一位小数/],
    ['4.85 is not a chart line either', s('4.85'), /不是一位小数/],
    ['5.35 is not one decimal', s('5.35'), /不是一位小数/],
    ['negative', s('-4.8'), /超出范围/],
    ['negative number', n(-1), /超出范围/],
    ['decimal below 0.01 is below the chart', s('0.005'), /超出范围/],
    ['10', n(10), /超出范围/],
    ['text', s('好'), /不是数值/],
    ['two numbers', s('4.8/4.9'), /不是数值/],
    ['logical', { t: 'b', v: true }, /逻辑值/],
    ['error', { t: 'e', v: '#DIV/0!' }, /错误值/],
  ])('%s is INVALID_VALUE', (_label, cell, message) => {
    const r = parseAcuity(cell);
    expect(r).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(r.ok || r.message).toMatch(message);
  });

  it('states the accepted range and forms', () => {
    const r = parseAcuity(s('6.1'));
    expect(r.ok || r.message).toMatch(/3\.0–5\.3.*填 0.*0\.1–2\.0/);
  });
});

describe('formatAcuity', () => {
  it.each<[number | null, string]>([
    [4.8, '4.8'],
    [5, '5.0'],
    [3, '3.0'],
    [ACUITY_BELOW_3, '0'],
    [null, ''],
  ])('%s -> %s', (v, out) => {
    expect(formatAcuity(v)).toBe(out);
  });
});
