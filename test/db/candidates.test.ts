import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { RosterStore } from '../../src/db/roster.js';
import { nameKey } from '../../src/normalize/name.js';
import { gId, generatedStudents, makeTempDir, removeTempDirs, student } from './helpers.js';

describe('candidates', () => {
  let db: Database.Database;
  let store: RosterStore;
  const base = { name: '李小明', sex: '1' as const, birthDate: '2014-09-10', className: '3班' };
  const real = student({ ...base, studentId: gId('2014-09-10', 121) });
  // Same name, other birth date; another student whose id is one typo from real's.
  const namesake = student({ ...base, studentId: gId('2013-01-05', 7), birthDate: '2013-01-05', className: '5班' });
  const neighbour = student({ name: '王芳', sex: '2', birthDate: '2014-09-10', studentId: gId('2014-09-10', 122) });

  beforeAll(() => {
    db = openDatabase(path.join(makeTempDir(), 'r.db'), { mustExist: false });
    store = new RosterStore(db);
    store.importStudents([...generatedStudents(20_000), real, namesake, neighbour], { sourceFile: 'a.xlsx' });
  });
  afterAll(() => {
    db.close();
    removeTempDirs();
  });

  const ids = (cs: { student: { studentId: string | null } }[]) => cs.map((c) => c.student.studentId);

  it('same name and birth date comes first', () => {
    const cs = store.candidates({ nameKey: nameKey('李小明'), birthDate: '2014-09-10', className: '3班' });
    expect(ids(cs)).toEqual([real.studentId, namesake.studentId]);
    expect(cs[0]!.why).toBe('姓名与出生日期相同，班级相同');
    expect(cs[1]!.why).toBe('姓名相同、出生日期不同');
  });

  it('finds the roster id behind an Excel-truncated number, as Excel rounds it', () => {
    // neighbour's id is all digits; Excel keeps its first 15 significant digits, rounded.
    const n = neighbour.studentId!.slice(1);
    const kept = ((BigInt(n) + 500n) / 1000n).toString();
    const cs = store.candidates({ damagedDigits: kept });
    expect(ids(cs)).toContain(neighbour.studentId);
    expect(cs.find((c) => c.student.studentId === neighbour.studentId)!.why).toBe('学籍号前15位相同（Excel截断）');
    // real's id ends in X: a cell holding it was never a number, so it is no candidate for damage.
    expect(ids(store.candidates({ damagedDigits: real.studentId!.slice(1, 16) }))).not.toContain(real.studentId);
    // Every candidate would really round to the kept digits.
    for (const c of cs) expect(((BigInt(c.student.studentId!.slice(1)) + 500n) / 1000n).toString()).toBe(kept);
    // The name decides the order.
    const named = store.candidates({ damagedDigits: kept, nameKey: nameKey('王芳') });
    expect(ids(named)[0]).toBe(neighbour.studentId);
    expect(named[0]!.why).toBe('学籍号前15位相同（Excel截断），姓名相同');
    // A 16th digit of 5 or more rounds the 15th up: that student is still found, under the lower prefix.
    const up = student({ name: '赵四', sex: '1', birthDate: '2014-09-10', studentId: gId('2014-09-10', 187) });
    const small = openDatabase(path.join(makeTempDir(), 'up.db'), { mustExist: false });
    new RosterStore(small).importStudents([up], { sourceFile: 'b.xlsx' });
    const upKept = ((BigInt(up.studentId!.slice(1)) + 500n) / 1000n).toString();
    expect(upKept).not.toBe(up.studentId!.slice(1, 16));
    expect(up.studentId).toMatch(/\d$/);
    expect(ids(new RosterStore(small).candidates({ damagedDigits: upKept }))).toEqual([up.studentId]);
    small.close();
    // Too few digits say nothing.
    expect(store.candidates({ damagedDigits: kept.slice(0, 6) })).toEqual([]);
  });

  it('finds ids one typo away: substitution anywhere, transposition, missing digit', () => {
    const id = real.studentId!;
    const typos: [string, string][] = [
      ['J' + id.slice(1), '学籍号仅差1位'], // first character
      [id.slice(0, 9) + (id[9] === '0' ? '9' : '0') + id.slice(10), '学籍号仅差1位'], // in the birth year
      [id.slice(0, 14) + id[15] + id[14] + id.slice(16), '学籍号相邻两位颠倒'], // across head/tail split
      [id.slice(0, 5) + id.slice(6), '学籍号多或少1位'],
    ];
    for (const [typo, why] of typos) {
      if (typo === id) continue;
      const cs = store.candidates({ studentId: typo, nameKey: nameKey('李小明') }, 5);
      expect(cs[0]?.student.studentId, typo).toBe(id);
      expect(cs[0]!.why).toContain(why);
      expect(cs[0]!.why).toContain('姓名相同');
    }
  });

  it('ranks a one-typo id with another name below the same name, and says the name differs', () => {
    // The typo is exactly neighbour's id (…122 vs …121): neighbour is 1 away, real is 1–2 away.
    const cs = store.candidates({ studentId: neighbour.studentId!, nameKey: nameKey('李小明'), birthDate: '2014-09-10' }, 5);
    expect(cs[0]!.student.studentId).toBe(real.studentId);
    const n = cs.find((c) => c.student.studentId === neighbour.studentId)!;
    expect(n.why).toBe('学籍号相同，姓名不同');
  });

  it('finds ids two edits away when both edits fall in the tail', () => {
    const id = real.studentId!;
    const typo = id.slice(0, 16) + (id[16] === '5' ? '6' : '5') + (id[17] === '5' ? '6' : '5') + id[18];
    const cs = store.candidates({ studentId: typo }, 10);
    expect(cs.map((c) => c.why)).toContain('学籍号差2位');
    expect(ids(cs)).toContain(id);
  });

  it('reports other sex, deduplicates, respects the limit', () => {
    const cs = store.candidates(
      { studentId: real.studentId!, nameKey: nameKey('李小明'), birthDate: '2014-09-10', sex: '2' },
      10,
    );
    expect(new Set(ids(cs)).size).toBe(cs.length);
    expect(cs[0]!.student.studentId).toBe(real.studentId);
    expect(cs[0]!.why).toBe('学籍号相同，姓名与出生日期相同，性别不同');
    expect(store.candidates({ nameKey: nameKey('李小明') }, 1)).toHaveLength(1);
    expect(store.candidates({ nameKey: nameKey('没有这个人') })).toEqual([]);
  });
});
