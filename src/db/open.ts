// Opens (and when allowed, creates) the roster database: private file mode, pragmas, migrations.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ShiliError } from '../errors.js';
import { dbEmpty, dbNotFound, fromSqlite, notShili, notSqlite, tooNew } from './errors.js';
import {
  LATEST_VERSION,
  applyMigrations,
  pendingMigrations,
  readSchemaState,
  unknownVersions,
} from './migrations.js';

export interface OpenOptions {
  /** Fail with DB_NOT_FOUND instead of creating a new database. */
  mustExist: boolean;
  /** Open without write access; implies mustExist (read-only commands never create files). */
  readonly?: boolean;
}

/** A second importer waits this long for the first one's write lock. */
export const BUSY_TIMEOUT_MS = 10_000;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export function openDatabase(dbPath: string, opts: OpenOptions): Database.Database {
  const readonly = opts.readonly ?? false;
  const stat = statDatabasePath(dbPath);
  if (stat === undefined) {
    if (statDatabasePath(dbPath, false)?.isSymbolicLink()) {
      throw new ShiliError('DB_LINK_BROKEN', `名单数据库 ${dbPath} 是一个链接（快捷方式），它指向的位置不存在`, {
        hint: '如果它指向外接磁盘或网络共享，请确认已经连接；或用 --db 指定其他位置',
      });
    }
    if (opts.mustExist || readonly) throw dbNotFound(dbPath);
    createPrivateFile(dbPath);
  } else if (stat.isDirectory()) {
    throw new ShiliError('DB_IS_DIRECTORY', `${dbPath} 是一个目录，不是数据库文件`, {
      hint: `请用 --db 指定文件路径，例如 ${path.join(dbPath, 'shili.db')}`,
    });
  } else if (!stat.isFile()) {
    // A pipe or a device: reading its header would wait forever or read nonsense.
    throw notSqlite(dbPath);
  }
  // Checked before SQLite sees the file, so a spreadsheet passed by mistake is never touched.
  checkHeader(dbPath);

  let db: Database.Database | undefined;
  try {
    db = connect(dbPath, readonly);
    const state = readSchemaState(db);
    if (state.kind === 'foreign') throw notShili(dbPath);
    const unknown = unknownVersions(state);
    if (unknown.length > 0) throw tooNew(dbPath, Math.max(...unknown), LATEST_VERSION);
    const pending = pendingMigrations(state);

    if (!readonly) {
      // Only now that the file is known to be ours (or new) may it be written.
      makeWritable(db);
      applyMigrations(db, pending);
    } else if (state.kind === 'empty') {
      throw dbEmpty(dbPath);
    } else if (pending.length > 0) {
      // An older shili's database: upgrade it once, then continue read-only.
      db.close();
      db = connect(dbPath, false);
      makeWritable(db);
      applyMigrations(db, pending);
      db.close();
      db = connect(dbPath, true);
    }
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    db?.close();
    throw fromSqlite(err, dbPath);
  }
}

/**
 * What is at the database's path (following links), undefined when nothing is; a path through a
 * file or an unreadable folder is the user's to fix, said in Chinese.
 */
export function statDatabasePath(dbPath: string, follow = true): fs.Stats | undefined {
  try {
    return follow ? fs.statSync(dbPath, { throwIfNoEntry: false }) : fs.lstatSync(dbPath, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw dbDirNotFound(dbPath, err);
    throw fromSqlite(err, dbPath);
  }
}

function dbDirNotFound(dbPath: string, cause: unknown): ShiliError {
  const throughFile = (cause as NodeJS.ErrnoException).code === 'ENOTDIR' ? '（路径中有一段是文件，不是目录）' : '';
  return new ShiliError('DB_DIR_NOT_FOUND', `名单数据库所在的目录不存在：${path.dirname(dbPath)}${throughFile}`, {
    hint: '请先创建该目录，或用 --db 指定其他位置',
    cause,
  });
}

function connect(dbPath: string, readonly: boolean): Database.Database {
  // fileMustExist: the file was created above with mode 0600; SQLite must never create it itself.
  const db = new Database(dbPath, { readonly, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // 8 MiB (default 2 MiB). Measured on the 200k bench file: 64 MiB cost ~40 MB of peak RSS in
  // convert and gained no time, since the OS page cache already holds the file's pages.
  db.pragma('cache_size = -8192');
  return db;
}

function makeWritable(db: Database.Database): void {
  // Switching a new file to WAL fails at once with SQLITE_BUSY, ignoring busy_timeout,
  // while another process holds a lock on it (seen with simultaneous first imports).
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      break;
    } catch (err) {
      const busy = (err as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
      if (!busy || Date.now() > deadline) throw err;
      Atomics.wait(SLEEPER, 0, 0, 20);
    }
  }
  db.pragma('synchronous = NORMAL'); // safe with WAL: a crash can lose the last commit, never corrupt
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/**
 * Creates an empty file readable by its owner only, before SQLite opens it. SQLite
 * gives the -wal and -shm files the database file's mode, so they are private too.
 */
function createPrivateFile(dbPath: string): void {
  try {
    fs.closeSync(fs.openSync(dbPath, 'wx', 0o600));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // another process just created it: use theirs
    if (code === 'ENOENT' || code === 'ENOTDIR') throw dbDirNotFound(dbPath, err);
    throw fromSqlite(err, dbPath);
  }
}

/** An empty file is a new database; anything else must start with SQLite's magic string. */
function checkHeader(dbPath: string): void {
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  let read: number;
  try {
    const fd = fs.openSync(dbPath, 'r');
    try {
      read = fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw fromSqlite(err, dbPath);
  }
  if (read === 0) return;
  if (read < head.length || !head.equals(SQLITE_MAGIC)) throw notSqlite(dbPath);
}
