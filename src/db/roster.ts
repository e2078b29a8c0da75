// The student roster: bulk import (upsert by 全国学籍号) and lookups for matching.
import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Student } from '../model/record.js';
import { nameKey } from '../normalize/name.js';
import { findCandidates, type Candidate, type CandidateQuery } from './candidates.js';
import { fromSqlite } from './errors.js';
import { STUDENT_COLUMNS, toStudent, type StudentRow } from './rows.js';

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** Rows without a 学籍号 or a name: they cannot be keyed or stored. */
  skipped: number;
  batchId: number;
}

/*
 * Upsert that only writes when something changed, so `changes` is 1 for an
 * insert or a real update and 0 for an unchanged row; added is the growth of
 * count(*) inside the same transaction. One statement per row, no SELECT first.
 *
 * A null in the incoming row keeps the stored value (coalesce): a roster export
 * with fewer columns (no 身份证号, no 班级) must not wipe what an earlier, fuller
 * roster provided. The cost: a value can't be cleared by importing a blank; name
 * is always replaced because it is required.
 */
const UPSERT = `
  INSERT INTO students (student_id, id_card, name, name_key, sex, birth_date,
                        school_name, grade_name, class_name, batch_id, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (student_id) DO UPDATE SET
    id_card = coalesce(excluded.id_card, id_card),
    name = excluded.name,
    name_key = excluded.name_key,
    sex = coalesce(excluded.sex, sex),
    birth_date = coalesce(excluded.birth_date, birth_date),
    school_name = coalesce(excluded.school_name, school_name),
    grade_name = coalesce(excluded.grade_name, grade_name),
    class_name = coalesce(excluded.class_name, class_name),
    batch_id = excluded.batch_id,
    updated_at = excluded.updated_at
  WHERE excluded.name IS NOT name
     OR excluded.name_key IS NOT name_key
     OR coalesce(excluded.id_card, id_card) IS NOT id_card
     OR coalesce(excluded.sex, sex) IS NOT sex
     OR coalesce(excluded.birth_date, birth_date) IS NOT birth_date
     OR coalesce(excluded.school_name, school_name) IS NOT school_name
     OR coalesce(excluded.grade_name, grade_name) IS NOT grade_name
     OR coalesce(excluded.class_name, class_name) IS NOT class_name`;

/** Ids per getByIds statement; callers' batches of ~1000 fit in one round. */
const LOOKUP_CHUNK = 1000;

