import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ShiliError } from '../../src/errors.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/db/migrations.js';
import { NewDatabase } from '../../src/db/newDatabase.js';
import { openDatabase } from '../../src/db/open.js';
import { RosterStore } from '../../src/db/roster.js';
import { generatedStudents, makeTempDir, removeTempDirs } from './helpers.js';

afterEach(removeTempDirs);

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const fileHash = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');

function errorOf(fn: () => unknown): ShiliError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ShiliError);
    return err as ShiliError;
  }
  throw new Error('expected a ShiliError');
}

describe('openDatabase: files and modes', () => {
  it('creates the file with mode 0600, and -wal/-shm are not world-readable, even with umask 0', () => {
    const old = process.umask(0);
    try {
      const p = path.join(makeTempDir(), 'r.db');
      const db = openDatabase(p, { mustExist: false });
      new RosterStore(db).importStudents(generatedStudents(10), { sourceFile: 'a.xlsx' });
      expect(mode(p)).toBe(0o600);
      // While the connection is open SQLite keeps its WAL and shared-memory files.
      for (const side of [`${p}-wal`, `${p}-shm`]) {
        expect(fs.existsSync(side)).toBe(true);
        expect(mode(side) & 0o077).toBe(0);
      }
      db.close();
    } finally {
      process.umask(old);
    }
  });

  it('sets the pragmas', () => {
    const db = openDatabase(path.join(makeTempDir(), 'r.db'), { mustExist: false });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(10_000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('mustExist and readonly never create a file', () => {
    const dir = makeTempDir();
    const p = path.join(dir, 'missing.db');
    const e1 = errorOf(() => openDatabase(p, { mustExist: true }));
    expect(e1.code).toBe('DB_NOT_FOUND');
    expect(e1.message).toContain(p);
    expect(e1.hint).toContain('shili roster import');
    expect(e1.hint).toContain('--db');
    expect(errorOf(() => openDatabase(p, { mustExist: false, readonly: true })).code).toBe('DB_NOT_FOUND');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('reports a missing folder and a folder given as the file', () => {
    const dir = makeTempDir();
    expect(errorOf(() => openDatabase(path.join(dir, 'no', 'r.db'), { mustExist: false })).code).toBe(
      'DB_DIR_NOT_FOUND',
    );
    expect(errorOf(() => openDatabase(dir, { mustExist: false })).code).toBe('DB_IS_DIRECTORY');
  });

  it('reports a path that runs through a file as a missing folder, for every kind of open', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a folder');
    const p = path.join(dir, 'notes.txt', 'r.db');
    for (const opts of [{ mustExist: false }, { mustExist: true }, { mustExist: true, readonly: true }]) {
      const e = errorOf(() => openDatabase(p, opts));
      expect(e.code).toBe('DB_DIR_NOT_FOUND');
      expect(e.message).toContain('路径中有一段是文件');
    }
    expect(errorOf(() => NewDatabase.plan(p)).code).toBe('DB_DIR_NOT_FOUND');
  });

  it('says so when the database is a link to nowhere (an unmounted drive), and creates nothing there', () => {
    const dir = makeTempDir();
    const link = path.join(dir, 'r.db');
    fs.symlinkSync(path.join(dir, 'unmounted', 'r.db'), link);
    for (const opts of [{ mustExist: false }, { mustExist: true }, { mustExist: true, readonly: true }]) {
      const e = errorOf(() => openDatabase(link, opts));
      expect(e.code).toBe('DB_LINK_BROKEN');
      expect(e.message).toContain('链接');
    }
    expect(fs.readdirSync(dir)).toEqual(['r.db']);
  });

  // Reading a pipe's "header" would wait for a writer forever.
  it.skipIf(process.platform === 'win32')('refuses a named pipe as the database at once', () => {
    const fifo = path.join(makeTempDir(), 'r.db');
    execFileSync('mkfifo', [fifo]);
    for (const opts of [{ mustExist: false }, { mustExist: true, readonly: true }]) {
      expect(errorOf(() => openDatabase(fifo, opts)).code).toBe('DB_NOT_SQLITE');
    }
  }, 5000);
});

describe('openDatabase: migrations', () => {
  it('records every migration once, and reopening applies nothing again', () => {
    const p = path.join(makeTempDir(), 'r.db');
    openDatabase(p, { mustExist: false }).close();
    const first = new Database(p).prepare('SELECT version, name, applied_at FROM schema_migrations').all();
    expect(first.map((r) => (r as { version: number }).version)).toEqual(MIGRATIONS.map((m) => m.version));
    const db = openDatabase(p, { mustExist: true });
    expect(db.prepare('SELECT version, name, applied_at FROM schema_migrations').all()).toEqual(first);
    db.close();
    const ro = openDatabase(p, { mustExist: true, readonly: true });
    expect(ro.readonly).toBe(true);
    expect(new RosterStore(ro).count()).toBe(0);
    ro.close();
  });

  it('upgrades an older shili database even when opened read-only', () => {
    const p = path.join(makeTempDir(), 'r.db');
    const raw = new Database(p);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)');
    raw.close();
    const ro = openDatabase(p, { mustExist: true, readonly: true });
    expect(ro.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(LATEST_VERSION);
    ro.close();
  });

  it('refuses a database from a newer shili, without changing it', () => {
    const p = path.join(makeTempDir(), 'r.db');
    openDatabase(p, { mustExist: false }).close();
    const raw = new Database(p);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(LATEST_VERSION + 1, 'future', 'x');
    raw.close();
    const before = fileHash(p);
    for (const readonly of [false, true]) {
      const err = errorOf(() => openDatabase(p, { mustExist: true, readonly }));
      expect(err.code).toBe('DB_TOO_NEW');
      expect(err.message).toContain(`${LATEST_VERSION + 1}`);
      expect(err.hint).toContain('升级 shili');
    }
    expect(fileHash(p)).toBe(before);
  });

  it('an empty file is a new database; read-only it is reported as empty', () => {
    const p = path.join(makeTempDir(), 'r.db');
    fs.writeFileSync(p, '', { mode: 0o600 });
    expect(errorOf(() => openDatabase(p, { mustExist: true, readonly: true })).code).toBe('DB_EMPTY');
    const db = openDatabase(p, { mustExist: true });
    expect(new RosterStore(db).count()).toBe(0);
    db.close();
  });
});

describe('openDatabase: files that are not ours', () => {
  const cases: [string, Buffer][] = [
    ['a spreadsheet', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(3000, 7)])],
    ['a short text file', Buffer.from('学籍号,姓名\n')],
    ['a damaged SQLite file', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(5000, 0xab)])],
  ];
  for (const [what, bytes] of cases) {
    it(`refuses ${what} with a clear error and leaves it unchanged`, () => {
      const dir = makeTempDir();
      const p = path.join(dir, 'r.db');
      fs.writeFileSync(p, bytes);
      for (const readonly of [false, true]) {
        const err = errorOf(() => openDatabase(p, { mustExist: false, readonly }));
        expect(['DB_NOT_SQLITE', 'DB_CORRUPT']).toContain(err.code);
        expect(err.message).toContain(p);
        expect(err.hint).toBeTruthy();
      }
      expect(fs.readFileSync(p).equals(bytes)).toBe(true);
      expect(fs.readdirSync(dir)).toEqual(['r.db']);
    });
  }

  it('refuses another program\'s SQLite database, without changing it', () => {
    const p = path.join(makeTempDir(), 'other.db');
    const raw = new Database(p);
    raw.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    raw.close();
    const before = fileHash(p);
    for (const readonly of [false, true]) {
      expect(errorOf(() => openDatabase(p, { mustExist: true, readonly })).code).toBe('DB_NOT_SHILI');
    }
    expect(fileHash(p)).toBe(before);
    expect(new Database(p).pragma('journal_mode', { simple: true })).toBe('delete');
  });
});
