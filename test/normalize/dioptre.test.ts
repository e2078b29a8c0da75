import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { formatDioptre, parseCylinder, parseSphere } from '../../src/normalize/dioptre.js';

const s = (v: string): Cell => ({ t: 's', v });

describe('parseSphere', () => {
  it.each<[string, Cell | undefined, number | null]>([
    ['missing', undefined, null],
    ['blank', s(' '), null],
    ['dash', s('-'), null],
    ['-2.25', s('-2.25'), -2.25],
    ['-2.25D', s('-2.25D'), -2.25],
    ['-2.25d', s('-2.25d'), -2.25],
    ['-2.25DS', s('-2.25DS'), -2.25],
    ['-0.75DC', s('-0.75DC'), -0.75],
    ['+1.00', s('+1.00'), 1],
    ['1', s('1'), 1],
    ['.5', s('.5'), 0.5],
    ['0.00', s('0.00'), 0],
    ['-0.00 is 0', s('-0.00'), 0],
    ['平光', s('平光'), 0],
    ['PL', s('PL'), 0],
    ['plano', s('plano'), 0],
    ['Plano', s('Plano'), 0],
    ['full-width minus', s('－2.25'), -2.25],
    ['full-width digits', s('－２．２５'), -2.25],
    ['U+2212 minus', s('\u22122.25'), -2.25],
    ['en dash', s('\u20132.25'), -2.25],
    ['decimal comma', s('-2,25'), -2.25],
    ['inner spaces', s(' - 2.25 '), -2.25],
    ['full-width plus', s('＋0.50'), 0.5],
    ['rounded to 2 decimals, half away from zero', s('-2.125'), -2.13],
    ['number cell', { t: 'n', v: -2.25 }, -2.25],
    ['number cell noise', { t: 'n', v: -2.2500000001 }, -2.25],
    ['range edge -30', s('-30'), -30],
    ['range edge +30', s('+30.00'), 30],
    ['-16 is a valid sphere', s('-16'), -16],
  ])('%s', (_label, cell, expected) => {
    expect(parseSphere(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell, RegExp]>([
    ['beyond -30', s('-30.25'), /球镜.*-30\.00 到 \+30\.00/],
    ['beyond +30', { t: 'n', v: 35 }, /超出范围/],
    ['text', s('近视'), /不是屈光度/],
    ['sign after the number', s('2.25-'), /不是屈光度/],
    ['two signs', s('+-1'), /不是屈光度/],
    ['date cell', { t: 'd', v: 45901 }, /不是数值/],
    ['error cell', { t: 'e', v: '#N/A' }, /错误值/],
  ])('%s is INVALID_VALUE', (_label, cell, message) => {
    const r = parseSphere(cell);
    expect(r).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(r.ok || r.message).toMatch(message);
  });
});

describe('parseCylinder', () => {
  it.each<[string, number]>([
    ['-15', -15],
    ['+15', 15],
    ['-0.50DC', -0.5],
    ['+1.25', 1.25],
  ])('%s', (text, v) => {
    expect(parseCylinder(s(text))).toEqual({ ok: true, value: v });
  });

  it.each(['-16', '+15.25'])('%s is out of the cylinder range', (text) => {
    const r = parseCylinder(s(text));
    expect(r).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(r.ok || r.message).toMatch(/柱镜.*-15\.00 到 \+15\.00/);
  });
});

describe('formatDioptre', () => {
  it.each<[number | null, string]>([
    [0.5, '+0.50'],
    [-1.25, '-1.25'],
    [0, '0.00'],
    [-0, '0.00'],
    [2, '+2.00'],
    [-10, '-10.00'],
    [0.001, '0.00'],
    [-0.001, '0.00'],
    [null, ''],
  ])('%s -> %s', (v, out) => {
    expect(formatDioptre(v)).toBe(out);
  });
});
