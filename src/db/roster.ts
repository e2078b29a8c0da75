// The student roster: bulk import (upsert by 全国学籍号) and lookups for matching.
import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Student } from '../model/record.js';
import { nameKey } from '../normalize/name.js';
import { findCandidates, studentFromRaw, type Candidate, type CandidateQuery } from './candidates.js';
import { fromSqlite } from './errors.js';
import { buildIdIndex, type IdIndex } from './idIndex.js';
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
const INSERT = `
  INSERT INTO students (student_id, id_card, name, name_key, sex, birth_date,
                        school_name, grade_name, class_name, batch_id, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, $batchId, $now)`;
const UPSERT = `${INSERT}
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

/*
 * The batch id and timestamp are the same for every row of an import: written into the statement
 * as literals (an integer and an ISO string) rather than bound ~200,000 times.
 */
function withBatch(sql: string, batchId: number, now: string): string {
  if (!Number.isSafeInteger(batchId) || !/^[\dT:.Z-]+$/.test(now)) throw new Error(`unexpected batch ${batchId} ${now}`);
  return sql.replace('$batchId', String(batchId)).replace('$now', `'${now}'`);
}

/** Ids per getByIds statement; callers' batches of ~1000 fit in one round. */
const LOOKUP_CHUNK = 1000;
/*
 * Building the id index reads every roster id (~0.5 µs each); a SQLite id lookup costs ~2 µs and
 * a candidate search's two id scans ~25 lookups. The index is built once the lookups answered by
 * SQLite reach 1/16 of the roster: a whole district file soon, a one-class file never.
 */
const INDEX_AFTER_LOOKUPS_PER_STUDENT = 1 / 16;
const CANDIDATE_LOOKUPS = 25;

export class RosterStore {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  /** The roster's ids in memory (see loadIdIndex); null when the roster holds ids it cannot encode. */
  #ids: { index: IdIndex | null; version: string } | undefined;
  /** Id lookups SQLite has answered, towards building #ids. */
  #sqlLookups = 0;
  #indexAfter: number | undefined;

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
   * Starts an import: ONE immediate transaction, so the batch is wholly present or wholly
   * absent, even if the process is killed; a concurrent importer waits for the write lock
   * (busy_timeout) instead of interleaving. Students may be added over many event-loop turns
   * (a file being read); nothing is visible to others before commit(). studentId must already
   * be normalised; the name is stored as given and matched through nameKey(name).
   */
  beginImport(info: { sourceFile: string }): RosterImport {
    return this.#guard(() => new RosterImport(this.#db, info.sourceFile, (fn) => this.#guard(fn)));
  }

  /** One import of all these students. The iterable is consumed inside the transaction: if it throws, nothing is kept. */
  importStudents(students: Iterable<Student>, info: { sourceFile: string }): ImportResult {
    const imp = this.beginImport(info);
    try {
      imp.add(students);
      return imp.commit();
    } catch (err) {
      imp.rollback();
      throw err;
    }
  }

  count(): number {
    return this.#guard(() => this.#stmt('SELECT count(*) AS n FROM students').get() as { n: number }).n;
  }

  /** Students by 学籍号; ids not in the roster are simply absent from the map. */
  getByIds(ids: readonly string[]): Map<string, Student> {
    const out = new Map<string, Student>();
    if (ids.length === 0) return out;
    return this.#guard(() => {
      if (ids.length === 1) {
        // One student per output row is the common call: a primary-key read, no JSON.
        const r = this.#stmt(`SELECT ${STUDENT_COLUMNS} FROM students WHERE student_id = ?`).raw().get(ids[0]);
        if (r) out.set(ids[0]!, studentFromRaw(r as unknown[]));
        return out;
      }
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

  /** Which of these 学籍号 the roster holds, in 学籍号 order within each 1000: for matching whole files. */
  knownIds(ids: string[]): Set<string> {
    const out = new Set<string>();
    if (ids.length === 0) return out;
    return this.#guard(() => {
      const index = this.#idIndex(ids.length);
      if (index) return knownInIndex(index, ids);
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
      ).raw().all(key, birthDate) as unknown[][];
      return rows.map(studentFromRaw);
    });
  }

  /** Suggestions for a row that did not match; see candidates.ts for kinds and limits. */
  candidates(q: CandidateQuery, limit = 3): Candidate[] {
    return this.#guard(() => findCandidates(this.#db, q, limit, this.#idIndex(CANDIDATE_LOOKUPS)));
  }

  /**
   * Reads every roster id into memory now (8–12 bytes a student) instead of once lookups have
   * done enough work: for a caller about to match a whole file. Lookups give the same results
   * either way. False when the roster holds ids the index cannot hold (SQLite answers then).
   */
  loadIdIndex(): boolean {
    return this.#guard(() => this.#idIndex(Infinity) !== null);
  }

  /**
   * The id index if it is worth having, rebuilt when the students table may have changed: a write
   * on this connection moves total_changes(), a commit by another one moves data_version.
   */
  #idIndex(lookups: number): IdIndex | null {
    const changes = this.#stmt('SELECT total_changes()').pluck().get() as number;
    const version = `${changes}/${this.#stmt('PRAGMA data_version').pluck().get() as number}`;
    if (this.#ids?.version === version) return this.#ids.index;
    this.#indexAfter ??=
      ((this.#stmt('SELECT max(rowid) FROM students').pluck().get() as number | null) ?? 0) *
      INDEX_AFTER_LOOKUPS_PER_STUDENT;
    if (this.#sqlLookups + lookups <= this.#indexAfter) {
      this.#sqlLookups += lookups;
      return null;
    }
    this.#ids = { index: buildIdIndex(this.#db), version };
    return this.#ids.index;
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

/** knownIds on the index, in the same order as the SQLite lookup: 学籍号 order within each chunk. */
function knownInIndex(index: IdIndex, ids: string[]): Set<string> {
  const out = new Set<string>();
  const found = new Float64Array(LOOKUP_CHUNK);
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    // Position in the index × chunk size + place in the chunk: sorting orders by 学籍号.
    let n = 0;
    for (let j = 0; j < LOOKUP_CHUNK && i + j < ids.length; j++) {
      const pos = index.find(ids[i + j]!);
      if (pos >= 0) found[n++] = pos * LOOKUP_CHUNK + j;
    }
    for (const f of found.subarray(0, n).sort()) out.add(ids[i + (f % LOOKUP_CHUNK)]!);
  }
  return out;
}

/** An open import transaction: add() students, then commit() or rollback(). */
export class RosterImport {
  readonly #db: Database.Database;
  readonly #guard: <T>(fn: () => T) => T;
  readonly #upsert: Database.Statement;
  /** A plain INSERT while the import started on an empty table (see #write); else null. */
  readonly #insert: Database.Statement | null;
  readonly #countRows: Database.Statement;
  readonly #now = new Date().toISOString();
  readonly #batchId: number;
  readonly #before: number;
  readonly #rebuild: string[];
  #seen = 0;
  #changed = 0;
  #skipped = 0;

  constructor(db: Database.Database, sourceFile: string, guard: <T>(fn: () => T) => T) {
    this.#db = db;
    this.#guard = guard;
    this.#countRows = db.prepare('SELECT count(*) FROM students').pluck();
    const insertBatch = db.prepare('INSERT INTO import_batches (source_file, started_at) VALUES (?, ?)');
    db.exec('BEGIN IMMEDIATE');
    try {
      this.#batchId = Number(insertBatch.run(path.basename(sourceFile), this.#now).lastInsertRowid);
      this.#upsert = db.prepare(withBatch(UPSERT, this.#batchId, this.#now));
      this.#before = this.#countRows.get() as number;
      // First import: load, then index (sorting once beats ~3 random B-tree inserts per row).
      this.#rebuild = this.#before === 0 ? dropSecondaryIndexes(db) : [];
      this.#insert = this.#before === 0 ? db.prepare(withBatch(INSERT, this.#batchId, this.#now)) : null;
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  add(students: Iterable<Student>): void {
    this.#guard(() => {
      for (const s of students) {
        this.#write(s.studentId, s.idCardNumber, s.name, s.sex, s.birthDate, s.schoolName, s.gradeName, s.className);
      }
    });
  }

  /**
   * The same as add for students packed STUDENT_FIELDS at a time (what the import worker receives:
   * one flat array per batch is several times cheaper to pass between threads than an object a row).
   */
  addPacked(values: readonly (string | null)[]): void {
    if (values.length % STUDENT_FIELDS !== 0) throw new Error(`packed students: ${values.length} values`);
    this.#guard(() => {
      for (let i = 0; i < values.length; i += STUDENT_FIELDS) {
        this.#write(values[i]!, values[i + 1]!, values[i + 2]!, values[i + 3]!, values[i + 4]!, values[i + 5]!, values[i + 6]!, values[i + 7]!);
      }
    });
  }

  #write(
    studentId: string | null, idCard: string | null, name: string | null, sex: string | null,
    birthDate: string | null, schoolName: string | null, gradeName: string | null, className: string | null,
  ): void {
    const key = studentId && name ? nameKey(name) : '';
    if (key === '') {
      this.#skipped++;
      return;
    }
    this.#seen++;
    // On a table that was empty, a student is new unless this import wrote its 学籍号 already: a
    // plain INSERT (~15% cheaper) that fails on the primary key then runs the upsert instead, as
    // a failed statement leaves the transaction as it was. Same rows, rowids and counts either way.
    if (this.#insert) {
      try {
        this.#changed += this.#insert.run(studentId, idCard, name, key, sex, birthDate, schoolName, gradeName, className).changes;
        return;
      } catch (err) {
        if (!isKeyConflict(err)) throw err;
      }
    }
    this.#changed += this.#upsert.run(studentId, idCard, name, key, sex, birthDate, schoolName, gradeName, className).changes;
  }

  commit(): ImportResult {
    return this.#guard(() => {
      const db = this.#db;
      for (const sql of this.#rebuild) db.exec(sql);
      const added = (this.#countRows.get() as number) - this.#before;
      const changed = this.#changed;
      const skipped = this.#skipped;
      const result = { added, updated: changed - added, unchanged: this.#seen - changed, skipped, batchId: this.#batchId };
      db.prepare(
        `UPDATE import_batches SET finished_at = ?, added = ?, updated = ?, unchanged = ?, skipped = ?
         WHERE id = ?`,
      ).run(new Date().toISOString(), result.added, result.updated, result.unchanged, skipped, result.batchId);
      db.exec('COMMIT');
      return result;
    });
  }

  /** Undoes everything since beginImport; safe to call after a failed commit or twice. */
  rollback(): void {
    if (!this.#db.inTransaction) return;
    try {
      this.#db.exec('ROLLBACK');
    } catch {
      /* SQLite rolled back already (e.g. after SQLITE_FULL); closing the connection finishes it */
    }
  }
}

/** Values per student in RosterImport.addPacked, in this order. */
export const PACKED_FIELDS = [
  'studentId', 'idCardNumber', 'name', 'sex', 'birthDate', 'schoolName', 'gradeName', 'className',
] as const satisfies readonly (keyof Student)[];
const STUDENT_FIELDS = PACKED_FIELDS.length;

/** Appends these students to `into` in the PACKED_FIELDS layout. */
export function packStudents(students: Iterable<Student>, into: (string | null)[]): void {
  for (const s of students) {
    into.push(s.studentId, s.idCardNumber, s.name, s.sex, s.birthDate, s.schoolName, s.gradeName, s.className);
  }
}

function isKeyConflict(err: unknown): boolean {
  return err instanceof Database.SqliteError && (err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err.code === 'SQLITE_CONSTRAINT_UNIQUE');
}

/** Drops the students indexes the schema declares (not the primary key) and returns their SQL. */
function dropSecondaryIndexes(db: Database.Database): string[] {
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'students' AND sql IS NOT NULL`)
    .all() as { name: string; sql: string }[];
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
  return indexes.map((i) => i.sql);
}
