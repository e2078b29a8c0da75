import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { formatAxis, parseAxis } from '../../src/normalize/axis.js';

const s = (v: string): Cell => ({ t: 's', v });

describe('parseAxis', () => {
  it.each<[string, Cell | undefined, number | null]>([
    ['missing', undefined, null],
    ['dash', s('-'), null],
    ['90', s('90'), 90],
    ['90°', s('90°'), 90],
    ['90度', s('90度'), 90],
    ['90.0', s('90.0'), 90],
    ['090', s('090'), 90],
    ['0', s('0'), 0],
    ['180', s('180'), 180],
    ['full-width', s('１８０'), 180],
    ['number cell', { t: 'n', v: 90 }, 90],
    ['number cell 90.0', { t: 'n', v: 90.0 }, 90],
  ])('%s', (_label, cell, expected) => {
    expect(parseAxis(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell, RegExp]>([
    ['181', s('181'), /0–180/],
    ['-1', s('-1'), /超出范围/],
    ['90.5', s('90.5'), /整数/],
    ['number 90.5', { t: 'n', v: 90.5 }, /整数/],
    ['number 181', { t: 'n', v: 181 }, /超出范围/],
    ['text', s('横'), /整数度数/],
    ['error', { t: 'e', v: '#N/A' }, /错误值/],
  ])('%s is INVALID_VALUE', (_label, cell, message) => {
    const r = parseAxis(cell);
    expect(r).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(r.ok || r.message).toMatch(message);
  });

  it('formats as an integer string', () => {
    expect(formatAxis(90)).toBe('90');
    expect(formatAxis(0)).toBe('0');
    expect(formatAxis(null)).toBe('');
  });
});
