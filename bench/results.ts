// The results file (bench-data/results-<timestamp>.json) and the text printed from it.
import { readFileSync, writeFileSync } from 'node:fs';
import { formatSummary } from './cpuprofile.js';
import type { MemoryRun, ProfileRun } from './profile.js';
import { fmtInt, formatSize, formatTargets, lines, ratios, targets, type SizeResult } from './report.js';

export interface Header {
  machine: string;
  runs: string;
  rss: string;
  /** Which shili was measured. */
  code?: string;
}

export interface Collected {
  header: Header;
  results: SizeResult[];
  profiles: ProfileRun[];
  memory: MemoryRun[];
}

const compact = <T extends { stdout: string; stderr: string }>(s: T): Omit<T, 'stdout' | 'stderr'> => {
  const { stdout: _o, stderr: _e, ...rest } = s;
  return rest;
};

/** Every sample (without the children's output), the ratios, targets and profiles; `extra` adds run details. */
export function saveResults(file: string, c: Collected, extra: Record<string, unknown>): void {
  const json = {
    header: c.header,
    ...extra,
    sizes: c.results.map((r) => ({
      rows: r.input.rows,
      input: r.input,
      lines: lines(r),
      ratios: ratios(r),
      samples: {
        roster: r.roster.map(compact),
        convert: r.convert.map(compact),
        batch: (r.batch ?? []).map(compact),
        floor: r.floor.map(compact),
        exceljs: r.exceljs.map(compact),
        baseline: r.baseline.map(compact),
      },
    })),
    targets: targets(c.results),
    profiles: c.profiles,
    memory: c.memory,
  };
  writeFileSync(file, JSON.stringify(json, null, 2));
}

/** A saved file back into what render() takes (--report). */
export function loadResults(file: string): Collected {
  type Saved = { header: Header; sizes: { input: SizeResult['input']; samples: Record<string, object[]> }[]; profiles?: ProfileRun[]; memory?: MemoryRun[] };
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
  const back = <T>(xs: object[] | undefined): T[] => (xs ?? []).map((x) => ({ stdout: '', stderr: '', ...x }) as T);
  return {
    header: saved.header,
    results: saved.sizes.map((s) => ({
      input: s.input,
      roster: back(s.samples.roster),
      convert: back(s.samples.convert),
      batch: back(s.samples.batch),
      floor: back(s.samples.floor),
      exceljs: back(s.samples.exceljs),
      baseline: back(s.samples.baseline),
    })),
    profiles: saved.profiles ?? [],
    memory: saved.memory ?? [],
  };
}

export function render(c: Collected): string {
  const { header, results, profiles, memory } = c;
  const out: string[] = [];
  out.push(`shili benchmark — ${header.machine}`);
  if (header.code) out.push(`shili under test: ${header.code}`);
  out.push(`${header.runs}; wall = child process wall time; floor = zlib time inside its process; peak RSS via ${header.rss}`);
  out.push('');
  for (const r of results) out.push(formatSize(r), '');
  const ts = targets(results);
  if (ts.length) out.push('targets (issue 3):', formatTargets(ts), '');
  if (memory.length) {
    const mib = (b: number): string => `${(b / 1024 ** 2).toFixed(0)} MiB`.padStart(8);
    out.push('convert memory at its RSS peak (process.memoryUsage every 50 ms, one run per size):');
    out.push('       rows       RSS  V8 heaps used / total  external (Buffers)    native (SQLite cache, zlib, code)  threads');
    for (const m of memory) {
      const p = m.peak;
      out.push(`  ${fmtInt(m.rows).padStart(9)}  ${mib(p.rss)}  ${mib(p.heapUsed)} / ${mib(p.heapTotal)}   ${mib(p.external)}           ${mib(p.native)}                      ${p.threads ?? 1}`);
    }
    out.push('');
  }
  for (const p of profiles) {
    out.push(`CPU profile of ${p.command}, ${fmtInt(p.rows)} rows (one run, wall ${(p.wallMs / 1000).toFixed(2)} s under the profiler), its busiest thread (${p.file}):`);
    for (const t of p.otherThreads ?? []) out.push(`  other thread: ${(t.busyMs / 1000).toFixed(2)} s busy of ${(t.totalMs / 1000).toFixed(2)} s (${t.file})`);
    out.push(formatSummary(p.summary), '');
  }
  return out.join('\n');
}
