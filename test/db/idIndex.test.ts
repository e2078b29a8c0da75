import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findCandidates, type CandidateQuery } from '../../src/db/candidates.js';
import { buildIdIndex, type IdIndex } from '../../src/db/idIndex.js';
import { openDatabase } from '../../src/db/open.js';
import { RosterStore } from '../../src/db/roster.js';
import { nameKey } from '../../src/normalize/name.js';
import { gId, generatedStudents, makeTempDir, removeTempDirs, student } from './helpers.js';

// G ids (check digits include X), J and L ids, some sharing heads and tails with each other.
const rosterIds = [
  ...[...generatedStudents(3000)].map((s) => s.studentId!),
  gId('2014-09-10', 121),
  gId('2014-09-10', 122),
  'J110101201409101239',
  'L110101201409101234',
  'L110101201409109999',
  'G110101201409101234',
];
const sorted = [...new Set(rosterIds)].sort();

function insertIds(db: Database.Database, ids: string[]): void {
  const insert = db.prepare(`INSERT INTO students (student_id, name, name_key, updated_at) VALUES (?, '某', '某', '')`);
  db.transaction(() => ids.forEach((id) => insert.run(id)))();
}

describe('IdIndex', () => {
  let db: Database.Database;
  let index: IdIndex;
  beforeAll(() => {
    db = openDatabase(path.join(makeTempDir(), 'r.db'), { mustExist: false });
    insertIds(db, rosterIds);
    index = buildIdIndex(db)!;
  });
  afterAll(() => {
    db.close();
    removeTempDirs();
  });

  it('finds every roster id at its place in 学籍号 order, and decodes it back', () => {
    sorted.forEach((id, i) => {
      expect(index.find(id)).toBe(i);
      expect(index.idAt(i)).toBe(id);
    });
  });

  it('does not find ids one character away, nor ids of another shape', () => {
    const replacements = ['0', '5', '9', 'X', 'G', 'J', 'L', 'x', 'Ｇ'];
    const inRoster = new Set(sorted);
    let tried = 0;
    for (const id of sorted.slice(0, 50)) {
      for (let i = 0; i < id.length; i++) {
        for (const c of replacements) {
          const other = id.slice(0, i) + c + id.slice(i + 1);
          expect(index.has(other), other).toBe(inRoster.has(other));
          tried++;
        }
      }
      expect(index.has(id.slice(1))).toBe(false);
      expect(index.has(id + '0')).toBe(false);
    }
    expect(tried).toBeGreaterThan(5000);
    for (const odd of ['', 'G', 'g110101201409101234', 'G11010120140910123', 'G1101012014091012345', 'GX10101201409101234']) {
      expect(index.has(odd), odd).toBe(false);
    }
  });

  it('answers a prefix as the ids starting with it, in order', () => {
    const prefixes = new Set<string>(['', 'G', 'J', 'L', 'X', 'G9', 'L1101012014091', 'G1101012014091012', 'GA']);
    for (const id of sorted.filter((_, i) => i % 97 === 0)) for (let n = 1; n <= id.length; n++) prefixes.add(id.slice(0, n));
    for (const p of prefixes) {
      const [start, end] = index.prefixRange(p);
      const got = Array.from({ length: end - start }, (_, k) => index.idAt(start + k));
      expect(got, p).toEqual(sorted.filter((id) => id.startsWith(p)));
    }
  });

  it('answers the last four characters as the ids ending with them, in order', () => {
    const tails = new Set<string>(['1234', '999X', '000X', 'X123', '12a4', '123', '12345']);
    for (const id of sorted.filter((_, i) => i % 31 === 0)) tails.add(id.slice(-4));
    for (const t of tails) {
      const got = [...index.tailPositions(t)].map((i) => index.idAt(i));
      expect(got, t).toEqual(t.length === 4 ? sorted.filter((id) => id.endsWith(t)) : []);
    }
  });

  it('is not built for a roster holding an id of another shape', () => {
    const odd = openDatabase(path.join(makeTempDir(), 'odd.db'), { mustExist: false });
    insertIds(odd, [sorted[0]!, 'G12345']);
    expect(buildIdIndex(odd)).toBeNull();
    const store = new RosterStore(odd);
    expect(store.loadIdIndex()).toBe(false);
    // SQLite answers instead.
    expect(store.knownIds(['G12345', sorted[0]!, sorted[1]!])).toEqual(new Set(['G12345', sorted[0]]));
    odd.close();
  });
});

