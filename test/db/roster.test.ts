import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { packStudents, RosterStore } from '../../src/db/roster.js';
import type { Student } from '../../src/model/record.js';
import { nameKey } from '../../src/normalize/name.js';
import { gId, generatedStudent, generatedStudents, makeTempDir, removeTempDirs, student } from './helpers.js';

let db: Database.Database;
let store: RosterStore;

beforeEach(() => {
  db = openDatabase(path.join(makeTempDir(), 'r.db'), { mustExist: false });
  store = new RosterStore(db);
});
afterEach(() => {
  db.close();
  removeTempDirs();
});

const zhang = student({
  studentId: gId('2015-03-02', 11),
  idCardNumber: '110101201503020114',
  name: '张三',
  sex: '1',
  birthDate: '2015-03-02',
  schoolName: '实验小学',
  gradeName: '三年级',
  className: '2班',
});

describe('importStudents', () => {
  it('counts added, updated and unchanged', () => {
    const first = store.importStudents(generatedStudents(100), { sourceFile: '/home/u/名单.xlsx' });
    expect(first).toMatchObject({ added: 100, updated: 0, unchanged: 0, skipped: 0 });
    // The first import loads before indexing: the indexes must be back.
    const indexes = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL`).pluck().all();
    expect(indexes.sort()).toEqual(['students_id_tail', 'students_identity']);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    const again = [...generatedStudents(120)];
    again[3] = { ...again[3]!, className: '9班' };
    again[4] = { ...again[4]!, name: '改名' };
    const second = store.importStudents(again, { sourceFile: 'b.csv' });
    expect(second).toMatchObject({ added: 20, updated: 2, unchanged: 98, skipped: 0 });
    expect(second.batchId).toBeGreaterThan(first.batchId);
    expect(store.count()).toBe(120);
  });

  it('records the batch with the file basename and counts only', () => {
    const r = store.importStudents([zhang, student({ name: '无学籍号' })], { sourceFile: '/secret/dir/名单.xlsx' });
    expect(r.skipped).toBe(1);
    const batch = db.prepare('SELECT * FROM import_batches WHERE id = ?').get(r.batchId);
    expect(batch).toMatchObject({ source_file: '名单.xlsx', added: 1, updated: 0, unchanged: 0, skipped: 1 });
    expect((batch as { finished_at: string }).finished_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(db.prepare('SELECT batch_id FROM students').pluck().get()).toBe(r.batchId);
  });

  it('a null in a later roster does not erase a stored value', () => {
    store.importStudents([zhang], { sourceFile: 'full.xlsx' });
    const sparse = student({ studentId: zhang.studentId, name: '张三', className: '3班' });
    expect(store.importStudents([sparse], { sourceFile: 'sparse.xlsx' })).toMatchObject({ updated: 1 });
    expect(store.getByIds([zhang.studentId!]).get(zhang.studentId!)).toEqual({ ...zhang, className: '3班' });
    // Only nulls and equal values: nothing to write.
    const same = student({ studentId: zhang.studentId, name: '张三' });
    expect(store.importStudents([same], { sourceFile: 'x' })).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it('rolls the whole batch back when the input fails midway', () => {
    store.importStudents(generatedStudents(50), { sourceFile: 'a.xlsx' });
    const before = store.checksum();
    const batches = db.prepare('SELECT count(*) FROM import_batches').pluck().get();
    function* failing(): Generator<Student> {
      yield* generatedStudents(80, '110102');
      throw new Error('reader failed');
    }
    expect(() => store.importStudents(failing(), { sourceFile: 'b.xlsx' })).toThrow('reader failed');
    expect(store.checksum()).toBe(before);
    expect(db.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(batches);
  });
});

describe('first import into an empty table', () => {
  const rows = (d: Database.Database) =>
    d.prepare('SELECT rowid, student_id, id_card, name, name_key, sex, birth_date, school_name, grade_name, class_name, batch_id FROM students ORDER BY rowid').raw().all();

  it('a 学籍号 repeated within it is updated as on a table that held students already', () => {
    const sparse = { ...zhang, idCardNumber: null, className: '5班' };
    const renamed = { ...sparse, name: '张叁' };
    const seq = [zhang, generatedStudent(1), sparse, sparse, renamed, generatedStudent(2)];
    // Empty table: plain inserts, falling back to the upsert on the repeated 学籍号.
    expect(store.importStudents(seq, { sourceFile: 'a.xlsx' })).toMatchObject({ added: 3, updated: 2, unchanged: 1, skipped: 0 });
    expect(store.getByIds([zhang.studentId!]).get(zhang.studentId!)).toEqual({ ...zhang, className: '5班', name: '张叁' });
    expect(rows(db).map((r) => (r as unknown[])[1])).toEqual([zhang.studentId, generatedStudent(1).studentId, generatedStudent(2).studentId]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    // The same import after another student: the upsert all along, the same counts and rows.
    const other = openDatabase(path.join(makeTempDir(), 'o.db'), { mustExist: false });
    try {
      const before = new RosterStore(other);
      before.importStudents([generatedStudent(9)], { sourceFile: 'first.xlsx' });
      expect(before.importStudents(seq, { sourceFile: 'a.xlsx' })).toMatchObject({ added: 3, updated: 2, unchanged: 1, skipped: 0 });
      other.prepare('DELETE FROM students WHERE student_id = ?').run(generatedStudent(9).studentId);
      const strip = (r: unknown[]) => r.slice(1, -1);
      expect(rows(other).map((r) => strip(r as unknown[]))).toEqual(rows(db).map((r) => strip(r as unknown[])));
    } finally {
      other.close();
    }
  });

  it('addPacked stores what add stores', () => {
    const students = [...generatedStudents(300), zhang, { ...zhang, className: '7班' }, student({ name: '无学籍号' })];
    const imp = store.beginImport({ sourceFile: 'a.xlsx' });
    const packed: (string | null)[] = [];
    packStudents(students, packed);
    expect(packed).toHaveLength(students.length * 8);
    imp.addPacked(packed);
    const viaPacked = imp.commit();

    const other = openDatabase(path.join(makeTempDir(), 'o.db'), { mustExist: false });
    try {
      const viaAdd = new RosterStore(other).importStudents(students, { sourceFile: 'a.xlsx' });
      expect(viaPacked).toEqual(viaAdd);
      expect(viaPacked).toMatchObject({ added: 301, updated: 1, unchanged: 0, skipped: 1 });
      expect(rows(db)).toEqual(rows(other));
    } finally {
      other.close();
    }
  });

  it('addPacked refuses values that are not whole students', () => {
    const imp = store.beginImport({ sourceFile: 'a.xlsx' });
    expect(() => imp.addPacked(['G1', null, '张三'])).toThrow('packed students');
    imp.rollback();
    expect(store.count()).toBe(0);
  });
});

describe('lookups', () => {
  beforeEach(() => {
    store.importStudents([...generatedStudents(3000), zhang], { sourceFile: 'a.xlsx' });
  });

  it('getByIds finds students across batches of ids and skips unknown ids', () => {
    const wanted = [...generatedStudents(2500)].map((s) => s.studentId!);
    const ids = [...wanted, 'G000000000000000000', zhang.studentId!, wanted[0]!];
    const found = store.getByIds(ids);
    expect(found.size).toBe(2501);
    expect(found.get(wanted[1234]!)).toEqual(generatedStudent(1234));
    expect(found.get(zhang.studentId!)).toEqual(zhang);
    expect(found.has('G000000000000000000')).toBe(false);
    expect(store.getByIds([]).size).toBe(0);
  });

  it('findByIdentity matches name key and birth date', () => {
    const twin = { ...zhang, studentId: gId('2015-03-02', 13), name: '张 三' };
    store.importStudents([twin], { sourceFile: 'b.xlsx' });
    const found = store.findByIdentity(nameKey('张三'), '2015-03-02');
    expect(found.map((s) => s.studentId)).toEqual([zhang.studentId, twin.studentId]);
    expect(store.findByIdentity(nameKey('张三'), '2015-03-03')).toEqual([]);
  });

  it('returns roster fields and nulls for the fields a roster does not hold', () => {
    const s = store.getByIds([zhang.studentId!]).get(zhang.studentId!)!;
    expect(s).toEqual(zhang);
    expect(s.ethnicityCode).toBeNull();
    expect(s.address).toBeNull();
  });
});

describe('checksum', () => {
  it('changes when a student changes and not otherwise', () => {
    const empty = store.checksum();
    store.importStudents(generatedStudents(200), { sourceFile: 'a.xlsx' });
    const c1 = store.checksum();
    expect(c1).not.toBe(empty);
    expect(store.checksum()).toBe(c1);
    store.importStudents(generatedStudents(200), { sourceFile: 'again.xlsx' });
    expect(store.checksum()).toBe(c1);
    store.importStudents([{ ...generatedStudent(7), gradeName: '9年级' }], { sourceFile: 'b.xlsx' });
    expect(store.checksum()).not.toBe(c1);
  });
});
