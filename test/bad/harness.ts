// Runs one case of fixtures/bad in a work folder of its own and records everything the
// assertions look at: exit code, output, time, peak memory, files before and after, database state.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { RosterStore } from '../../src/db/roster.js';
import { RUNTIME_INPUTS } from '../../fixtures/bad/gen/runtime.js';
import type { CaseJson } from '../../fixtures/bad/gen/schema.js';
import { BIN, ROOT } from '../helpers/cli.js';

export const CORPUS = join(ROOT, 'fixtures', 'bad');
const GNU_TIME = '/usr/bin/time';
/** GNU time (not BusyBox's, not the shell keyword) reports the peak RSS with -v. */
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-v', '-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0;
/** A case with no limit of its own is stopped after this long and counted as a hang. */
const DEFAULT_KILL_AFTER_S = 60;

export interface LoadedCase extends CaseJson {
  id: string;
  dir: string;
}

export function loadCases(): LoadedCase[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(CORPUS, e.name, 'case.json')))
    .map((e) => ({ id: e.name, dir: join(CORPUS, e.name), ...(JSON.parse(readFileSync(join(CORPUS, e.name, 'case.json'), 'utf8')) as CaseJson) }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export interface DbState {
  exists: boolean;
  checksum: string | null;
  batches: number | null;
}

export interface CaseRun {
  work: string;
  inputs: string[];
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Peak resident set size in MB (GNU time), or null where /usr/bin/time is missing. */
  peakRssMb: number | null;
  timedOut: boolean;
  hashesBefore: Map<string, string>;
  hashesAfter: Map<string, string>;
  dbPath: string;
  dbBefore: DbState;
  dbAfter: DbState;
  /** Entries of the work folder's parts after the run. */
  after: { root: string[]; in: string[]; out: string[]; tmp: string[]; db: string[] };
}

export const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

export function dbState(path: string): DbState {
  if (!existsSync(path)) return { exists: false, checksum: null, batches: null };
  const db = new Database(path, { fileMustExist: true });
  try {
    const hasTables = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'students'`).pluck().get() === 1;
    if (!hasTables) return { exists: true, checksum: null, batches: null };
    return {
      exists: true,
      checksum: new RosterStore(db).checksum(),
      batches: db.prepare('SELECT count(*) FROM import_batches').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

export function studentRow(path: string, id: string): Record<string, unknown> | undefined {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM students WHERE student_id = ?').get(id) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}

/** A database holding _roster.xlsx, made once and copied into every case that wants it. */
export async function makeTemplateDb(scratch: string): Promise<string> {
  const roster = join(scratch, '_roster.xlsx');
  copyFileSync(join(CORPUS, '_roster.xlsx'), roster);
  const db = join(scratch, 'template.db');
  const r = await spawnShili(['roster', 'import', roster, '--db', db, '--json'], { cwd: scratch, tmp: scratch, killAfterS: 60 });
  if (r.code !== 0) throw new Error(`seeding the roster failed (${r.code}): ${r.stderr}${r.stdout}`);
  return db;
}

interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssMb: number | null;
  timedOut: boolean;
}

interface SpawnOptions {
  cwd: string;
  tmp: string;
  killAfterS: number;
  /** Where GNU time writes its report; without /usr/bin/time, `maxRssMb` caps the V8 heap instead. */
  timeReport?: string;
  maxRssMb?: number;
  closeStdout?: boolean;
}

function spawnShili(args: string[], opts: SpawnOptions): Promise<Spawned> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: '1', TMPDIR: opts.tmp, LANG: 'C.UTF-8' };
  delete env.SHILI_DB;
  delete env.NODE_OPTIONS;
  const timed = opts.timeReport !== undefined && hasGnuTime;
  // Without GNU time the peak cannot be read; a heap cap makes runaway memory end the run instead.
  const heapCap = !timed && opts.maxRssMb !== undefined ? [`--max-old-space-size=${opts.maxRssMb}`] : [];
  const [cmd, argv] = timed ? [GNU_TIME, ['-v', '-o', opts.timeReport!, process.execPath, BIN, ...args]] : [process.execPath, [...heapCap, BIN, ...args]];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.killAfterS * 1000);
    if (opts.closeStdout) child.stdout.destroy();
    else child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let peakRssMb: number | null = null;
      if (timed && existsSync(opts.timeReport!)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(opts.timeReport!, 'utf8'));
        if (m) peakRssMb = Math.round(Number(m[1]) / 1024);
      }
      resolve({ code, signal, stdout, stderr, seconds, peakRssMb, timedOut });
    });
  });
}

function list(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/**
 * Work folder layout: in/ (inputs), out/ (--out), db/shili.db, tmp/ (the child's TMPDIR).
 * The GNU time report goes next to it, so the work folder holds only what shili left.
 */
export async function runCase(c: LoadedCase, templateDb: string, scratch: string): Promise<CaseRun> {
  const work = mkdtempSync(join(scratch, `${c.id}-`));
  const dirs = { in: join(work, 'in'), out: join(work, 'out'), db: join(work, 'db'), tmp: join(work, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d);
  const inputs: string[] = [];
  for (const name of c.input ?? []) {
    const to = join(dirs.in, name);
    copyFileSync(join(c.dir, name), to);
    inputs.push(to);
  }
  if (c.generate) {
    const to = join(dirs.in, 'input.xlsx');
    const make = RUNTIME_INPUTS[c.generate];
    if (!make) throw new Error(`${c.id}: unknown generator ${c.generate}`);
    await make(to);
    inputs.push(to);
  }
  const dbPath = join(dirs.db, 'shili.db');
  if ((c.db ?? 'roster') === 'roster') copyFileSync(templateDb, dbPath);

  const args = c.command.map((a) =>
    a
      .replace(/\{input(\d*)\}/g, (_, n: string) => inputs[n ? Number(n) - 1 : 0] ?? `{missing input${n}}`)
      .replace('{dir}', dirs.in)
      .replace('{db}', dbPath)
      .replace('{out}', dirs.out),
  );
  const hashesBefore = new Map(inputs.map((p) => [p, sha256(p)]));
  const dbBefore = dbState(dbPath);
  const r = await spawnShili(args, {
    cwd: work,
    tmp: dirs.tmp,
    killAfterS: Math.max(DEFAULT_KILL_AFTER_S, (c.maxSeconds ?? 0) * 2),
    timeReport: join(scratch, `${c.id}.time.txt`),
    closeStdout: c.closeStdout ?? false,
    ...(c.maxRssMb === undefined ? {} : { maxRssMb: c.maxRssMb }),
  });
  writeFileSync(join(scratch, `${c.id}.output.txt`), `$ shili ${args.join(' ')}\n[exit ${r.code}]\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  const hashesAfter = new Map(inputs.filter((p) => existsSync(p)).map((p) => [p, sha256(p)]));
  const after = { root: list(work), in: list(dirs.in), out: list(dirs.out), tmp: list(dirs.tmp), db: list(dirs.db) };
  const dbAfter = dbState(dbPath);
  return { work, inputs, args, ...r, hashesBefore, hashesAfter, dbPath, dbBefore, dbAfter, after };
}

export function cleanup(scratch: string): void {
  rmSync(scratch, { recursive: true, force: true });
}

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'shili-bad-'));
}

/** Every path named on the command line, by file name: one of them must appear in a failure message. */
export function namedFiles(run: CaseRun): string[] {
  return [...run.inputs.map((p) => basename(p)), ...run.args.filter((a) => /[\\/]/.test(a)).map((a) => basename(a))];
}