describe('RosterStore with the id index', () => {
  let db: Database.Database;
  let store: RosterStore;
  const real = student({ name: '李小明', sex: '1', birthDate: '2014-09-10', className: '3班', studentId: gId('2014-09-10', 121) });
  const other = student({ name: '王芳', sex: '2', birthDate: '2014-09-10', studentId: gId('2014-09-10', 122) });

  beforeEach(() => {
    db = openDatabase(path.join(makeTempDir(), 'r.db'), { mustExist: false });
    store = new RosterStore(db);
    store.importStudents([...generatedStudents(5000), real, other], { sourceFile: 'a.xlsx' });
  });
  afterEach(() => {
    db.close();
    removeTempDirs();
  });

  it('knownIds gives the same set, in the same order, as SQLite', () => {
    const ids = [...generatedStudents(2600)].map((s) => s.studentId!).reverse();
    ids.splice(10, 0, 'G000000000000000000', real.studentId!.slice(0, 18) + '0', ids[5]!, 'nonsense');
    const bySql = new Set<string>();
    const stmt = db.prepare('SELECT student_id FROM students WHERE student_id IN (SELECT value FROM json_each(?))').pluck();
    for (let i = 0; i < ids.length; i += 1000) for (const id of stmt.all(JSON.stringify(ids.slice(i, i + 1000)))) bySql.add(id as string);
    expect(store.loadIdIndex()).toBe(true);
    expect([...store.knownIds(ids)]).toEqual([...bySql]);
  });

  it('candidates from the index equal those from SQLite', () => {
    const index = buildIdIndex(db)!;
    const id = real.studentId!;
    const queries: CandidateQuery[] = [];
    for (let i = 0; i < id.length; i++) {
      const d = id[i] === '0' ? '9' : '0';
      queries.push({ studentId: id.slice(0, i) + d + id.slice(i + 1), nameKey: nameKey('李小明'), className: '3班', sex: '2' });
      queries.push({ studentId: id.slice(0, i) + id.slice(i + 1) });
      queries.push({ studentId: id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2), birthDate: '2014-09-10' });
    }
    queries.push({ studentId: id.slice(0, 12) + '99' + id.slice(14) }, { studentId: 'G1101012' }, { studentId: id + '12' });
    queries.push({ damagedDigits: other.studentId!.slice(1, 16) }, { damagedDigits: id.slice(1, 13), nameKey: nameKey('王芳') });
    for (const s of [...generatedStudents(300)].filter((_, i) => i % 7 === 0)) {
      const sid = s.studentId!;
      queries.push({ studentId: sid.slice(0, 17) + sid[18] + sid[17], nameKey: nameKey(s.name!), birthDate: s.birthDate! });
    }
    for (const q of queries) expect(findCandidates(db, q, 5, index), JSON.stringify(q)).toEqual(findCandidates(db, q, 5, null));
    expect(findCandidates(db, queries[0]!, 5, index).map((c) => c.student.studentId)).toContain(id);
  });

  it('sees students added after it was built, on this connection or another', () => {
    const late = student({ name: '赵四', sex: '1', birthDate: '2014-09-10', studentId: gId('2014-09-10', 187) });
    const later = { ...late, name: '钱五', studentId: gId('2014-09-10', 188) };
    expect(store.loadIdIndex()).toBe(true);
    expect(store.knownIds([late.studentId!, later.studentId!]).size).toBe(0);
    store.importStudents([late], { sourceFile: 'b.xlsx' });
    expect([...store.knownIds([late.studentId!, later.studentId!])]).toEqual([late.studentId]);
    const second = openDatabase(db.name, { mustExist: true });
    new RosterStore(second).importStudents([later], { sourceFile: 'c.xlsx' });
    second.close();
    expect(store.knownIds([late.studentId!, later.studentId!]).size).toBe(2);
    expect(store.candidates({ studentId: later.studentId!.slice(0, 18) + '0' }, 1)[0]!.student.studentId).toBe(later.studentId);
  });
});
