import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/io/table.js';
import { excelSerialToIso, formatDate, parseDate, parseDateOption } from '../../src/normalize/date.js';
import { addDays, localToday } from '../../src/normalize/calendar.js';

const s = (v: string): Cell => ({ t: 's', v });

describe('parseDate', () => {
  it.each<[string, Cell | undefined, string | null]>([
    ['missing', undefined, null],
    ['blank', s('  '), null],
    ['dash', s('-'), null],
    ['date cell 45901', { t: 'd', v: 45901 }, '2025-09-01'],
    ['date cell with time', { t: 'd', v: 45901.75 }, '2025-09-01'],
    ['date cell 1', { t: 'd', v: 1 }, '1900-01-01'],
    ['date cell 59 (before the leap bug)', { t: 'd', v: 59 }, '1900-02-28'],
    ['date cell 61 (after the leap bug)', { t: 'd', v: 61 }, '1900-03-01'],
    ['date cell 2958465', { t: 'd', v: 2958465 }, '9999-12-31'],
    ['date cell of a leap day', { t: 'd', v: 45351 }, '2024-02-29'],
    ['plain number serial', { t: 'n', v: 45901 }, '2025-09-01'],
    ['plain number YYYYMMDD', { t: 'n', v: 20250901 }, '2025-09-01'],
    ['2025/9/1', s('2025/9/1'), '2025-09-01'],
    ['2025/09/01', s('2025/09/01'), '2025-09-01'],
    ['2025-09-01', s('2025-09-01'), '2025-09-01'],
    ['2025-9-1', s('2025-9-1'), '2025-09-01'],
    ['2025.9.1', s('2025.9.1'), '2025-09-01'],
    ['20250901', s('20250901'), '2025-09-01'],
    ['2025年9月1日', s('2025年9月1日'), '2025-09-01'],
    ['2025年09月01日', s('2025年09月01日'), '2025-09-01'],
    ['2025年9月1号', s('2025年9月1号'), '2025-09-01'],
    ['2025 年 9 月 1 日', s('2025 年 9 月 1 日'), '2025-09-01'],
    ['full-width digits', s('２０２５／９／１'), '2025-09-01'],
    ['full-width 年月日', s('２０２５年９月１日'), '2025-09-01'],
    ['with time', s('2025/9/1 8:30'), '2025-09-01'],
    ['with seconds', s('2025-09-01 08:30:15'), '2025-09-01'],
    ['ISO with T and Z', s('2025-09-01T08:30:00.000Z'), '2025-09-01'],
    ['CJK with time', s('2025年9月1日 08:30'), '2025-09-01'],
    ['surrounding spaces', s(' 2025/9/1\u3000'), '2025-09-01'],
    ['serial as text', s('45901'), '2025-09-01'],
    ['leap day', s('2024/2/29'), '2024-02-29'],
    ['2000 is a leap year', s('2000-02-29'), '2000-02-29'],
  ])('%s', (_label, cell, expected) => {
    expect(parseDate(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Cell, string, RegExp]>([
    ['2025/02/30', s('2025/02/30'), 'INVALID_DATE', /不存在/],
    ['month 13', s('2025/13/1'), 'INVALID_DATE', /不存在/],
    ['day 0', s('2025-09-00'), 'INVALID_DATE', /不存在/],
    ['not a leap year', s('2023/2/29'), 'INVALID_DATE', /不存在/],
    ['1900 is not a leap year', s('1900-02-29'), 'INVALID_DATE', /不存在/],
    ['20250230', s('20250230'), 'INVALID_DATE', /不存在/],
    ['serial 60 is the Lotus 1900-02-29', { t: 'd', v: 60 }, 'INVALID_DATE', /Excel 日期/],
    ['serial 0', { t: 'd', v: 0 }, 'INVALID_DATE', /Excel 日期/],
    ['negative serial', { t: 'd', v: -5 }, 'INVALID_DATE', /Excel 日期/],
    ['small plain number', { t: 'n', v: 4.8 }, 'INVALID_DATE', /不是日期/],
    ['two-digit year', s('25/9/1'), 'INVALID_DATE', /2025\/9\/1/],
    ['mixed separators', s('2025/9-1'), 'INVALID_DATE', /无法识别/],
    ['month-first', s('9/1/2025'), 'INVALID_DATE', /无法识别/],
    ['year and month only', s('2025年9月'), 'INVALID_DATE', /无法识别/],
    ['words', s('九月一日'), 'INVALID_DATE', /无法识别/],
    ['logical cell', { t: 'b', v: false }, 'INVALID_DATE', /逻辑值/],
    ['error cell', { t: 'e', v: '#VALUE!' }, 'INVALID_VALUE', /错误值/],
  ])('%s', (_label, cell, code, message) => {
    const r = parseDate(cell);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });

  it('checks an optional range, inclusive', () => {
    const range = { min: '2000-01-01', max: '2025-12-31' };
    expect(parseDate(s('2000-01-01'), range)).toEqual({ ok: true, value: '2000-01-01' });
    expect(parseDate(s('2025/12/31'), range)).toEqual({ ok: true, value: '2025-12-31' });
    expect(parseDate(s('-'), range)).toEqual({ ok: true, value: null });
    const early = parseDate(s('1999/12/31'), range);
    expect(early).toMatchObject({ ok: false, code: 'INVALID_DATE' });
    expect(early.ok || early.message).toMatch(/2000\/01\/01–2025\/12\/31/);
    expect(parseDate(s('2026-01-01'), range)).toMatchObject({ ok: false, code: 'INVALID_DATE' });
  });
});

describe('excelSerialToIso', () => {
  it.each<[number, string | null]>([
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [60, null],
    [61, '1900-03-01'],
    [25569, '1970-01-01'],
    [36526, '2000-01-01'],
    [45901, '2025-09-01'],
    [2958466, null],
  ])('%d', (serial, iso) => {
    expect(excelSerialToIso(serial)).toBe(iso);
  });
});

describe('formatDate', () => {
  it('writes YYYY/MM/DD', () => {
    expect(formatDate('2025-09-01')).toBe('2025/09/01');
    expect(formatDate(null)).toBe('');
  });

  it('gives the right text for thousands of dates, and for dates sharing a slot of the date cache', () => {
    // 2010-03-04 and 2026-03-04 share a slot of isoDate's cache; 20,000 days overflow it.
    for (const serial of [40241, 46085, 40241]) {
      const iso = excelSerialToIso(serial)!;
      expect(formatDate(iso)).toBe(iso.replaceAll('-', '/'));
    }
    expect(excelSerialToIso(40241)).toBe('2010-03-04');
    expect(excelSerialToIso(46085)).toBe('2026-03-04');
    for (let serial = 20000; serial < 40000; serial++) {
      const iso = excelSerialToIso(serial)!;
      const expected = new Date(Date.UTC(1899, 11, 30 + serial)).toISOString().slice(0, 10);
      if (iso !== expected || formatDate(iso) !== expected.replaceAll('-', '/')) throw new Error(`serial ${serial}: ${iso}`);
    }
  });
});

describe('parseDateOption', () => {
  it('accepts the usual forms within the exam-date window', () => {
    expect(parseDateOption('2025-09-01')).toEqual({ ok: true, value: '2025-09-01' });
    expect(parseDateOption('2025/9/15')).toEqual({ ok: true, value: '2025-09-15' });
    expect(parseDateOption(addDays(localToday(), 1))).toMatchObject({ ok: true });
  });

  it.each([['', /没有给出/], ['-', /没有给出/], ['1999-12-31', /合理范围/], [addDays(localToday(), 2), /合理范围/], ['2025/02/30', /不存在/], ['tomorrow', /无法识别/]])(
    '%j is a problem',
    (text, message) => {
      const r = parseDateOption(text);
      expect(r).toMatchObject({ ok: false, code: 'INVALID_DATE' });
      expect(r.ok || r.message).toMatch(message);
    },
  );
});
