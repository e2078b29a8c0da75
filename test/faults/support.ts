// Shared by the fault and safety tests: cached generated fixtures, the built CLI as a child
// process that can be watched and killed, and read-only checks of databases and outputs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { generateFixtureSet, type FixtureSet, type FixtureSetOptions } from '../../fixtures/gen/fixtureSet.js';
import { BIN, ROOT, type RunResult } from '../helpers/cli.js';
import { readBack } from '../helpers/readBack.js';
import { zipEntries } from '../fixtures/zipEntries.js';

/** Signals, umask and file modes are POSIX; Windows skips these tests. */
export const POSIX = process.platform !== 'win32';

const scratch: string[] = [];

/** A temp folder removed by removeScratch() (call it in afterAll). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export function removeScratch(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Fixtures: generated once per machine and generator version, shared by the test files.

const GEN_DIR = join(ROOT, 'fixtures/gen');

function generatorHash(opts: object): string {
  const h = createHash('sha256').update(JSON.stringify(opts));
  for (const f of readdirSync(GEN_DIR).sort()) h.update(f).update(readFileSync(join(GEN_DIR, f)));
  return h.digest('hex').slice(0, 16);
}

/**
 * generateFixtureSet, cached under the system temp folder. Keyed by the options and the
 * generator's source, so a changed generator never serves stale files. Test files running
 * in parallel wait for the one that generates.
 */
