import { describe, expect, it } from 'vitest';
import { defaultWidth, displayWidth, layoutHeader } from '../../src/io/xlsx/writer/header.js';
import { sheetName } from '../../src/io/xlsx/writer/sheetName.js';
import { xmlText } from '../../src/io/xlsx/writer/xml.js';

describe('layoutHeader', () => {
  it('is one row for plain headers', () => {
    const l = layoutHeader(['a', 'b']);
    expect(l.depth).toBe(1);
    expect(l.grid).toEqual([['a', 'b']]);
    expect(l.merges).toEqual([]);
  });

  it('merges equal adjacent groups and pulls short paths down', () => {
    const l = layoutHeader(['姓名', ['秋季', '左眼'], ['秋季', '右眼'], ['春季', '左眼'], ['秋季', '备注']]);
    expect(l.depth).toBe(2);
    expect(l.grid[0]).toEqual(['姓名', '秋季', undefined, '春季', '秋季']);
    expect(l.grid[1]).toEqual([undefined, '左眼', '右眼', '左眼', '备注']);
    expect(l.merges).toEqual([
      { top: 0, left: 0, bottom: 1, right: 0 },
      { top: 0, left: 1, bottom: 0, right: 2 },
    ]);
  });

  it('merges a lower group only under the same upper group', () => {
    const l = layoutHeader([
      ['2024', '秋季', '左'],
      ['2024', '秋季', '右'],
      ['2025', '秋季', '左'],
    ]);
    expect(l.merges).toEqual([
      { top: 0, left: 0, bottom: 0, right: 1 },
      { top: 1, left: 0, bottom: 1, right: 1 },
    ]);
  });

  it('never merges equal leaf texts or empty groups', () => {
    expect(layoutHeader(['x', 'x']).merges).toEqual([]);
    expect(layoutHeader([['', 'a'], ['', 'b']]).merges).toEqual([]);
  });
});

describe('widths', () => {
  it('counts CJK as two units', () => {
    expect(displayWidth('视力')).toBe(4);
    expect(displayWidth('ab\n视力视力')).toBe(8);
    expect(defaultWidth('ID')).toBe(8);
    expect(defaultWidth(['秋季', '左眼裸眼视力'])).toBe(14);
    expect(defaultWidth('很'.repeat(50))).toBe(40);
  });
});

describe('sheetName', () => {
  it('removes forbidden characters, cuts to 31 and keeps names unique ignoring case', () => {
    expect(sheetName('a[b]:c*d?e/f\\g', new Set(), 0)).toBe('a_b__c_d_e_f_g');
    expect(sheetName("'引号'", new Set(), 0)).toBe('引号');
    expect(sheetName('', new Set(), 2)).toBe('Sheet3');
    expect(sheetName('History', new Set(), 0)).toBe('History_');
    expect(sheetName('Data', new Set(['data']), 1)).toBe('Data (2)');
    expect(sheetName('Data', new Set(['data', 'data (2)']), 2)).toBe('Data (3)');
    const long = sheetName('x'.repeat(40), new Set(['x'.repeat(31)]), 1);
    expect(long).toBe(`${'x'.repeat(27)} (2)`);
    expect(sheetName(`${'x'.repeat(30)}😀`, new Set(), 0)).toBe('x'.repeat(30));
  });
});

describe('xmlText', () => {
  it('escapes specials and drops what XML 1.0 forbids', () => {
    expect(xmlText('plain 文本')).toBe('plain 文本');
    expect(xmlText('a&b<c>"d"')).toBe('a&amp;b&lt;c&gt;&quot;d&quot;');
    expect(xmlText('a\u0000b\u0008c\u000bd\u001fe\ufffef\uffff')).toBe('abcdef');
    expect(xmlText('tab\tnl\ncr\r')).toBe('tab\tnl\ncr&#13;');
    expect(xmlText('𠮷\ud800x\udc00y')).toBe('𠮷xy');
  });
});
