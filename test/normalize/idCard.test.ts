import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { normalizeIdCard, sexFromIdCard } from '../../src/normalize/idCard.js';
import { idCheckDigit } from '../../src/normalize/idCheckDigit.js';

const s = (v: string): Cell => ({ t: 's', v });
const ID = '11010120080101123' + idCheckDigit('11010120080101123')!;
const X_ID = '11010120080101006X';
const BAD = '110101200801011231';

describe('normalizeIdCard', () => {
  it('the fixtures are what the tests assume', () => {
    expect(idCheckDigit('11010120080101006')).toBe('X');
    expect(idCheckDigit(BAD.slice(0, 17))).not.toBe('1');
  });

  it.each<[string, Cell | undefined, string | null]>([
    ['missing', undefined, null],
    ['placeholder', s('-'), null],
    ['clean', s(ID), ID],
    ['lower-case x', s(X_ID.toLowerCase()), X_ID],
    ['full-width', s('１１０１０１２００８０１０１００６Ｘ'), X_ID],
    ['spaces and zero-width', s(` 110101 2008\u200B0101\u3000006X `), X_ID],
    ['legacy 15 digits', s('110101800101123'), '110101800101123'],
    ['legacy 15 digits as a number (still exact)', { t: 'n', v: 110101800101123 }, '110101800101123'],
  ])('%s', (_label, cell, expected) => {
    expect(normalizeIdCard(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell, string, RegExp]>([
    ['18-digit number', { t: 'n', v: 110101200801011000 }, 'ID_DAMAGED', /文本/],
    ['exponent text', s('1.10101E+17'), 'ID_DAMAGED', /身份证号/],
    ['zero-tailed text failing checksum', s('110101200801011000'), 'ID_DAMAGED', /文本/],
    ['17 zero-tailed digits', s('11010120080101100'), 'ID_DAMAGED', /文本/],
    ['bad check digit', s(BAD), 'ID_INVALID', /校验位/],
    ['legacy with impossible date', s('110101801301123'), 'ID_INVALID', /出生日期/],
    ['a 学籍号', s(`G${ID}`), 'ID_INVALID', /学籍号/],
    ['short number', { t: 'n', v: 1234 }, 'ID_INVALID', /18 位/],
    ['letters', s('ABC'), 'ID_INVALID', /18 位/],
    ['error cell', { t: 'e', v: '#REF!' }, 'INVALID_VALUE', /错误值/],
  ])('%s', (_label, cell, code, message) => {
    const r = normalizeIdCard(cell);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });
});

describe('sexFromIdCard', () => {
  it.each<[string, '1' | '2' | null]>([
    [ID, '1'], // 17th digit 3
    [X_ID, '2'], // 17th digit 6
    ['110101800101123', '1'],
    ['110101800101122', '2'],
    ['short', null],
  ])('%s', (id, sex) => {
    expect(sexFromIdCard(id)).toBe(sex);
  });
});