export class RosterStore {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Prepared once per store: lookups run once per spreadsheet row. */
  #stmt(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) this.#statements.set(sql, (stmt = this.#db.prepare(sql)));
    return stmt;
  }

  /**
   * Imports students in ONE immediate transaction: the batch is wholly present or
   * wholly absent, even if the process is killed; a concurrent importer waits for
   * the write lock (busy_timeout) instead of interleaving. studentId must already be
   * normalised; the name is stored as given and matched through nameKey(name).
   * The iterable is consumed inside the transaction: if it throws, nothing is kept.
   */
  importStudents(students: Iterable<Student>, info: { sourceFile: string }): ImportResult {
    const db = this.#db;
    const run = this.#guard(() => {
      const insertBatch = db.prepare('INSERT INTO import_batches (source_file, started_at) VALUES (?, ?)');
      const finishBatch = db.prepare(
        `UPDATE import_batches SET finished_at = ?, added = ?, updated = ?, unchanged = ?, skipped = ?
         WHERE id = ?`,
      );
      const upsert = db.prepare(UPSERT);
      const countRows = db.prepare('SELECT count(*) FROM students').pluck();
      return db.transaction(() => {
        const now = new Date().toISOString();
        const batchId = Number(insertBatch.run(path.basename(info.sourceFile), now).lastInsertRowid);
        const before = countRows.get() as number;
        // First import: load, then index (sorting once beats ~3 random B-tree inserts per row).
        const rebuild = before === 0 ? dropSecondaryIndexes(db) : [];
        let seen = 0;
        let changed = 0;
        let skipped = 0;
        for (const s of students) {
          const key = s.studentId && s.name ? nameKey(s.name) : '';
          if (key === '') {
            skipped++;
            continue;
          }
          seen++;
          changed += upsert.run(
            s.studentId, s.idCardNumber, s.name, key, s.sex, s.birthDate,
            s.schoolName, s.gradeName, s.className, batchId, now,
          ).changes;
        }
        for (const sql of rebuild) db.exec(sql);
        const added = (countRows.get() as number) - before;
        const result = { added, updated: changed - added, unchanged: seen - changed, skipped, batchId };
        finishBatch.run(new Date().toISOString(), result.added, result.updated, result.unchanged, skipped, batchId);
        return result;
      });
    });
    return this.#guard(() => run.immediate());
  }

  count(): number {
    return this.#guard(() => this.#stmt('SELECT count(*) AS n FROM students').get() as { n: number }).n;
  }

  /** Students by 学籍号; ids not in the roster are simply absent from the map. */
  getByIds(ids: readonly string[]): Map<string, Student> {
    const out = new Map<string, Student>();
    if (ids.length === 0) return out;
    return this.#guard(() => {
      // One JSON array parameter: no statement per list size, no 32766-parameter limit.
      const stmt = this.#stmt(
        `SELECT ${STUDENT_COLUMNS} FROM students
         WHERE student_id IN (SELECT value FROM json_each(?))`,
      );
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        const rows = stmt.all(JSON.stringify(ids.slice(i, i + LOOKUP_CHUNK))) as StudentRow[];
        for (const r of rows) out.set(r.student_id, toStudent(r));
      }
      return out;
    });
  }

  /** Which of these 学籍号 the roster holds: an index-only lookup, for matching whole files. */
  knownIds(ids: string[]): Set<string> {
    const out = new Set<string>();
    if (ids.length === 0) return out;
    return this.#guard(() => {
      const stmt = this.#stmt(`SELECT student_id FROM students WHERE student_id IN (SELECT value FROM json_each(?))`).pluck();
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        for (const id of stmt.all(JSON.stringify(ids.slice(i, i + LOOKUP_CHUNK))) as string[]) out.add(id);
      }
      return out;
    });
  }

  /** Students with this name key and birth date (YYYY-MM-DD), ordered by 学籍号. */
  findByIdentity(key: string, birthDate: string): Student[] {
    return this.#guard(() => {
      const rows = this.#stmt(
        `SELECT ${STUDENT_COLUMNS} FROM students WHERE name_key = ? AND birth_date = ? ORDER BY student_id`,
      ).all(key, birthDate) as StudentRow[];
      return rows.map(toStudent);
    });
  }

  /** Suggestions for a row that did not match; see candidates.ts for kinds and limits. */
  candidates(q: CandidateQuery, limit = 3): Candidate[] {
    return this.#guard(() => findCandidates(this.#db, q, limit));
  }

  /** SHA-256 over every student row in 学籍号 order: equal iff the students table is unchanged. */
  checksum(): string {
    return this.#guard(() => {
      const hash = createHash('sha256');
      const rows = this.#db
        .prepare(
          `SELECT ${STUDENT_COLUMNS}, name_key, batch_id, updated_at FROM students ORDER BY student_id`,
        )
        .raw()
        .iterate() as IterableIterator<unknown[]>;
      for (const row of rows) hash.update(JSON.stringify(row)).update('\n');
      return hash.digest('hex');
    });
  }

  /** SQLite failures become ShiliErrors; anything else (e.g. from a reader) passes through. */
  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof Database.SqliteError) throw fromSqlite(err, this.#db.name);
      throw err;
    }
  }
}

/** Drops the students indexes the schema declares (not the primary key) and returns their SQL. */
function dropSecondaryIndexes(db: Database.Database): string[] {
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'students' AND sql IS NOT NULL`)
    .all() as { name: string; sql: string }[];
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
  return indexes.map((i) => i.sql);
}
