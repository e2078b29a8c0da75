// One shili command under `node --cpu-prof`, summarised by cpuprofile.ts.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summarise, type CpuProfile, type ProfileSummary } from './cpuprofile.js';
import type { BenchInput } from './data.js';
import { removeDb, type Paths } from './jobs.js';
import { measure } from './measure.js';
import type { MemPeak } from './memSampler.js';

export interface ProfileRun {
  command: 'convert' | 'roster import';
  rows: number;
  wallMs: number;
  /** The busiest thread's profile. */
  file: string;
  summary: ProfileSummary;
  /** The other threads' profiles: how busy each was. */
  otherThreads?: { file: string; busyMs: number; totalMs: number }[];
}

/** `convert national-to-city` against the imported roster in `db`. */
export function profileConvert(paths: Paths, input: BenchInput, db: string, top = 15): Promise<ProfileRun> {
  const dir = join(input.dir, 'profile-convert');
  return profiled(paths, input, 'convert', dir, ['convert', 'national-to-city', input.national, '--db', db, '--out', join(dir, 'out'), '--json'], top);
}

/** `roster import` into a fresh database. */
export function profileRosterImport(paths: Paths, input: BenchInput, top = 15): Promise<ProfileRun> {
  const dir = join(input.dir, 'profile-roster');
  return profiled(paths, input, 'roster import', dir, ['roster', 'import', input.roster, '--db', join(dir, 'import.db'), '--json'], top);
}

async function profiled(paths: Paths, input: BenchInput, command: ProfileRun['command'], dir: string, args: string[], top: number): Promise<ProfileRun> {
  rmSync(dir, { recursive: true, force: true });
  // shili creates a database file but never its folder.
  mkdirSync(dir, { recursive: true });
  const s = await measure({
    command: process.execPath,
    args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, paths.shili, ...args],
    cwd: paths.root,
    okCodes: [0, 3],
  });
  // One profile per thread: convert works on a worker thread, roster import reads on the main
  // thread and inserts on a worker. The summary is the busiest thread's; the others are listed.
  const names = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (names.length === 0) throw new Error(`no .cpuprofile written in ${dir}`);
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  removeDb(join(dir, 'import.db'));
  const threads = names
    .map((name) => {
      const file = join(dir, name);
      const summary = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
      return { file, summary, busyMs: busyMs(summary) };
    })
    .sort((a, b) => b.busyMs - a.busyMs);
  const busiest = threads[0]!;
  return {
    command,
    rows: input.rows,
    wallMs: s.wallMs,
    file: busiest.file,
    summary: busiest.summary,
    otherThreads: threads.slice(1).map((t) => ({ file: t.file, busyMs: t.busyMs, totalMs: t.summary.totalMs })),
  };
}

/** Profiled time not spent idle (waiting for I/O, another thread or zlib). */
function busyMs(s: ProfileSummary): number {
  return s.totalMs - s.stages.filter((st) => st.stage.startsWith('idle')).reduce((sum, st) => sum + st.ms, 0);
}

export interface MemoryRun {
  rows: number;
  peakRssKb: number | null;
  peak: MemPeak;
}

/** One conversion with memSampler.ts preloaded: what the peak RSS is made of. */
export async function memoryBreakdown(paths: Paths, input: BenchInput, db: string): Promise<MemoryRun> {
  const dir = join(input.dir, 'memory');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const memFile = join(dir, 'peak.json');
  const s = await measure({
    command: process.execPath,
    args: ['--import', pathToFileURL(join(paths.benchDist, 'memSampler.js')).href, paths.shili, 'convert', 'national-to-city', input.national, '--db', db, '--out', join(dir, 'out'), '--json'],
    cwd: paths.root,
    env: { SHILI_BENCH_MEM_FILE: memFile },
    okCodes: [0, 3],
  });
  const peak = JSON.parse(readFileSync(memFile, 'utf8')) as MemPeak;
  rmSync(dir, { recursive: true, force: true });
  return { rows: input.rows, peakRssKb: s.peakRssKb, peak };
}
