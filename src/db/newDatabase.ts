// A roster database that does not exist yet is built under a hidden temp name in its own folder
// and linked into place only once the first import committed. So a first import that fails
// (a roster damaged halfway), is interrupted (Ctrl-C) or killed leaves no database behind: an
// empty one would make the next convert say "no students" instead of "import a roster first".
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { removeOnExit } from '../io/cleanup.js';
import { moveNoReplace, syncDir, truncateUtf8 } from '../io/outputFile.js';
import { sweepStaleTemps } from '../io/staleTemps.js';
import { fromSqlite } from './errors.js';
import { statDatabasePath } from './open.js';

/** .<name>.shili-<pid>-<hex>.tmp and SQLite's files beside it (-wal, -shm, -journal). */
export const DB_TEMP_PATTERN = /^\..*\.shili-(\d+)-[0-9a-f]{8}\.tmp(?:-wal|-shm|-journal)?$/s;

const SIDE_FILES = ['-wal', '-shm', '-journal'];
// Room for SQLite's suffixes and the decoration within a 255-byte file name.
const TEMP_BASE_MAX_BYTES = 200;

export class NewDatabase {
  /** Where the import writes until publish(). */
  readonly temp: string;
  readonly #final: string;
  readonly #releases: (() => void)[];

  private constructor(finalPath: string) {
    this.#final = finalPath;
    const dir = path.dirname(finalPath);
    const stem = truncateUtf8(path.basename(finalPath), TEMP_BASE_MAX_BYTES);
    this.temp = path.join(dir, `.${stem}.shili-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    // Registered before any of them exists, so that no Ctrl-C can leave one behind.
    this.#releases = ['', ...SIDE_FILES].map((s) => removeOnExit(this.temp + s));
  }

  /** A NewDatabase when nothing exists at finalPath yet; undefined when something does (use it as it is). */
  static plan(finalPath: string): NewDatabase | undefined {
    // What a first import killed with SIGKILL left, once its process is gone (staleTemps.ts).
    sweepStaleTemps(path.dirname(finalPath), DB_TEMP_PATTERN);
    if (statDatabasePath(finalPath, false)) return undefined;
    return new NewDatabase(finalPath);
  }

  /**
   * Puts the finished database under its own name; call it after every connection to temp was
   * closed. Never replaces a file: returns false when another process created one there meanwhile
   * (two first imports at once), and then the caller imports into that one instead.
   */
  publish(): boolean {
    try {
      // Closing the last connection checkpoints the WAL into the main file and removes it; checked
      // here rather than assumed, since only the main file moves.
      const db = new Database(this.temp, { fileMustExist: true });
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      const left = SIDE_FILES.filter((s) => (fs.statSync(this.temp + s, { throwIfNoEntry: false })?.size ?? 0) > 0);
      if (left.length > 0) throw new Error(`new database still has ${left.join(', ')} after its last close`);
      if (!moveNoReplace(this.temp, this.#final)) return false;
    } catch (err) {
      throw fromSqlite(err, this.#final);
    }
    syncDir(path.dirname(this.#final));
    return true;
  }

  /** Removes the temp and its side files (after publish, only stray side files can be left). Safe to call twice. */
  discard(): void {
    for (const s of ['', ...SIDE_FILES]) fs.rmSync(this.temp + s, { force: true });
    for (const release of this.#releases.splice(0)) release();
  }
}
