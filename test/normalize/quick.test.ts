// The quick parsers (ValueTypeHandler.quick) against the full ones on many generated cells: a quick
// answer must be exactly the full parser's value, and the common shapes must get one.
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { formatAcuity } from '../../src/normalize/acuity.js';
import { addDays, localToday } from '../../src/normalize/calendar.js';
import { quickDecimal } from '../../src/normalize/cellInput.js';
import { formatDioptre } from '../../src/normalize/dioptre.js';
import { idCheckDigit } from '../../src/normalize/idCheckDigit.js';
import { SLOW } from '../../src/normalize/result.js';
import { roundTo } from '../../src/normalize/round.js';
import { parseValue, quickValue, type ValueColumn } from '../../src/normalize/valueTypes.js';
import type { ValueType } from '../../src/templates/spec.js';

/** Seeded PRNG (mulberry32): the same cells on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261124);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const digits = (n: number): string => Array.from({ length: n }, () => String(int(0, 9))).join('');
const fullWidth = (s: string): string => s.replace(/[0-9.\-+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const s = (v: string): Cell => ({ t: 's', v });
const n = (v: number): Cell => ({ t: 'n', v });

/**
 * Checks every cell and returns how many got a quick answer. A quick answer must be exactly the
 * value parse gives (Object.is: -0 is not 0); SLOW is always allowed.
 */
function agree(type: ValueType, column: ValueColumn, cells: Cell[]): number {
  let quick = 0;
  for (const cell of cells) {
    const q = quickValue(type, cell, column);
    if (q === SLOW) continue;
    quick++;
    const full = parseValue(type, cell, column);
    if (!full.ok || !Object.is(full.value, q)) {
      throw new Error(`${type} ${column.field} ${JSON.stringify(cell)}: quick ${String(q)}, parse ${JSON.stringify(full)}`);
    }
  }
  return quick;
}

/** Decimal texts in every shape the parsers meet: signs, padding, commas, units, spaces, exponents. */
function decimalTexts(count: number): string[] {
  const out = ['5', '5.0', '05.0', ' 4.9 ', '4.9 ', '4.9', '4.95', '-0.00', '+0', '-0', '0', '1.255', '1.25', '-1.25', '+0.50',
    '1e1', '1E+1', '4.9e0', '.5', '5.', '-', '+', '', ' ', '0.0', '9', '9.0', '1.0', '0.8', '2.0', '2.05', '3.0', '5.3', '5.35',
    '-30.00', '-30.01', '30.00', '+30.25', '-15.00', '-15.25', '15.25', '１.２５', '－２．２５', '\u22121.25', '\u20131.25', '-1,25',
    '-1.25D', '-1.25DS', '-0.75DC', '-1.25d', '平光', 'PL', '1.25.5', '--1', '+-1', '0x10', 'Infinity', 'NaN', '1_000',
    '123456789012345', '1234567890123456', '0.000000000000001', '99999999999999.9', '4.9\u200B', '\u00A04.9'];
  for (let i = 0; i < count; i++) {
    if (random() < 0.5) {
      // The shapes sheets mostly hold: 4.9, 5, -1.25, +0.50, 0.00.
      out.push(pick(['', '', '-', '+']) + digits(pick([1, 1, 1, 2])) + pick(['', '.' + digits(pick([1, 1, 2, 2, 3]))]));
      continue;
    }
    const sign = pick(['', '', '', '-', '+', '\u2212', '－']);
    const whole = digits(pick([0, 1, 1, 1, 2, 3]));
    const frac = pick(['', '.', '.', ',']) + digits(pick([0, 1, 2, 2, 3, 4]));
    const suffix = pick(['', '', '', '', 'D', 'DS', 'DC', 'd', '°', '度', 'e1', 'E+2', ' ']);
    const prefix = pick(['', '', '', '', ' ', '\u3000', '\t']);
    const text = prefix + sign + whole + frac + suffix;
    out.push(random() < 0.05 ? fullWidth(text) : text);
  }
  return out;
}