export async function cachedFixture(name: string, opts: Omit<FixtureSetOptions, 'out'>): Promise<FixtureSet> {
  const root = join(tmpdir(), 'shili-test-fixtures');
  mkdirSync(root, { recursive: true });
  const dir = join(root, `${name}-${generatorHash(opts)}`);
  const done = join(dir, 'fixture-set.json');
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as FixtureSet;
    try {
      mkdirSync(lock);
    } catch {
      // Someone else is generating; a lock older than 4 minutes belongs to a dead run.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 240_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for fixture ${dir}`);
      await sleep(200);
      continue;
    }
    try {
      if (existsSync(done)) continue;
      const work = mkdtempSync(`${dir}.work-`);
      const set = await generateFixtureSet({ ...opts, out: work });
      rmSync(dir, { recursive: true, force: true });
      renameSync(work, dir);
      // The set names its files by absolute path: point them at the final folder.
      writeFileSync(done, JSON.stringify(set).split(work).join(dir));
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The CLI as a child process.

export interface Running {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has exited, with everything it printed. */
  done: Promise<RunResult>;
  exited(): boolean;
}

export interface StartOptions {
  cwd?: string;
  /** The child's TMPDIR: where its spill files go, so a test can watch them. */
  tmp?: string;
  /** Run with this umask (POSIX shells only). */
  umask?: string;
  env?: Record<string, string | undefined>;
}

export function startShili(args: string[], opts: StartOptions = {}): Running {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: '1', SHILI_DB: undefined, ...opts.env };
  // os.tmpdir(): TMPDIR on POSIX, TEMP/TMP on Windows.
  if (opts.tmp) env.TMPDIR = env.TEMP = env.TMP = opts.tmp;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const [cmd, argv] = opts.umask
    ? ['/bin/sh', ['-c', `umask ${opts.umask} && exec "$0" "$@"`, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const child = spawn(cmd, argv, { cwd: opts.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let gone = false;
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      gone = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  child.on('exit', () => (gone = true));
  return { child, pid: child.pid!, done, exited: () => gone };
}

export async function runShili(args: string[], opts: StartOptions = {}): Promise<RunResult> {
  return startShili(args, opts).done;
}

/**
 * Polls (about every millisecond) until `probe` returns something other than undefined, and
 * returns it; returns undefined when the process exits first or the time runs out.
 */
export async function waitUntil<T>(run: Running, probe: () => T | undefined, timeoutMs = 60_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (run.exited() || Date.now() > deadline) return undefined;
    await sleep(1);
  }
}

/** A JSON summary line from --json output (the last line that parses). */
export function jsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n').filter(Boolean);
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Files a conversion leaves behind.

const FINAL = /^.+\.(city-upload|city-template|unmatched)\.xlsx$/;
const OUT_TEMP = /^\..+\.shili-\d+-[0-9a-f]+\.tmp$/;
const SPILL = /^shili-spill-\d+-[0-9a-f]+\.tmp$/;

const list = (dir: string, re: RegExp): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f)).sort() : []);
export const finalsIn = (dir: string): string[] => list(dir, FINAL);
export const outTempsIn = (dir: string): string[] => list(dir, OUT_TEMP);
export const spillsIn = (dir: string): string[] => list(dir, SPILL);

/** Data rows of the first sheet, counted in the raw XML; throws when the zip or the sheet is incomplete. */
export function sheetDataRows(file: string, headerRows = 1): number {
  const parts = zipEntries(file);
  const xml = parts.get('xl/worksheets/sheet1.xml')?.toString('utf8');
  if (!xml || !xml.trimEnd().endsWith('</worksheet>')) throw new Error(`${file}: sheet1 is incomplete`);
  for (const p of ['[Content_Types].xml', 'xl/workbook.xml', '_rels/.rels']) if (!parts.has(p)) throw new Error(`${file}: no ${p}`);
  return (xml.match(/<row /g) ?? []).length - headerRows;
}

// ---------------------------------------------------------------------------------------------
// The roster database, read from outside.

export interface DbState {
  integrity: string;
  students: number;
  batches: { id: number; finished_at: string | null; added: number | null; updated: number | null }[];
  /** Over what a batch carries (ids, names, dates, classes), not timestamps. */
  content: string;
}

/** PRAGMA integrity_check, joined: "ok" when the file is sound. */
export function integrity(path: string): string {
  const db = new Database(path, { fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

export function dbState(path: string): DbState {
  const db = new Database(path, { fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const students = db.prepare('SELECT count(*) FROM students').pluck().get() as number;
    const batches = db.prepare('SELECT id, finished_at, added, updated FROM import_batches ORDER BY id').all() as DbState['batches'];
    const h = createHash('sha256');
    const rows = db
      .prepare('SELECT student_id, id_card, name, name_key, sex, birth_date, school_name, grade_name, class_name FROM students ORDER BY student_id')
      .raw()
      .iterate() as IterableIterator<unknown[]>;
    for (const r of rows) h.update(JSON.stringify(r)).update('\n');
    return { integrity, students, batches, content: h.digest('hex') };
  } finally {
    db.close();
  }
}

/** Every 学籍号 in the database. */
export function studentIds(path: string): Set<string> {
  const db = new Database(path, { fileMustExist: true, readonly: true });
  try {
    return new Set(db.prepare('SELECT student_id FROM students').pluck().all() as string[]);
  } finally {
    db.close();
  }
}

/** The 学籍号 column of a generated roster workbook, read with exceljs. */
export async function rosterIds(xlsx: string): Promise<string[]> {
  const sheet = await readBack(xlsx);
  return sheet.records.map((r) => r['学籍号']!).filter(Boolean);
}

/** Copies a closed database (no -wal to carry along). */
export function copyDb(from: string, to: string): string {
  copyFileSync(from, to);
  return to;
}

/**
 * A connection that notices when another process holds the write lock: BEGIN IMMEDIATE fails
 * at once with SQLITE_BUSY exactly while an import's transaction is open.
 */
export class WriteLockProbe {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path, { fileMustExist: true });
    this.db.pragma('busy_timeout = 0');
  }

  /** Takes the write lock and keeps it until release(). */
  hold(): void {
    this.db.exec('BEGIN IMMEDIATE');
  }

  release(): void {
    this.db.exec('ROLLBACK');
  }

  held(): boolean {
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
      return false;
    } catch (err) {
      if (String((err as { code?: string }).code).startsWith('SQLITE_BUSY')) return true;
      throw err;
    }
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Whether process `pid` has `file` open (Linux: /proc/<pid>/fd). Undefined where that cannot
 * be known, so callers can fall back to waiting.
 */
export function hasOpen(pid: number, file: string): boolean | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** A stack trace line, which users must never see without --verbose. */
export const STACK = /\n\s+at .+[:(]\d+/;

// ---------------------------------------------------------------------------------------------
// The fixture sets the fault tests share (generated once, see cachedFixture).

/** A roster and a messy national file: big enough that each phase of a run can be caught. */
export const MAIN_SET = { students: 4000, rows: 2000, seed: 'shili-faults-main', examDateColumn: true, csv: 'utf8' } as const;
/** A small roster of other students: the database's content before the batch under test. */
export const BASE_SET = { students: 1000, rows: 0, seed: 'shili-faults-base' } as const;
