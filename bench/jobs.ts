// One function per measured job. Each runs a child process through measure() and returns the
// sample plus what the job itself reported (row counts, the floor's internal timings).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { BatchInput, BenchInput } from './data.js';
import type { ExceljsResult } from './exceljsRef.js';
import type { FloorResult } from './floor.js';
import { measure, rssSource, type Sample } from './measure.js';
import type { ConvertSummary } from '../src/convert/nationalToCity.js';

export const PYTHON = '/usr/bin/python3';

export interface Paths {
  root: string;
  shili: string;
  benchDist: string;
  baselineScript: string;
}

/** node, plus the RSS exit hook when GNU time is missing. */
function nodeArgs(paths: Paths, script: string, args: string[]): string[] {
  const hook = rssSource() === 'gnu-time' ? [] : ['--import', join(paths.benchDist, 'rssHook.js')];
  return [...hook, script, ...args];
}

function lastJson<T>(stdout: string): T {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as T;
}

export interface RosterSample extends Sample {
  students: number;
}

export async function rosterImport(paths: Paths, input: BenchInput, db: string): Promise<RosterSample> {
  removeDb(db);
  const s = await measure({
    command: process.execPath,
    args: nodeArgs(paths, paths.shili, ['roster', 'import', input.roster, '--db', db, '--json']),
    cwd: paths.root,
    okCodes: [0, 3],
  });
  const out = lastJson<{ added: number; updated: number; unchanged: number }>(s.stdout);
  return { ...s, students: out.added + out.updated + out.unchanged };
}

/** What `convert --json` prints, as far as the benchmark reads it. */
export type ConvertJson = Pick<ConvertSummary, 'rows' | 'matched' | 'matchedByIdentity' | 'unmatched' | 'merged' | 'noData' | 'outputs'>;

export interface ConvertSample extends Sample {
  result: ConvertJson;
}

export async function convert(paths: Paths, input: BenchInput, db: string, outDir: string): Promise<ConvertSample> {
  rmSync(outDir, { recursive: true, force: true });
  const s = await measure({
    command: process.execPath,
    args: nodeArgs(paths, paths.shili, ['convert', 'national-to-city', input.national, '--db', db, '--out', outDir, '--json']),
    cwd: paths.root,
    okCodes: [0, 3],
  });
  return { ...s, result: lastJson<ConvertJson>(s.stdout) };
}

export interface BatchSample extends Sample {
  files: number;
  /** Rows read over all files (what convert --json reports, summed). */
  rows: number;
  unmatched: number;
}

/** Every school file in one `convert national-to-city` command, as a district admin runs it. */
export async function convertBatch(paths: Paths, batch: BatchInput, db: string, outDir: string): Promise<BatchSample> {
  rmSync(outDir, { recursive: true, force: true });
  const s = await measure({
    command: process.execPath,
    args: nodeArgs(paths, paths.shili, ['convert', 'national-to-city', ...batch.files, '--db', db, '--out', outDir, '--json']),
    cwd: paths.root,
    okCodes: [0, 3],
  });
  // One JSON line per file.
  const perFile = s.stdout.trim().split('\n').map((l) => JSON.parse(l) as ConvertJson);
  if (perFile.length !== batch.files.length) throw new Error(`batch convert reported ${perFile.length} files of ${batch.files.length}`);
  return { ...s, files: perFile.length, rows: perFile.reduce((n, c) => n + c.rows, 0), unmatched: perFile.reduce((n, c) => n + c.unmatched, 0) };
}

export interface FloorSample extends Sample {
  result: FloorResult;
}

export async function floor(paths: Paths, input: BenchInput, level: number, outputs: string[]): Promise<FloorSample> {
  const args = ['--input', input.national, '--level', String(level), ...outputs.flatMap((o) => ['--output', o])];
  const s = await measure({ command: process.execPath, args: nodeArgs(paths, join(paths.benchDist, 'floor.js'), args), cwd: paths.root });
  return { ...s, result: lastJson<FloorResult>(s.stdout) };
}

export interface ExceljsSample extends Sample {
  result: ExceljsResult;
}

export async function exceljs(paths: Paths, input: BenchInput, out: string): Promise<ExceljsSample> {
  rmSync(out, { force: true });
  const s = await measure({
    command: process.execPath,
    args: nodeArgs(paths, join(paths.benchDist, 'exceljsRef.js'), [input.national, out]),
    cwd: paths.root,
  });
  rmSync(out, { force: true });
  return { ...s, result: lastJson<ExceljsResult>(s.stdout) };
}

export interface BaselineJson {
  rows: number;
  matched: number;
  unmatched: number;
  seconds: Record<string, number>;
}

export interface BaselineSample extends Sample {
  result: BaselineJson;
}

export async function baseline(paths: Paths, input: BenchInput, outDir: string): Promise<BaselineSample> {
  rmSync(outDir, { recursive: true, force: true });
  const s = await measure({
    command: PYTHON,
    args: [paths.baselineScript, '--roster', input.roster, '--national', input.national, '--out', outDir],
    cwd: paths.root,
  });
  rmSync(outDir, { recursive: true, force: true });
  return { ...s, result: lastJson<BaselineJson>(s.stdout) };
}

/** pandas and openpyxl versions, or why the baseline cannot run. */
export function baselineAvailable(paths: Paths): { ok: true; versions: Record<string, string> } | { ok: false; why: string } {
  if (!existsSync(PYTHON)) return { ok: false, why: `${PYTHON} not found` };
  const r = spawnSync(PYTHON, [paths.baselineScript, '--versions'], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').pop() ?? 'failed';
    return { ok: false, why: `${PYTHON} cannot import pandas/openpyxl (${why}); install python3-pandas and python3-openpyxl` };
  }
  return { ok: true, versions: JSON.parse(r.stdout.trim()) as Record<string, string> };
}

export function removeDb(db: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
}

/** The deflate level shili's writer uses, read from its source so the floor follows it. */
export function shiliWriterLevel(root: string): number {
  const src = join(root, 'src/io/xlsx/writer.ts');
  const m = existsSync(src) ? readFileSync(src, 'utf8').match(/const DEFAULT_LEVEL = (\d)/) : null;
  return m ? Number(m[1]) : 1;
}
