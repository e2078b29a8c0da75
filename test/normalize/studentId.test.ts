import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { idCheckDigit } from '../../src/normalize/idCheckDigit.js';
import { damagedIdDigits, normalizeStudentId, studentIdKind } from '../../src/normalize/studentId.js';

/** A valid 18-character resident ID from its first 17 digits. */
function id18(first17: string): string {
  return first17 + idCheckDigit(first17)!;
}
/** The same ID with a wrong check digit. */
function badCheck(first17: string): string {
  const good = idCheckDigit(first17)!;
  return first17 + (good === '1' ? '2' : '1');
}
const s = (v: string): Cell => ({ t: 's', v });

const ID = id18('11010120080101123');
const G = `G${ID}`;
const ZEROED = '110101200801011000';

describe('normalizeStudentId', () => {
  it('the fixtures are what the tests assume', () => {
    expect(idCheckDigit(ZEROED.slice(0, 17))).not.toBe('0');
  });

  it.each<[string, Cell | undefined, string | null]>([
    ['missing cell', undefined, null],
    ['empty text', s(''), null],
    ['blank text', s('   '), null],
    ['dash placeholder', s('-'), null],
    ['slash placeholder', s('/'), null],
    ['em dash placeholder', s('—'), null],
    ['clean G', s(G), G],
    ['lower-case g', s(G.toLowerCase()), G],
    ['full-width', s(G.replace(/[0-9G]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))), G],
    ['inner spaces', s(`G ${ID.slice(0, 6)} ${ID.slice(6)}`), G],
    ['zero-width chars', s(`\u200B${G.slice(0, 5)}\u200C${G.slice(5)}\uFEFF`), G],
    ['U+3000 and NBSP', s(`\u3000${G}\u00A0`), G],
    ['tabs and newlines', s(`\t${G}\n`), G],
    ['CSV ="…" wrapper', s(`="${G}"`), G],
    ['leading apostrophe', s(`'${G}`), G],
    ['J with X', s('J11010120080101234X'), 'J11010120080101234X'],
    ['J unchecked check digit', s(`J${badCheck('11010120080101123')}`), `J${badCheck('11010120080101123')}`],
    ['J ending in zeros (checksum unconfirmed)', s(`J${ZEROED}`), `J${ZEROED}`],
    ['L form', s('L110101200801011234'), 'L110101200801011234'],
    ['L form, leap day', s('l110101200802291234'), 'L110101200802291234'],
    ['G with X check digit', s('g11010120080101006x'), 'G11010120080101006X'],
  ])('%s', (_label, cell, expected) => {
    expect(normalizeStudentId(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell, 'ID_DAMAGED' | 'ID_INVALID' | 'INVALID_VALUE', RegExp]>([
    ['numeric cell with 18 digits', { t: 'n', v: 110101200801011000 }, 'ID_DAMAGED', /文本/],
    ['date-formatted numeric cell', { t: 'd', v: 110101200801011000 }, 'ID_DAMAGED', /无法从本文件恢复/],
    ['small numeric cell', { t: 'n', v: 12345 }, 'ID_INVALID', /字母/],
    ['exponent text', s('1.10101E+17'), 'ID_DAMAGED', /重新导出/],
    ['exponent text without plus', s('1.1E17'), 'ID_DAMAGED', /文本/],
    ['lower-case exponent', s('1.10101200801011e+17'), 'ID_DAMAGED', /文本/],
    ['G-prefixed exponent', s('G1.10101E+17'), 'ID_DAMAGED', /文本/],
    ['18 zero-tailed digits failing checksum', s(ZEROED), 'ID_DAMAGED', /文本/],
    ['G + zero-tailed digits failing checksum', s(`G${ZEROED}`), 'ID_DAMAGED', /文本/],
    ['16 zero-tailed digits', s('1101012008010100'), 'ID_DAMAGED', /文本/],
    ['G with a bad check digit', s(`G${badCheck('11010120080101123')}`), 'ID_INVALID', /校验位/],
    ['18 bare digits, valid ID', s(ID), 'ID_INVALID', /缺少.*G/],
    ['18 bare digits, not an ID', s(badCheck('11010120080101123')), 'ID_INVALID', /19 位/],
    ['too short', s('G1101012008'), 'ID_INVALID', /19 位/],
    ['too long', s(`${G}1`), 'ID_INVALID', /19 位/],
    ['letters', s('ABCDEFGHIJKLMNOPQRS'), 'ID_INVALID', /19 位/],
    ['wrong prefix', s(`K${ID}`), 'ID_INVALID', /19 位/],
    ['L with impossible date', s('L110101200802301234'), 'ID_INVALID', /出生日期/],
    ['L with month 13', s('L110101200813011234'), 'ID_INVALID', /出生日期/],
    ['L with a letter', s('L11010120080101123X'), 'ID_INVALID', /19 位/],
    ['16 digits not zero-tailed', s('1101012008010112'), 'ID_INVALID', /19 位/],
    ['logical cell', { t: 'b', v: true }, 'ID_INVALID', /逻辑值/],
    ['error cell', { t: 'e', v: '#N/A' }, 'INVALID_VALUE', /#N\/A.*公式/],
  ])('%s', (_label, cell, code, message) => {
    const r = normalizeStudentId(cell);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });

  it('never echoes the ID in a message', () => {
    const r = normalizeStudentId(s(`G${badCheck('11010120080101123')}`));
    expect(r.ok || r.message.includes('11010120080101123')).toBe(false);
  });
});

describe('damagedIdDigits', () => {
  it.each<[string, Cell | undefined, string | null]>([
    ['numeric cell', { t: 'n', v: 110101200801011000 }, '110101200801011'],
    ['exponent text', s('1.10101E+17'), '110101'],
    ['long exponent text', s('1.10101200801011E+17'), '110101200801011'],
    ['zero-tailed text', s(ZEROED), '110101200801011'],
    ['G + zero-tailed text', s(`G${ZEROED}`), '110101200801011'],
    ['valid ID', s(G), null],
    ['invalid but not damaged', s('G123'), null],
    ['small number', { t: 'n', v: 12345 }, null],
    ['missing', undefined, null],
  ])('%s', (_label, cell, expected) => {
    expect(damagedIdDigits(cell)).toBe(expected);
  });
});

describe('studentIdKind', () => {
  it.each([
    [G, 'G'],
    ['J11010120080101234X', 'J'],
    ['L110101200801011234', 'L'],
  ])('%s', (id, kind) => {
    expect(studentIdKind(id)).toBe(kind);
  });

  it('throws on a value that was not normalised', () => {
    expect(() => studentIdKind('110101')).toThrow(TypeError);
  });
});

describe('truncated ids are mistyped, not Excel-damaged', () => {
  it('G + 17 digits ending in zeros is ID_INVALID; G + 18 damaged digits stays ID_DAMAGED', () => {
    const short = normalizeStudentId({ t: 's', v: 'G44030520141117800' });
    expect(short.ok === false && short.code).toBe('ID_INVALID');
    const prefixed = normalizeStudentId({ t: 's', v: 'G110101200801011000' });
    expect(prefixed.ok === false && prefixed.code).toBe('ID_DAMAGED');
  });
});
