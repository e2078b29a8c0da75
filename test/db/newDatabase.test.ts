// A new roster database is built under a temp name and appears under its own name only when published.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_TEMP_PATTERN, NewDatabase } from '../../src/db/newDatabase.js';
import { openDatabase } from '../../src/db/open.js';
import { RosterStore } from '../../src/db/roster.js';
import { generatedStudents, makeTempDir, removeTempDirs } from './helpers.js';

afterEach(removeTempDirs);

/** Builds a database of `n` students at `file`, left in WAL mode with every connection closed. */
function fill(file: string, n: number): void {
  const db = openDatabase(file, { mustExist: false });
  new RosterStore(db).importStudents(generatedStudents(n), { sourceFile: 'a.xlsx' });
  db.close();
}

const students = (file: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM students').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('NewDatabase', () => {
  it('is planned only where nothing exists yet, with a hidden temp in the same folder', () => {
    const dir = makeTempDir();
    const final = path.join(dir, '学校.db');
    const fresh = NewDatabase.plan(final)!;
    expect(path.dirname(fresh.temp)).toBe(dir);
    expect(DB_TEMP_PATTERN.test(path.basename(fresh.temp))).toBe(true);
    expect(DB_TEMP_PATTERN.test(`${path.basename(fresh.temp)}-wal`)).toBe(true);
    fresh.discard();
    fs.writeFileSync(final, '');
    expect(NewDatabase.plan(final)).toBeUndefined();
  });

  it('publishes the whole database under its own name, private, and leaves no temp behind', () => {
    const dir = makeTempDir();
    const final = path.join(dir, 'r.db');
    const fresh = NewDatabase.plan(final)!;
    fill(fresh.temp, 500);
    expect(fs.existsSync(final)).toBe(false);
    expect(fresh.publish()).toBe(true);
    fresh.discard();
    expect(fs.readdirSync(dir)).toEqual(['r.db']);
    expect(fs.statSync(final).mode & 0o777).toBe(0o600);
    expect(students(final)).toBe(500);
  });

  it('never replaces a database another process published meanwhile', () => {
    const dir = makeTempDir();
    const final = path.join(dir, 'r.db');
    const fresh = NewDatabase.plan(final)!;
    fill(fresh.temp, 30);
    fill(final, 7); // the other first import, finished first
    const theirs = fs.readFileSync(final);
    expect(fresh.publish()).toBe(false);
    fresh.discard();
    expect(fs.readFileSync(final).equals(theirs)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['r.db']);
    expect(students(final)).toBe(7);
  });

  it('discards the temp and SQLite\'s files beside it', () => {
    const dir = makeTempDir();
    const fresh = NewDatabase.plan(path.join(dir, 'r.db'))!;
    const db = openDatabase(fresh.temp, { mustExist: false });
    new RosterStore(db).importStudents(generatedStudents(20), { sourceFile: 'a.xlsx' });
    // Still open, as when an import fails: the temp, its -wal and -shm.
    expect(fs.readdirSync(dir)).toHaveLength(3);
    fresh.discard();
    db.close();
    fresh.discard();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
