// Schema changes as an ordered, named list recorded in schema_migrations (the sqlite-utils way).
// Append new migrations at the end; never edit or renumber one that has shipped.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create_students_and_import_batches',
    sql: `
      -- Counts only: a batch never records who was in it.
      CREATE TABLE import_batches (
        id INTEGER PRIMARY KEY,
        source_file TEXT, -- basename only, no directories
        started_at TEXT,
        finished_at TEXT,
        added INTEGER,
        updated INTEGER,
        unchanged INTEGER,
        skipped INTEGER
      );
      CREATE TABLE students (
        student_id TEXT PRIMARY KEY, -- normalised 全国学籍号
        id_card TEXT,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL, -- nameKey(name)
        sex TEXT CHECK (sex IN ('1', '2')),
        birth_date TEXT, -- YYYY-MM-DD
        school_name TEXT,
        grade_name TEXT,
        class_name TEXT,
        batch_id INTEGER REFERENCES import_batches(id),
        updated_at TEXT NOT NULL
      );
      CREATE INDEX students_identity ON students (name_key, birth_date);
      -- For candidates(): ids that differ only in their head are found by their tail.
      CREATE INDEX students_id_tail ON students (substr(student_id, -4), student_id);
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)`;

/** What a database holds, read without writing anything. */
export type SchemaState =
  | { kind: 'empty' } // no tables at all: a new file
  | { kind: 'foreign' } // tables, but not ours
  | { kind: 'shili'; applied: Set<number>; newest: number };

export function readSchemaState(db: Database.Database): SchemaState {
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[];
  if (tables.length === 0) return { kind: 'empty' };
  if (!tables.includes('schema_migrations')) return { kind: 'foreign' };
  const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
  return { kind: 'shili', applied: new Set(versions), newest: Math.max(0, ...versions) };
}

/** Versions recorded in the database that this program does not know. */
export function unknownVersions(state: SchemaState): number[] {
  if (state.kind !== 'shili') return [];
  const known = new Set(MIGRATIONS.map((m) => m.version));
  return [...state.applied].filter((v) => !known.has(v)).sort((a, b) => a - b);
}

export function pendingMigrations(state: SchemaState): Migration[] {
  const applied = state.kind === 'shili' ? state.applied : new Set<number>();
  return MIGRATIONS.filter((m) => !applied.has(m.version));
}

/**
 * Applies pending migrations, each in its own IMMEDIATE transaction. The applied
 * check is repeated inside the transaction because another process may have
 * migrated the same file while we waited for the write lock.
 */
export function applyMigrations(db: Database.Database, pending: readonly Migration[]): void {
  const isApplied = () =>
    db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  for (const m of pending) {
    db.transaction(() => {
      db.exec(CREATE_TABLE);
      if (isApplied().get(m.version) !== undefined) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}
