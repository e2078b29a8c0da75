import { describe, expect, it } from 'vitest';
import { nameKey, normalizeName } from '../../src/normalize/name.js';
import { cleanText, compactText } from '../../src/normalize/text.js';

describe('cleanText', () => {
  it.each([
    ['一年级1班', '一年级1班'],
    ['Class 1 A', 'Class 1 A'],
    ['  two  spaces ', 'two spaces'],
    ['\u3000全角\u3000空格\u3000', '全角 空格'],
    ['零\u200B宽', '零宽'],
    ['（１）班', '(1)班'],
    ['①班', '1班'],
    ['⼀年级', '一年级'], // Kangxi radical U+2F00
  ])('%j -> %j', (raw, out) => {
    expect(cleanText(raw)).toBe(out);
  });
});

describe('compactText', () => {
  it('removes every space and zero-width character', () => {
    expect(compactText(' G 1１0\u200B\u3000X ')).toBe('G110X');
  });
});

describe('normalizeName', () => {
  it.each([
    ['张三', '张三'],
    [' 张 三 ', '张 三'],
    ['买买提・艾力', '买买提·艾力'],
    ['买买提 • 艾力', '买买提·艾力'],
  ])('%j -> %j', (raw, out) => {
    expect(normalizeName(raw)).toBe(out);
  });

  it('nameKey drops spaces and upper-cases Latin letters', () => {
    expect(nameKey(' 张 三 ')).toBe('张三');
    expect(nameKey('Anna·li')).toBe('ANNA·LI');
  });
});
