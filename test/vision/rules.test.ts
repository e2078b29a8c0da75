import { describe, expect, it } from 'vitest';
import { ACUITY_BELOW_3 } from '../../src/model/record.js';
import {
  ageAt,
  birthDateRange,
  decimalToFivePoint,
  examDateRange,
  eyeIsMyopic,
  fivePointToDecimal,
  hasComparableUcva,
  isPlausibleBirthDate,
  isPlausibleExamDate,
  lowVisionGrade,
  myopiaGrade,
  schoolYear,
  semester,
  seMyopiaGrade,
  sphericalEquivalent,
  studentIsMyopic,
  type EyeValues,
  type LowVisionGrade,
  type MyopiaGrade,
} from '../../src/vision/rules.js';

const eye = (ucva: number | null, sphere: number | null, cylinder: number | null = null): EyeValues => ({ ucva, sphere, cylinder });
const school = { ageYears: 8, orthoK: false };

describe('acuity conversion', () => {
  it.each([
    [0.1, 4.0],
    [0.3, 4.5],
    [0.8, 4.9],
    [1.0, 5.0],
    [1.5, 5.2],
    [2.0, 5.3],
  ])('decimal %d <-> %d', (v, l) => {
    expect(decimalToFivePoint(v)).toBe(l);
    expect(decimalToFivePoint(fivePointToDecimal(l))).toBe(l);
  });
});

describe('sphericalEquivalent', () => {
  it.each<[number | null, number | null, number | null]>([
    [-0.25, -0.5, -0.5],
    [-2.75, -0.75, -3.125],
    [-5.75, -0.5, -6],
    [-5.75, -0.75, -6.125],
    [1, -2, 0],
    [-1, null, -1],
    [null, -1, null],
    [-0.1, -0.2, -0.2],
  ])('S %s, C %s -> %s', (sphere, cylinder, se) => {
    expect(sphericalEquivalent(sphere, cylinder)).toBe(se);
  });
});

describe('seMyopiaGrade (bands closed so 0.125 steps fall in exactly one)', () => {
  it.each<[number, MyopiaGrade]>([
    [0, 'none'],
    [-0.375, 'none'],
    [-0.5, 'low'],
    [-3.0, 'low'],
    [-3.125, 'moderate'],
    [-6.0, 'moderate'],
    [-6.125, 'high'],
    [-12, 'high'],
  ])('SE %d -> %s', (se, grade) => {
    expect(seMyopiaGrade(se)).toBe(grade);
  });
});

describe('eyeIsMyopic', () => {
  it.each<[string, EyeValues, number | null, boolean | null]>([
    ['UCVA 4.9 and SE -0.50', eye(4.9, -0.5), 8, true],
    ['UCVA 4.9 from S -0.25 C -0.50', eye(4.9, -0.25, -0.5), 8, true],
    ['UCVA 5.0 is not below 5.0', eye(5.0, -1), 8, false],
    ['SE -0.375 is not myopic', eye(4.5, -0.25, -0.25), 8, false],
    ['below 3.0 counts as low acuity', eye(ACUITY_BELOW_3, -2), 8, true],
    ['age exactly 6', eye(4.8, -1), 6, true],
    ['under 6: rule does not apply', eye(4.8, -1), 5, null],
    ['unknown age: rule applies', eye(4.8, -1), null, true],
    ['missing UCVA, myopic SE', eye(null, -1), 8, null],
    ['missing UCVA, SE rules it out', eye(null, 0.5), 8, false],
    ['missing SE, UCVA rules it out', eye(5.1, null), 8, false],
    ['missing SE, low UCVA', eye(4.5, null), 8, null],
  ])('%s', (_label, e, age, expected) => {
    expect(eyeIsMyopic(e, age)).toBe(expected);
  });
});

