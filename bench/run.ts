// `npm run bench`: shili against a pandas script, exceljs and the zlib floor, at several sizes.
// Every job runs as a child process; runs of different jobs are interleaved, so a noisy moment
// on a shared machine hits all of them alike and the ratios (measured in the same run) hold up
// better than the absolute times. See BENCHMARKS.md for how to read the output.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelpRequested, parseBenchArgs, USAGE, type BenchArgs } from './args.js';
import { ensureInput } from './data.js';
import * as jobs from './jobs.js';
import { machineInfo } from './machine.js';
import { rssSource } from './measure.js';
import { loadResults, render, saveResults, type Collected } from './results.js';
import { runSize } from './sizeRun.js';
import { snapshotShili } from './snapshot.js';

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
    process.stdout.write(render(loadResults(args.report)));
    return;
  }

  const root = fileURLToPath(new URL('../../', import.meta.url));
  const dataDir = resolve(root, args.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const snapshot = snapshotShili(root, dataDir);
  const paths: jobs.Paths = {
    root,
    shili: snapshot.shili,
    benchDist: fileURLToPath(new URL('./', import.meta.url)),
    baselineScript: join(root, 'bench/baseline_national_to_city.py'),
  };
  const git = snapshot.git;
  const code = `${git ? `commit ${git.commit}${git.dirtyFiles ? ` + ${git.dirtyFiles} uncommitted files in src/` : ''}, ` : ''}build ${snapshot.codeHash}`;
  log(`shili under test: ${code} (a copy in ${join(dataDir, 'shili-under-test')})`);

  const baseline = args.only.has('baseline') ? jobs.baselineAvailable(paths) : undefined;
  if (baseline && !baseline.ok) log(`baseline skipped: ${baseline.why}`);
  const baselineSkipped = baseline && !baseline.ok ? baseline.why : undefined;
  const versions = baseline?.ok ? baseline.versions : undefined;
  log(`peak RSS from: ${rssSource() === 'gnu-time' ? '/usr/bin/time -f %M (wait4 rusage of the child)' : 'the child itself (process.resourceUsage / getrusage at exit)'}`);

  const machine = machineInfo();
  const level = jobs.shiliWriterLevel(root);
  const collected: Collected = {
    header: {
      machine:
        `${machine.cpu}, ${machine.nproc} cores, ${machine.memGiB} GiB, node ${machine.node}, exceljs ${machine.exceljs}` +
        (versions ? `, pandas ${versions.pandas} / openpyxl ${versions.openpyxl}` : ''),
      runs: `runs per size: ${args.runs.join(', ')} (baseline ${baselineSkipped ? 'skipped' : args.baselineRuns.join(', ')})`,
      rss: rssSource(),
      code,
    },
    results: [],
    profiles: [],
    memory: [],
  };
  const file = join(dataDir, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  // Saved after every size too: a failure late in a 40-minute run keeps what was measured.
  const save = (): void =>
    saveResults(file, collected, {
      snapshot,
      args: { ...args, only: [...args.only] },
      machine: { ...machine, loadAvgEnd: machine.loadAvgNow() },
      peakRssSource: rssSource(),
      writerLevel: level,
      baseline: baselineSkipped ? { skipped: baselineSkipped } : { versions },
    });

  log('inputs:');
  const inputs = [];
  for (const rows of args.rows) inputs.push(await ensureInput(dataDir, rows, args.seed, log));
  for (const [k, input] of inputs.entries()) {
    const plan = {
      input,
      runs: args.runs[k]!,
      baselineRuns: args.baselineRuns[k]!,
      only: args.only,
      profile: input.rows === args.profileRows,
      baselineSkipped,
      level,
    };
    const { result, profiles, memory } = await runSize(paths, plan, log);
    collected.results.push(result);
    collected.profiles.push(...profiles);
    if (memory) collected.memory.push(memory);
    save();
  }
  process.stdout.write(render(collected));
  log(`results written to ${file}`);
}

await main();
