// File names made from school or class names (safeFileStem) stay inside --out and are usable on
// Linux, macOS and Windows. test/io/outputFile.test.ts pins exact results for common inputs;
// this file checks the properties on hostile and random inputs.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeFileStem } from '../../src/io/outputFile.js';

/** Windows device names, with or without an extension; "CON .txt" counts too (trailing spaces). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³]|conin\$|conout\$)(\s*\..*)?\s*$/i;
const WINDOWS_FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f]/;

/** Every property a name must have before shili joins it to --out. */
function expectSafe(input: string): void {
  const stem = safeFileStem(input);
  const why = JSON.stringify(input);
  expect(stem.length, why).toBeGreaterThan(0);
  expect(stem, why).not.toMatch(WINDOWS_FORBIDDEN);
  expect(stem, why).not.toMatch(/[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
  expect(stem, why).not.toMatch(/^[.\s]/); // hidden on Linux/macOS; "." and ".."
  expect(stem, why).not.toMatch(/[.\s]$/); // Windows drops these, so two names could collide
  expect(stem.split('.')[0], why).not.toMatch(WINDOWS_DEVICE);
  expect(Buffer.byteLength(stem), why).toBeLessThanOrEqual(180);
  expect(Buffer.byteLength(`.${stem}.xlsx.shili-4194304-0123abcd.tmp`), why).toBeLessThanOrEqual(255);
  for (const p of [path.posix, path.win32]) {
    const out = p === path.win32 ? 'C:\\out' : '/out';
    for (const file of [`${stem}.xlsx`, `${stem}.city-upload.xlsx`]) {
      const full = p.resolve(out, file);
      expect(p.dirname(full), `${why} → ${file}`).toBe(out);
      expect(p.basename(full), `${why} → ${file}`).toBe(file);
    }
  }
}

const HOSTILE = [
  'CON', 'con', 'con.txt', 'CON.tar.gz', 'NUL ', 'nul.', 'Nul .xlsx', 'AUX', 'PRN.', 'COM1', 'com9.txt', 'COM¹', 'LPT²', 'lpt3 ',
  '..', '.', '...', '. .', '. . .', '....', ' .', '', ' ', '\u3000', '\t', '\u200b', '\ufeff',
  'a/b', 'a\\b', '../x', '..\\x', '../../etc/passwd', '..\\..\\Windows\\System32', '/etc/passwd', 'C:\\Windows', 'C:', '\\\\server\\share',
  'a/../../b', 'x/..', './x', '.\\x', '~/x', '班级:1', 'a<b>c|d?e*f"g', '一年级(1)班.', '一年级(1)班...', '一年级(1)班 . .',
  'name\u0000.xlsx', 'a\nb', 'a\rb', 'x\u202eslx.exe', '\u2066x\u2069', 'COM1\u200b', 'C\u200bON',
  'a'.repeat(300), '学'.repeat(300), `${'学'.repeat(59)}.`, `${'a'.repeat(99)}.b`, `${'.'.repeat(300)}x`, '😀'.repeat(100),
];

describe('safeFileStem', () => {
  it.each(HOSTILE.map((s) => [s]))('%j stays inside --out and is a valid name everywhere', (input) => {
    expectSafe(input);
  });

  it('holds on 5,000 random names built from the troublesome characters', () => {
    const alphabet = ['.', ' ', '/', '\\', ':', '*', '?', '"', '<', '>', '|', '\u0000', '\u001f', '\u200b', '\u202e', '\ufeff', '\u3000', 'C', 'O', 'N', 'u', 'l', '1', '班', '级', '😀', 'é'];
    let seed = 20250901;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(next() * 12);
      let s = '';
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(next() * alphabet.length)];
      expectSafe(s);
    }
  });

  it('gives different class names different stems where the names differ in letters, not just in punctuation', () => {
    expect(safeFileStem('一年级1班')).not.toBe(safeFileStem('一年级2班'));
    expect(safeFileStem('CON')).not.toBe(safeFileStem('CON1'));
  });

  // BUG: Windows also reserves CONIN$ and CONOUT$ (CreateFile opens the console for them;
  // git-for-windows and Apache Commons IO refuse them too). safeFileStem keeps them as they are.
  it.each([['CONIN$'], ['conout$'], ['CONOUT$.xlsx']])('%j is not a Windows console device name', (input) => {
    expect(safeFileStem(input).split('.')[0]).not.toMatch(/^(conin|conout)\$\s*$/i);
  });
});
