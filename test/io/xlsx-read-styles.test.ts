// Which number formats count as dates.
import { describe, expect, it } from 'vitest';
import { isDateFormatCode, parseDateStyles } from '../../src/io/xlsx/styles.js';
import { stylesXml } from './read-fixtures/xlsx.js';

describe('isDateFormatCode', () => {
  it.each(['yyyy-mm-dd', 'yyyy"年"m"月"d"日"', '[$-804]yyyy/m/d', 'h:mm:ss AM/PM', '[h]:mm', 'mm:ss.0', '[DBNum1][$-804]m"月"d"日"', 'd-mmm-yy;@'])(
    '%s is a date or time',
    (code) => expect(isDateFormatCode(code)).toBe(true),
  );
  it.each(['General', '@', '0.00', '#,##0_);[Red](#,##0)', '0.0"度"', '"yes";"yes";"no"', '[Red]0.00', '0.00E+00', '\\d0', '_-* #,##0_-;-* #,##0_-', '[>=100]0;0.0'])(
    '%s is not',
    (code) => expect(isDateFormatCode(code)).toBe(false),
  );
});

describe('parseDateStyles', () => {
  it('maps cellXfs indexes to built-in and custom date formats, ignoring cellStyleXfs', () => {
    const xml = stylesXml([0, 14, 22, 27, 49, 57, 164, 165, 2, 45], { 164: 'yyyy"年"m"月"', 165: '0.0_ ' });
    expect(parseDateStyles(xml)).toEqual([false, true, true, true, false, true, true, false, false, true]);
  });

  it('lets a custom code override a built-in id', () => {
    expect(parseDateStyles(stylesXml([14], { 14: '0.00' }))).toEqual([false]);
  });
});