/** Numbers as number cells hold them: tenths, hundredths, codes, integers and arbitrary doubles. */
function numbers(count: number): number[] {
  const out = [0, -0, 9, 1, 2, 2.05, 3, 5.3, 5.35, 4.95, 0.1, 0.05, 30, -30, 30.01, 15, -15.25, 180, 181, -1, 90.5, 1e15, -1e-9, Infinity, NaN];
  for (let i = 0; i < count; i++) {
    const k = int(-4000, 4000);
    out.push(pick([k / 10, k / 100, k / 1000, k, random() * 60 - 30, Math.round(random() * 200)]));
  }
  return out;
}

describe('quickDecimal', () => {
  it('reads plain decimals exactly as Number() does and leaves every other text to the RegExps', () => {
    let answered = 0;
    for (const t of decimalTexts(20000)) {
      const q = quickDecimal(t);
      if (q === SLOW) continue;
      answered++;
      expect(/^[+-]?\d+(?:\.\d+)?$/.test(t), t).toBe(true);
      expect(Object.is(q, Number(t)), t).toBe(true);
    }
    expect(answered).toBeGreaterThan(5000);
    for (const t of ['4.9', '05.0', '-0.00', '+0.50', '123456789012345']) expect(quickDecimal(t)).not.toBe(SLOW);
    for (const t of [' 4.9', '4.9 ', '１.２５', '1e1', '.5', '5.', '-', '', '1,25', '1234567890123456']) expect(quickDecimal(t)).toBe(SLOW);
  });
});

