import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { addDays, localToday } from '../../src/normalize/calendar.js';
import { idCheckDigit } from '../../src/normalize/idCheckDigit.js';
import { formatValue, parseValue, VALUE_TYPE_HANDLERS } from '../../src/normalize/valueTypes.js';
import { VALUE_TYPES, type ValueType } from '../../src/templates/spec.js';

const s = (v: string): Cell => ({ t: 's', v });
const ID = '11010120080101123' + idCheckDigit('11010120080101123')!;

describe('the value-type table', () => {
  it('has a handler for every value type and nothing else', () => {
    expect(Object.keys(VALUE_TYPE_HANDLERS).sort()).toEqual([...VALUE_TYPES].sort());
  });

  it.each(VALUE_TYPES.map((t) => [t]))('%s: empty, placeholder and error cells', (type: ValueType) => {
    const col = { field: 'remarks' };
    expect(parseValue(type, undefined, col)).toEqual({ ok: true, value: null });
    expect(parseValue(type, s('-'), col)).toEqual({ ok: true, value: null });
    expect(parseValue(type, s('  '), col)).toEqual({ ok: true, value: null });
    expect(parseValue(type, { t: 'e', v: '#N/A' }, col)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(formatValue(type, null, col)).toBe('');
  });

  it.each<[ValueType, string, string | undefined, Cell, unknown, string]>([
    ['text', 'className', undefined, s(' 1班 '), '1班', '1班'],
    ['code', 'ethnicityCode', 'pad2', { t: 'n', v: 1 }, '01', '01'],
    ['code', 'classCode', undefined, { t: 'n', v: 1101 }, '1101', '1101'],
    ['studentId', 'studentId', undefined, s(`g${ID}`), `G${ID}`, `G${ID}`],
    ['idCard', 'idCardNumber', undefined, s(ID), ID, ID],
    ['name', 'name', undefined, s('买买提•艾力'), '买买提·艾力', '买买提·艾力'],
    ['sex', 'sex', 'code', s('男'), '1', '1'],
    ['sex', 'sex', 'text', s('2'), '2', '女'],
    ['date', 'birthDate', undefined, s('2015年3月8日'), '2015-03-08', '2015/03/08'],
    ['date', 'examDate', 'iso', { t: 'd', v: 45901 }, '2025-09-01', '2025-09-01'],
    ['acuity', 'rightUcva', undefined, s('0.8'), 4.9, '4.9'],
    ['acuity', 'leftUcva', undefined, s('9.0'), 0, '0'],
    ['dioptre', 'rightSphere', undefined, s('-2.25DS'), -2.25, '-2.25'],
    ['dioptre', 'leftCylinder', undefined, s('+0.5'), 0.5, '+0.50'],
    ['axis', 'rightAxis', undefined, s('90°'), 90, '90'],
    ['yesNo', 'orthoK', undefined, s('√'), true, '是'],
    ['yesNo', 'orthoK', 'code', s('否'), false, '0'],
    ['number', 'rightAxialLength', undefined, s('23.45'), 23.45, '23.45'],
  ])('%s (%s, %s)', (type, field, format, cell, value, out) => {
    const col = { field, format };
    expect(parseValue(type, cell, col)).toEqual({ ok: true, value });
    expect(formatValue(type, value, col)).toBe(out);
  });

  it('uses the cylinder range for fields ending in Cylinder', () => {
    expect(parseValue('dioptre', s('-20'), { field: 'rightSphere' })).toEqual({ ok: true, value: -20 });
    expect(parseValue('dioptre', s('-20'), { field: 'rightCylinder' })).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    expect(parseValue('dioptre', s('-20'), { field: 'leftCycloCylinder' })).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
  });

  it('checks plausible windows for birth and exam dates only', () => {
    const tomorrow = addDays(localToday(), 1);
    expect(parseValue('date', s('1989-12-31'), { field: 'birthDate' })).toMatchObject({ ok: false, code: 'INVALID_DATE' });
    expect(parseValue('date', s(tomorrow), { field: 'birthDate' })).toMatchObject({ ok: false, code: 'INVALID_DATE' });
    expect(parseValue('date', s('1999-12-31'), { field: 'examDate' })).toMatchObject({ ok: false, code: 'INVALID_DATE' });
    expect(parseValue('date', s(tomorrow), { field: 'examDate' })).toEqual({ ok: true, value: tomorrow });
    expect(parseValue('date', s(addDays(tomorrow, 1)), { field: 'examDate' })).toMatchObject({ ok: false, code: 'INVALID_DATE' });
    expect(parseValue('date', s('1989-12-31'), { field: 'remarks' })).toEqual({ ok: true, value: '1989-12-31' });
  });

  it('throws on a value of the wrong kind (a programming error)', () => {
    expect(() => formatValue('acuity', '4.8', { field: 'rightUcva' })).toThrow(TypeError);
    expect(() => formatValue('sex', '男', { field: 'sex' })).toThrow(TypeError);
  });
});