describe('studentIsMyopic and myopiaGrade', () => {
  it('a student is myopic when either eye is', () => {
    expect(studentIsMyopic(eye(5.0, 0), eye(4.8, -1), school)).toBe(true);
    expect(studentIsMyopic(eye(5.0, 0), eye(5.1, -1), school)).toBe(false);
    expect(studentIsMyopic(eye(5.0, 0), eye(null, -1), school)).toBeNull();
  });

  it('grades from the most negative SE among the eyes that count', () => {
    // Right eye SE -7 but UCVA 5.0: it does not count.
    expect(myopiaGrade(eye(5.0, -7), eye(4.5, -1), school)).toBe('low');
    expect(myopiaGrade(eye(4.6, -3.25), eye(4.5, -1), school)).toBe('moderate');
    expect(myopiaGrade(eye(4.0, -5.75, -0.75), eye(4.5, -1), school)).toBe('high');
    expect(myopiaGrade(eye(5.0, 0), eye(5.1, 0.25), school)).toBe('none');
    expect(myopiaGrade(eye(4.8, null), eye(5.0, null), school)).toBeNull();
  });

  it('OK-lens wearers get no verdict and no grade', () => {
    const ok = { ageYears: 10, orthoK: true };
    expect(hasComparableUcva(true)).toBe(false);
    expect(hasComparableUcva(null)).toBe(true);
    expect(studentIsMyopic(eye(4.5, -3), eye(4.5, -3), ok)).toBeNull();
    expect(myopiaGrade(eye(4.5, -3), eye(4.5, -3), ok)).toBeNull();
  });
});

describe('lowVisionGrade', () => {
  it.each<[number | null, number | null, LowVisionGrade | null]>([
    [5.3, 8, 'none'],
    [5.0, 8, 'none'],
    [4.9, 8, 'mild'],
    [4.8, 8, 'moderate'],
    [4.6, 8, 'moderate'],
    [4.5, 8, 'severe'],
    [3.0, 8, 'severe'],
    [ACUITY_BELOW_3, 8, 'severe'],
    [4.9, null, 'mild'],
    [4.9, 5, null],
    [null, 8, null],
  ])('%s at age %s -> %s', (acuity, age, grade) => {
    expect(lowVisionGrade(acuity, age)).toBe(grade);
  });
});

describe('school year and semester', () => {
  it.each<[string, string, 1 | 2]>([
    ['2025-09-01', '2025-2026学年', 1],
    ['2025-12-31', '2025-2026学年', 1],
    ['2026-01-31', '2025-2026学年', 1],
    ['2026-02-01', '2025-2026学年', 2],
    ['2026-08-31', '2025-2026学年', 2],
    ['2025-08-31', '2024-2025学年', 2],
  ])('%s is %s term %d', (date, year, term) => {
    expect(schoolYear(date)).toBe(year);
    expect(semester(date)).toBe(term);
  });

  it('boundaries are settings', () => {
    const settings = { firstTermStart: { month: 8, day: 20 }, secondTermStart: { month: 2, day: 15 } };
    expect(semester('2025-08-20', settings)).toBe(1);
    expect(schoolYear('2025-08-20', settings)).toBe('2025-2026学年');
    expect(semester('2026-02-14', settings)).toBe(1);
    expect(semester('2026-02-15', settings)).toBe(2);
    expect(semester('2026-08-19', settings)).toBe(2);
  });

  it('rejects a date that is not canonical', () => {
    expect(() => semester('2025/09/01')).toThrow(TypeError);
  });
});

describe('ageAt', () => {
  it.each<[string | null, string | null, number | null]>([
    ['2019-09-01', '2025-09-01', 6],
    ['2019-09-02', '2025-09-01', 5],
    ['2016-02-29', '2025-02-28', 8],
    ['2016-02-29', '2025-03-01', 9],
    ['2025-09-02', '2025-09-01', null],
    [null, '2025-09-01', null],
    ['2019-09-01', null, null],
  ])('born %s, on %s -> %s', (birth, date, age) => {
    expect(ageAt(birth, date)).toBe(age);
  });
});

describe('plausible date windows', () => {
  it('exam dates run from 2000-01-01 to tomorrow; birth dates from 1990-01-01 to today', () => {
    expect(examDateRange('2025-12-31')).toEqual({ min: '2000-01-01', max: '2026-01-01' });
    expect(birthDateRange('2025-12-31')).toEqual({ min: '1990-01-01', max: '2025-12-31' });
    expect(isPlausibleExamDate('2026-01-01', '2025-12-31')).toBe(true);
    expect(isPlausibleExamDate('2026-01-02', '2025-12-31')).toBe(false);
    expect(isPlausibleExamDate('1999-12-31', '2025-12-31')).toBe(false);
    expect(isPlausibleBirthDate('1990-01-01', '2025-12-31')).toBe(true);
    expect(isPlausibleBirthDate('2026-01-01', '2025-12-31')).toBe(false);
  });
});
