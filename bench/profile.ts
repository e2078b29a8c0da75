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
  file: string;
  summary: ProfileSummary;
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
  const name = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!name) throw new Error(`no .cpuprofile written in ${dir}`);
  const file = join(dir, name);
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  removeDb(join(dir, 'import.db'));
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  return { command, rows: input.rows, wallMs: s.wallMs, file, summary: summarise(profile, top) };
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
