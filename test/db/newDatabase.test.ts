// A new roster database is built under a temp name and appears under its own name only when published.
import { spawnSync } from 'node:child_process';
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

  it('sweeps what a killed first import left beside a database, once its process is gone and an hour passed', () => {
    const dir = makeTempDir();
    const final = path.join(dir, 'r.db');
    fill(final, 3);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    const left = ['', '-wal', '-shm'].map((s) => `.r.db.shili-${dead}-0a1b2c3d.tmp${s}`);
    const recent = `.r.db.shili-${dead}-99999999.tmp`;
    for (const f of [...left, recent]) fs.writeFileSync(path.join(dir, f), 'student data');
    const old = (Date.now() - 2 * 3600_000) / 1000;
    for (const f of left) fs.utimesSync(path.join(dir, f), old, old);
    expect(NewDatabase.plan(final)).toBeUndefined(); // the database exists: it is used as it is
    expect(fs.readdirSync(dir).sort()).toEqual([recent, 'r.db']);
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