describe('quick parsers agree with the full ones', () => {
  const texts = decimalTexts(20000).map(s);
  const nums = numbers(20000).map(n);
  const others: Cell[] = [{ t: 'b', v: true }, { t: 'e', v: '#N/A' }, { t: 'd', v: 45901 }];

  it('acuity', () => {
    const col = { field: 'rightUcva' };
    const readings = Array.from({ length: 5000 }, () => (int(0, 60) / 10).toFixed(pick([0, 1, 1, 1, 2])));
    expect(agree('acuity', col, [...texts, ...readings.map(s), ...nums, ...others])).toBeGreaterThan(5000);
    for (const v of ['4.9', '5.0', '5', '05.0', '0.8', '0', '9.0']) expect(quickValue('acuity', s(v), col), v).not.toBe(SLOW);
    for (const v of [4.9, 5, 3, 5.3, 0.8, 0, 9]) expect(quickValue('acuity', n(v), col), String(v)).not.toBe(SLOW);
    for (const v of ['4.95', '5.4', '2.9', ' 4.9 ', '４.９']) expect(quickValue('acuity', s(v), col), v).toBe(SLOW);
  });

  it.each(['rightSphere', 'leftCylinder'])('dioptre (%s)', (field) => {
    const col = { field };
    expect(agree('dioptre', col, [...texts, ...nums, ...others])).toBeGreaterThan(5000);
    for (const v of ['-1.25', '+0.50', '0.00', '-0.00', '+0', '1.255', '-2']) expect(quickValue('dioptre', s(v), col), v).not.toBe(SLOW);
    expect(quickValue('dioptre', s('-0.00'), col)).toBe(0);
    expect(quickValue('dioptre', s('-1.25DS'), col)).toBe(SLOW);
    expect(quickValue('dioptre', s('-20.00'), col)).toBe(field === 'rightSphere' ? -20 : SLOW);
  });

  it('axis and number', () => {
    expect(agree('axis', { field: 'rightAxis' }, [...texts, ...nums, ...others])).toBeGreaterThan(1000);
    expect(agree('number', { field: 'rightAxialLength' }, [...texts, ...nums, ...others])).toBeGreaterThan(5000);
    expect(quickValue('number', s('-0'), { field: 'rightAxialLength' })).toBe(-0);
  });

  it.each(['birthDate', 'examDate', 'remarks'])('date (%s), at month ends, leap days and the window edges', (field) => {
    const today = localToday();
    const years = [999, 1000, 1899, 1900, 1989, 1990, 2000, 2004, 2010, 2016, 2019, 2020, 2023, 2024, 2025, 2100, 9999, Number(today.slice(0, 4))];
    const cells: Cell[] = [];
    const texts = [today, addDays(today, 1), addDays(today, -1), addDays(today, 400), addDays(today, 401), '2000-02-29', '1900-02-29', '2100-02-29',
      '2024-02-29', '2023-02-29', '2024-04-31', '2024-00-10', '2024-13-01', '2024-1-0', '2024年2月29号', '2024年2月30日', '2024年 2月 3日',
      '2024/2/29 12:00', '2024-02-29T08:00:00Z', '20240229', '20230229', '2024229', '45901', '45901.5', '2024/02-29', '2024-02-29 ',
      '２０２４-02-29', '2024年02月29', '2024年2月29日日', '2024//29', '2024/2/', '24/2/29', '-', ''];
    for (let i = 0; i < 6000; i++) {
      const y = pick(years);
      const m = pick([0, 1, 2, 2, 2, 3, 4, 6, 9, 11, 12, 13, int(1, 12)]);
      const d = pick([0, 1, 28, 29, 29, 30, 31, 32, int(1, 31)]);
      const pad = (v: number): string => (random() < 0.5 && v < 10 ? `0${v}` : String(v));
      const form = pick(['-', '/', '.', 'cjk', 'cjk号', 'compact', 'mixed', 'time']);
      if (form === 'cjk') texts.push(`${y}年${pad(m)}月${pad(d)}${pick(['日', ''])}`);
      else if (form === 'cjk号') texts.push(`${y}年${m}月${d}号`);
      else if (form === 'compact') texts.push(`${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`);
      else if (form === 'mixed') texts.push(`${y}-${pad(m)}/${pad(d)}`);
      else if (form === 'time') texts.push(`${y}-${pad(m)}-${pad(d)} 08:30`);
      else texts.push(`${y}${form}${pad(m)}${form}${pad(d)}`);
      cells.push({ t: 'd', v: pick([int(-2, 3000000), int(18000, 50000) + random(), 0, 59, 60, 61, 2958465, 2958466]) });
    }
    cells.push(...texts.map(s), ...nums.slice(0, 2000), ...others);
    expect(agree('date', { field }, cells)).toBeGreaterThan(1000);
    for (const v of ['2016-03-31', '2016/3/31', '2016.3.31', '20160331', '2016年3月31日', '2016年03月31号']) {
      expect(quickValue('date', s(v), { field }), v).toBe('2016-03-31');
    }
    expect(quickValue('date', { t: 'd', v: 42460 }, { field })).toBe('2016-03-31');
    expect(quickValue('date', s('2016-02-30'), { field })).toBe(SLOW);
  });

  it('student IDs', () => {
    const cells: Cell[] = [];
    for (let i = 0; i < 5000; i++) {
      const body = `${pick(['110101', '510107', '440305'])}${int(2005, 2020)}${String(int(1, 12)).padStart(2, '0')}${String(int(1, 28)).padStart(2, '0')}${digits(3)}`;
      const check = random() < 0.8 ? idCheckDigit(body)! : pick(['0', '5', 'X', 'x']);
      const id = `${pick(['G', 'G', 'G', 'J', 'L', 'g', ''])}${body}${check}`;
      cells.push(s(pick([id, id, id, ` ${id}`, id.toLowerCase(), `="${id}"`, `'${id}`, id.slice(0, 18), `${id.slice(0, 8)} ${id.slice(8)}`])));
    }
    cells.push(s('G1.10101E+17'), n(110101200801011234), s('-'), ...others);
    expect(agree('studentId', { field: 'studentId' }, cells)).toBeGreaterThan(500);
  });

  it('resident ID numbers', () => {
    const cells: Cell[] = [];
    for (let i = 0; i < 5000; i++) {
      const body = `${pick(['110101', '510107', '440305'])}${int(2005, 2020)}${String(int(1, 12)).padStart(2, '0')}${String(int(1, 28)).padStart(2, '0')}${digits(3)}`;
      const check = random() < 0.8 ? idCheckDigit(body)! : pick(['0', '5', 'X', 'x']);
      const id = `${body}${check}`;
      cells.push(s(pick([id, id, id, ` ${id}`, `${id} `, id.toLowerCase(), `="${id}"`, `'${id}`, id.slice(0, 17), id.slice(0, 15), `G${id}`,
        `${id.slice(0, 8)} ${id.slice(8)}`, fullWidth(id), `${id.slice(0, 15)}000`])));
    }
    cells.push(s('1.10101E+17'), s('11010119900101123X'), s('11010119900101123x'), n(110101900101123), n(110101199001011230), s('-'), ...others);
    // Quick only for the clean 18-character form with a right check digit, and then parse's value.
    expect(agree('idCard', { field: 'idCardNumber' }, cells)).toBeGreaterThan(800);
    expect(quickValue('idCard', s(` ${cells[0]!.v}`), { field: 'idCardNumber' })).toBe(SLOW);
  });

  it('codes, texts, names, sex and yes/no', () => {
    const words = ['', ' ', '-', '--', '—', '／', '1', '01', '1101', '0011', ' 11 ', '１１', 'A1', '一年级1班', '一年级 1班', '一年级  1班', '买买提·艾力',
      '买买提•艾力', '买买提 · 艾力', '张三', 'Zhang San', '\u200B张三', '男', '女', 'm', 'M', 'female', '男 ', '1', '2', '3', '是', '否', 'Y', 'yes',
      '√', '×', '有', '无', 'true', ' 是'];
    const cells: Cell[] = [...words.map(s), ...others, n(1), n(2), n(0), n(11), n(-1), n(1.5)];
    for (let i = 0; i < 3000; i++) cells.push(s(`${digits(int(0, 5))}${pick(['', '', ' ', '班', '\u3000'])}`));
    for (const format of [undefined, 'pad2', 'pad4']) expect(agree('code', { field: 'classCode', format }, cells)).toBeGreaterThan(1000);
    expect(quickValue('code', s('1'), { field: 'ethnicityCode', format: 'pad2' })).toBe('01');
    expect(agree('text', { field: 'className' }, cells)).toBeGreaterThan(1000);
    expect(agree('name', { field: 'name' }, cells)).toBeGreaterThan(1000);
    expect(agree('sex', { field: 'sex' }, cells)).toBeGreaterThan(5);
    expect(agree('yesNo', { field: 'orthoK' }, cells)).toBeGreaterThan(5);
    expect(agree('idCard', { field: 'idCardNumber' }, cells)).toBe(0);
  });
});

describe('formatting from the text tables', () => {
  const numbersToFormat = [...numbers(20000), 0.1 + 0.2, 4.85, 4.95, -4.85, 1.005, -1.005, 0.125, -0.125, 39.99, 40, 40.01, -40, -40.01, 1e21];

  it('acuity texts are toFixed(1)\'s, with 0 written as "0"', () => {
    for (const v of [...numbersToFormat, ...numbersToFormat]) {
      expect(formatAcuity(v), String(v)).toBe(v === 0 ? '0' : v.toFixed(1));
    }
  });

  it('dioptre texts are two decimals with a sign for positive values, whichever value filled the table', () => {
    const expected = (v: number): string => {
      const t = roundTo(v, 2).toFixed(2);
      return v > 0 && t !== '0.00' ? `+${t}` : t;
    };
    for (const v of [-0, 0, ...numbersToFormat, 0, -0, ...numbersToFormat]) expect(formatDioptre(v), String(v)).toBe(expected(v));
    expect([formatDioptre(-0.001), formatDioptre(0.004), formatDioptre(0.005), formatDioptre(-0.005)]).toEqual(['0.00', '0.00', '+0.01', '-0.01']);
  });
});
