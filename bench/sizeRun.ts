// Everything measured at one size: interleaved runs of each job, then the profiles.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './args.js';
import { ensureBatch, type BenchInput } from './data.js';
import * as jobs from './jobs.js';
import { memoryBreakdown, profileConvert, profileRosterImport, type MemoryRun, type ProfileRun } from './profile.js';
import type { SizeResult } from './report.js';

export interface SizePlan {
  input: BenchInput;
  runs: number;
  baselineRuns: number;
  only: ReadonlySet<Measurement>;
  /** Take the CPU profiles at this size. */
  profile: boolean;
  /** Why the baseline cannot run, if it cannot. */
  baselineSkipped?: string | undefined;
  /** Deflate level of shili's writer, for the floor. */
  level: number;
}

export interface SizeOutcome {
  result: SizeResult;
  profiles: ProfileRun[];
  memory: MemoryRun | undefined;
}

export async function runSize(paths: jobs.Paths, plan: SizePlan, log: (s: string) => void): Promise<SizeOutcome> {
  const { input, only } = plan;
  const r: SizeResult = { input, roster: [], convert: [], batch: [], floor: [], exceljs: [], baseline: [], ...(plan.baselineSkipped ? { baselineSkipped: plan.baselineSkipped } : {}) };
  const runsDir = join(input.dir, 'runs');
  const convertDb = join(runsDir, 'convert.db');
  mkdirSync(runsDir, { recursive: true });
  const batch = only.has('batch') ? await ensureBatch(input, log) : undefined;
  if (only.has('convert') || only.has('profile') || batch) {
    log(`${input.rows}: importing the roster for the conversions (not measured)…`);
    await jobs.rosterImport(paths, input, convertDb);
  }
  let lastOutputs: string[] = [];
  for (let i = 1; i <= plan.runs; i++) {
    const tag = `${input.rows} run ${i}/${plan.runs}`;
    if (only.has('roster')) {
      const s = await jobs.rosterImport(paths, input, join(runsDir, 'import.db'));
      jobs.removeDb(join(runsDir, 'import.db'));
      r.roster.push(s);
      log(`${tag}: roster import ${secs(s.wallMs)}, ${mib(s.peakRssKb)}`);
    }
    if (only.has('convert')) {
      const s = await jobs.convert(paths, input, convertDb, join(runsDir, 'convert-out'));
      r.convert.push(s);
      lastOutputs = Object.values(s.result.outputs).filter((p): p is string => typeof p === 'string');
      log(`${tag}: convert ${secs(s.wallMs)}, ${mib(s.peakRssKb)}`);
    }
    if (batch) {
      const s = await jobs.convertBatch(paths, batch, convertDb, join(runsDir, 'batch-out'));
      r.batch!.push(s);
      log(`${tag}: convert ${s.files} school files ${secs(s.wallMs)}, ${mib(s.peakRssKb)}`);
    }
    if (only.has('floor')) {
      const s = await jobs.floor(paths, input, plan.level, lastOutputs);
      r.floor.push(s);
      log(`${tag}: floor ${secs(s.result.floorMs)} (inflate ${secs(s.result.inflateMs)} + deflate ${secs(s.result.deflateMs)})`);
    }
    if (only.has('exceljs')) {
      const s = await jobs.exceljs(paths, input, join(runsDir, 'exceljs-out.xlsx'));
      r.exceljs.push(s);
      log(`${tag}: exceljs ${secs(s.wallMs)}, ${mib(s.peakRssKb)}`);
    }
    if (only.has('baseline') && !plan.baselineSkipped && i <= plan.baselineRuns) {
      const s = await jobs.baseline(paths, input, join(runsDir, 'baseline-out'));
      r.baseline.push(s);
      log(`${tag}: baseline ${secs(s.wallMs)}, ${mib(s.peakRssKb)}`);
    }
  }

  // Diagnostics: a failure here must not throw away the runs above.
  const attempt = async <T>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (err) {
      log(`${what} failed, going on without it: ${(err as Error).message}`);
      return undefined;
    }
  };
  const profiles: ProfileRun[] = [];
  if (only.has('profile') && plan.profile) {
    log(`${input.rows}: CPU profiles of one conversion and one roster import…`);
    const c = await attempt('convert profile', () => profileConvert(paths, input, convertDb));
    const i = await attempt('roster import profile', () => profileRosterImport(paths, input));
    for (const p of [c, i]) if (p) profiles.push(p);
  }
  let memory: MemoryRun | undefined;
  if (only.has('profile') && only.has('convert')) {
    log(`${input.rows}: one conversion with a memory sampler…`);
    memory = await attempt('memory sampling', () => memoryBreakdown(paths, input, convertDb));
  }
  return { result: r, profiles, memory };
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function mib(k: number | null): string {
  return k === null ? 'RSS n/a' : `${(k / 1024).toFixed(0)} MiB`;
}
