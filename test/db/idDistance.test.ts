import { describe, expect, it } from 'vitest';
import { editKind, editKindOfCodes, osaDistance, type EditKind } from '../../src/db/idDistance.js';

/** Plain full-table OSA distance, as the reference for the banded one. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/** editKind by the definition: the full table, and (as always) more than 4 differing places of equal-length ids is too far. */
function referenceKind(a: string, b: string): EditKind | null {
  if (a === b) return 'same';
  if (Math.abs(a.length - b.length) > 2) return null;
  if (a.length === b.length && [...a].filter((c, i) => c !== b[i]).length > 4) return null;
  const d = reference(a, b);
  if (d === 2) return 'two';
  if (d !== 1) return null;
  if (a.length !== b.length) return 'insertDelete';
  const i = [...a].findIndex((c, k) => c !== b[k]);
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2) ? 'transposition' : 'substitution';
}

describe('editKind', () => {
  const id = 'G110101201503020114';
  it('classifies up to two edits', () => {
    expect(editKind(id, id)).toBe('same');
    expect(editKind(id, 'G110101201503020115')).toBe('substitution');
    expect(editKind(id, 'G110101201503021014')).toBe('transposition');
    expect(editKind(id, 'G11010120150302014')).toBe('insertDelete');
    expect(editKind(id, 'G110101201503020100')).toBe('two');
    expect(editKind(id, 'J110101201503020115')).toBe('two');
    expect(editKind(id, 'G110101201509990114')).toBeNull();
    expect(editKind(id, 'G1101012015')).toBeNull();
  });

  it('banded distance agrees with the full table up to the cap', () => {
    // Deterministic pseudo-random strings over a small alphabet, so near pairs are common.
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const word = () => Array.from({ length: 3 + rand(8) }, () => '0123'[rand(4)]).join('');
    const mutate = (w: string) => {
      const chars = [...w];
      for (let k = rand(4); k > 0; k--) {
        const at = rand(chars.length + 1);
        const op = rand(4);
        if (op === 0) chars.splice(at, 0, '0123'[rand(4)]!);
        else if (op === 1) chars.splice(at, 1);
        else if (op === 2 && at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
        else chars[at] = '0123'[rand(4)]!;
      }
      return chars.join('');
    };
    for (let k = 0; k < 5000; k++) {
      const a = word();
      const b = k % 3 === 0 ? word() : mutate(a);
      for (const max of [1, 2, 3]) {
        expect(osaDistance(a, b, max), `${a} ${b} ${max}`).toBe(Math.min(reference(a, b), max + 1));
      }
    }
  });

  it('classifies like the full table, also given a known common prefix', () => {
    let seed = 99;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor((seed / 2 ** 31) * n));
    const alphabet = '019X';
    const id = () => 'G' + Array.from({ length: 18 }, () => alphabet[rand(4)]).join('');
    const edit = (w: string) => {
      const chars = [...w];
      for (let k = 1 + rand(3); k > 0; k--) {
        const at = rand(chars.length - 1);
        const op = rand(4);
        if (op === 0) chars.splice(at, 0, alphabet[rand(4)]!);
        else if (op === 1) chars.splice(at, 1);
        else if (op === 2) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
        else chars[at] = alphabet[rand(4)]!;
      }
      return chars.join('');
    };
    const codes = (s: string) => Uint16Array.from(s, (c) => c.charCodeAt(0));
    const seen = new Set<EditKind | null>();
    for (let k = 0; k < 8000; k++) {
      const a = id();
      const b = edit(a);
      const want = referenceKind(a, b);
      seen.add(want);
      expect(editKind(a, b), `${a} ${b}`).toBe(want);
      let same = 0;
      while (same < Math.min(a.length, b.length) && a[same] === b[same]) same++;
      expect(editKindOfCodes(codes(a), a.length, codes(b), b.length, rand(same + 1))).toBe(want);
    }
    expect(seen.size).toBe(6);
  });

  it('measures against an empty string', () => {
    expect(osaDistance('12', '', 2)).toBe(2);
    expect(osaDistance('', '123', 2)).toBe(3);
    expect(osaDistance('', '', 2)).toBe(0);
  });
});
