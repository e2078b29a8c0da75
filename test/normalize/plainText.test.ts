import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { parseName } from '../../src/normalize/name.js';
import { parseNumber } from '../../src/normalize/number.js';
import { parsePlainText } from '../../src/normalize/plainText.js';

const s = (v: string): Cell => ({ t: 's', v });

describe('parsePlainText', () => {
  it.each<[string, Cell | undefined, string | null]>([
    ['missing', undefined, null],
    ['blank', s(' \u3000 '), null],
    ['dash', s('-'), null],
    ['clean', s('一年级1班'), '一年级1班'],
    ['trimmed and collapsed', s('  北京市  海淀区\u3000中关村 '), '北京市 海淀区 中关村'],
    ['zero-width removed', s('1\u200B班'), '1班'],
    ['full-width folded', s('（１）班'), '(1)班'],
    ['number', { t: 'n', v: 1101 }, '1101'],
    ['decimal number', { t: 'n', v: 1.5 }, '1.5'],
    ['date cell', { t: 'd', v: 45901 }, '2025-09-01'],
    ['logical', { t: 'b', v: true }, 'TRUE'],
  ])('%s', (_label, cell, expected) => {
    expect(parsePlainText(cell)).toEqual({ ok: true, value: expected });
  });

  it('an error cell is INVALID_VALUE saying to fix the formula', () => {
    const r = parsePlainText({ t: 'e', v: '#N/A' });
    expect(r).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(r.ok || r.message).toMatch(/#N\/A.*公式/);
  });
});

describe('parseName', () => {
  it.each<[string, Cell | undefined, string | null]>([
    ['missing', undefined, null],
    ['dash', s('-'), null],
    ['plain', s(' 张三 '), '张三'],
    ['middle dot unified', s('买买提・艾力'), '买买提·艾力'],
  ])('%s', (_label, cell, expected) => {
    expect(parseName(cell)).toEqual({ ok: true, value: expected });
  });

  it('a number is not a name', () => {
    expect(parseName({ t: 'n', v: 3 })).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
  });
});

describe('parseNumber', () => {
  it.each<[string, Cell | undefined, number | null]>([
    ['missing', undefined, null],
    ['dash', s('-'), null],
    ['text', s('23.45'), 23.45],
    ['negative', s('-1.5'), -1.5],
    ['decimal comma', s('23,45'), 23.45],
    ['full-width', s('２３．４５'), 23.45],
    ['number cell', { t: 'n', v: 43.5 }, 43.5],
  ])('%s', (_label, cell, expected) => {
    expect(parseNumber(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell]>([
    ['unit', s('23.45mm')],
    ['words', s('正常')],
    ['error', { t: 'e', v: '#N/A' }],
  ])('%s is INVALID_VALUE', (_label, cell) => {
    expect(parseNumber(cell)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
  });
});
