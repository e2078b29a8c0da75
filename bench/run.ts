// `npm run bench`: shili against a pandas script, exceljs and the zlib floor, at several sizes.
// Every job runs as a child process; runs of different jobs are interleaved, so a noisy moment
// on a shared machine hits all of them alike and the ratios (measured in the same run) hold up
// better than the absolute times. See BENCHMARKS.md for how to read the output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelpRequested, parseBenchArgs, USAGE, type BenchArgs } from './args.js';
import { formatSummary } from './cpuprofile.js';
import { ensureInput } from './data.js';
import * as jobs from './jobs.js';
import { machineInfo } from './machine.js';
import { rssSource } from './measure.js';
import { memoryBreakdown, profileConvert, profileRosterImport, type MemoryRun, type ProfileRun } from './profile.js';
import { snapshotShili } from './snapshot.js';
import { fmtInt, formatSize, formatTargets, lines, ratios, targets, type SizeResult } from './report.js';

const log = (s: string): void => void process.stderr.write(s + '\n');

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(USAGE + '\n');
      return;
    }
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (args.report) {
    reprint(args.report);
    return;
  }
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const paths: jobs.Paths = {
    root,
    shili: join(root, 'bin/shili.js'),
    benchDist: fileURLToPath(new URL('./', import.meta.url)),
    baselineScript: join(root, 'bench/baseline_national_to_city.py'),
  };
  const dataDir = resolve(root, args.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const snapshot = snapshotShili(root, dataDir);
  paths.shili = snapshot.shili;
  const code = `${snapshot.git ? `commit ${snapshot.git.commit}${snapshot.git.dirtyFiles ? ` + ${snapshot.git.dirtyFiles} uncommitted files in src/` : ''}, ` : ''}build ${snapshot.codeHash}`;
  log(`shili under test: ${code} (a copy in ${join(dataDir, 'shili-under-test')})`);
  const level = jobs.shiliWriterLevel(root);
  const machine = machineInfo();
  let baselineSkipped: string | undefined;
  let baselineVersions: Record<string, string> | undefined;
  if (args.only.has('baseline')) {
    const b = jobs.baselineAvailable(paths);
    if (b.ok) baselineVersions = b.versions;
    else {
      baselineSkipped = b.why;
      log(`baseline skipped: ${b.why}`);
    }
  }
  log(`peak RSS from: ${rssSource() === 'gnu-time' ? '/usr/bin/time -f %M (wait4 rusage of the child)' : 'the child itself (process.resourceUsage / getrusage at exit)'}`);

  log('inputs:');
  const inputs = [];
  for (const rows of args.rows) inputs.push(await ensureInput(dataDir, rows, args.seed, log));

  const results: SizeResult[] = [];
  const profiles: ProfileRun[] = [];
  const memory: MemoryRun[] = [];
  const header: Header = {
    machine:
      `${machine.cpu}, ${machine.nproc} cores, ${machine.memGiB} GiB, node ${machine.node}, exceljs ${machine.exceljs}` +
      (baselineVersions ? `, pandas ${baselineVersions.pandas} / openpyxl ${baselineVersions.openpyxl}` : ''),
    runs: `runs per size: ${args.runs.join(', ')} (baseline ${baselineSkipped ? 'skipped' : args.baselineRuns.join(', ')})`,
    rss: rssSource(),
    code,
  };
  const file = join(dataDir, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const compact = <T extends { stdout: string; stderr: string }>(s: T): Omit<T, 'stdout' | 'stderr'> => {
    const { stdout: _o, stderr: _e, ...rest } = s;
    return rest;
  };
  // Written after every size too: a failure late in a 40-minute run keeps what was measured.
  const save = (): void =>
    writeFileSync(
      file,
      JSON.stringify(
        {
          header,
          snapshot,
          args: { ...args, only: [...args.only] },
          machine: { ...machine, loadAvgEnd: machine.loadAvgNow() },
          peakRssSource: rssSource(),
          writerLevel: level,
          baseline: baselineSkipped ? { skipped: baselineSkipped } : { versions: baselineVersions },
          sizes: results.map((r) => ({
            rows: r.input.rows,
            input: r.input,
            lines: lines(r),
            ratios: ratios(r),
            samples: {
              roster: r.roster.map(compact),
              convert: r.convert.map(compact),
              floor: r.floor.map(compact),
              exceljs: r.exceljs.map(compact),
              baseline: r.baseline.map(compact),
            },
          })),
          targets: targets(results),
          profiles,
          memory,
        },
        null,
        2,
      ),
    );
  for (const [k, input] of inputs.entries()) {
    const runs = args.runs[k]!;
    const baselineRuns = args.baselineRuns[k]!;
    const r: SizeResult = { input, roster: [], convert: [], floor: [], exceljs: [], baseline: [], ...(baselineSkipped ? { baselineSkipped } : {}) };
    results.push(r);
    const runsDir = join(input.dir, 'runs');
    const convertDb = join(runsDir, 'convert.db');
    mkdirSync(runsDir, { recursive: true });
    const needRoster = args.only.has('convert') || args.only.has('profile');
    if (needRoster) {
      log(`${input.rows}: importing the roster for the conversions (not measured)…`);
      await jobs.rosterImport(paths, input, convertDb);
    }
    let lastOutputs: string[] = [];
    for (let i = 1; i <= runs; i++) {
      const tag = `${input.rows} run ${i}/${runs}`;
      if (args.only.has('roster')) {
        const s = await jobs.rosterImport(paths, input, join(runsDir, 'import.db'));
        jobs.removeDb(join(runsDir, 'import.db'));
        r.roster.push(s);
        log(`${tag}: roster import ${(s.wallMs / 1000).toFixed(2)} s, ${kib(s.peakRssKb)}`);
      }
      if (args.only.has('convert')) {
        const s = await jobs.convert(paths, input, convertDb, join(runsDir, 'convert-out'));
        r.convert.push(s);
        lastOutputs = Object.values(s.result.outputs).filter((p): p is string => typeof p === 'string');
        log(`${tag}: convert ${(s.wallMs / 1000).toFixed(2)} s, ${kib(s.peakRssKb)}`);
      }
      if (args.only.has('floor')) {
        const s = await jobs.floor(paths, input, level, lastOutputs);
        r.floor.push(s);
        log(`${tag}: floor ${(s.result.floorMs / 1000).toFixed(2)} s (inflate ${(s.result.inflateMs / 1000).toFixed(2)} + deflate ${(s.result.deflateMs / 1000).toFixed(2)})`);
      }
      if (args.only.has('exceljs')) {
        const s = await jobs.exceljs(paths, input, join(runsDir, 'exceljs-out.xlsx'));
        r.exceljs.push(s);
        log(`${tag}: exceljs ${(s.wallMs / 1000).toFixed(2)} s, ${kib(s.peakRssKb)}`);
      }
      if (args.only.has('baseline') && !baselineSkipped && i <= baselineRuns) {
        const s = await jobs.baseline(paths, input, join(runsDir, 'baseline-out'));
        r.baseline.push(s);
        log(`${tag}: baseline ${(s.wallMs / 1000).toFixed(2)} s, ${kib(s.peakRssKb)}`);
      }
    }
    if (args.only.has('profile') && input.rows === args.profileRows) {
      log(`${input.rows}: CPU profiles of one conversion and one roster import…`);
      for (const take of [() => profileConvert(paths, input, convertDb), () => profileRosterImport(paths, input)]) {
        try {
          profiles.push(await take());
        } catch (err) {
          log(`profile failed, going on without it: ${(err as Error).message}`);
        }
      }
    }
    if (args.only.has('profile') && args.only.has('convert')) {
      log(`${input.rows}: one conversion with a memory sampler…`);
      try {
        memory.push(await memoryBreakdown(paths, input, convertDb));
      } catch (err) {
        log(`memory sampling failed, going on without it: ${(err as Error).message}`);
      }
    }
    save();
  }

  process.stdout.write(render(header, results, profiles, memory));
  save();
  log(`results written to ${file}`);
}

interface Header {
  machine: string;
  runs: string;
  rss: string;
  /** Which shili was measured. */
  code?: string;
}

function render(header: Header, results: readonly SizeResult[], profiles: readonly ProfileRun[], memory: readonly MemoryRun[]): string {
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
    out.push('       rows       RSS  V8 heap used / total  external (Buffers)    native (SQLite cache, zlib, code)');
    for (const m of memory) {
      const p = m.peak;
      out.push(`  ${fmtInt(m.rows).padStart(9)}  ${mib(p.rss)}  ${mib(p.heapUsed)} / ${mib(p.heapTotal)}  ${mib(p.external)}           ${mib(p.native)}`);
    }
    out.push('');
  }
  for (const p of profiles) {
    out.push(`CPU profile of ${p.command}, ${fmtInt(p.rows)} rows (one run, wall ${(p.wallMs / 1000).toFixed(2)} s under the profiler; ${p.file}):`);
    out.push(formatSummary(p.summary), '');
  }
  return out.join('\n');
}

/** --report: the tables of a saved run, e.g. after changing how they are printed. */
function reprint(file: string): void {
  type Saved = { header: Header; sizes: { input: SizeResult['input']; samples: Record<string, object[]> }[]; profiles?: ProfileRun[]; memory?: MemoryRun[] };
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
  const back = <T>(xs: object[] | undefined): T[] => (xs ?? []).map((x) => ({ stdout: '', stderr: '', ...x }) as T);
  const results: SizeResult[] = saved.sizes.map((s) => ({
    input: s.input,
    roster: back(s.samples.roster),
    convert: back(s.samples.convert),
    floor: back(s.samples.floor),
    exceljs: back(s.samples.exceljs),
    baseline: back(s.samples.baseline),
  }));
  process.stdout.write(render(saved.header, results, saved.profiles ?? [], saved.memory ?? []));
}

function kib(k: number | null): string {
  return k === null ? 'RSS n/a' : `${(k / 1024).toFixed(0)} MiB`;
}

await main();
