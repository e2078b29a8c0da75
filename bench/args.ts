// Command-line options of `npm run bench`.
import { parseArgs } from 'node:util';

export const MEASUREMENTS = ['roster', 'convert', 'batch', 'floor', 'exceljs', 'baseline', 'profile'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

export interface BenchArgs {
  rows: number[];
  /** Runs per size, in the order of rows. */
  runs: number[];
  /** Runs of the slow pandas baseline per size (1–6 minutes each at 200k–500k rows). */
  baselineRuns: number[];
  seed: string;
  only: Set<Measurement>;
  /** Size the CPU profile is taken at. */
  profileRows: number;
  dataDir: string;
  /** Re-print the tables of a saved results-*.json instead of running. */
  report?: string;
}

export const USAGE = `Usage: npm run bench -- [options]
  --rows 50000,200000,500000   sizes (roster students = national rows)
  --runs 3                     runs per measurement; the median is reported; one per size
                               is allowed too: --runs 3,3,2
  --baseline-runs N            runs of the pandas baseline (default: --runs; per size like --runs)
  --only a,b                   ${MEASUREMENTS.join(', ')} (default: all)
  --profile-rows 200000        size to take the CPU profile at (default: 200000 if listed, else the largest)
  --seed bench                 generator seed; inputs are cached in bench-data/<rows>-<seed>/
  --data-dir bench-data
  --report FILE                print the tables of a saved bench-data/results-*.json again`;

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '50000,200000,500000' },
      runs: { type: 'string', default: '3' },
      'baseline-runs': { type: 'string' },
      only: { type: 'string' },
      'profile-rows': { type: 'string' },
      seed: { type: 'string', default: 'bench' },
      'data-dir': { type: 'string', default: 'bench-data' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new HelpRequested();
  const int = (name: string, v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--${name} needs a positive whole number, got "${v}"`);
    return Number(v);
  };
  const rows = values.rows.split(',').map((s) => int('rows', s.trim().replace(/_/g, '')));
  const perSize = (name: string, v: string): number[] => {
    const xs = v.split(',').map((x) => int(name, x.trim()));
    if (xs.length === 1) return rows.map(() => xs[0]!);
    if (xs.length !== rows.length) throw new Error(`--${name}: give one number, or one per size in --rows (${rows.length})`);
    return xs;
  };
  const runs = perSize('runs', values.runs);
  const only = new Set<Measurement>();
  for (const m of (values.only ?? MEASUREMENTS.join(',')).split(',').map((s) => s.trim())) {
    if (!(MEASUREMENTS as readonly string[]).includes(m)) throw new Error(`--only: unknown measurement "${m}" (${MEASUREMENTS.join(', ')})`);
    only.add(m as Measurement);
  }
  const profileRows = values['profile-rows'] ? int('profile-rows', values['profile-rows']) : rows.includes(200_000) ? 200_000 : Math.max(...rows);
  return {
    rows,
    runs,
    baselineRuns: values['baseline-runs'] ? perSize('baseline-runs', values['baseline-runs']) : runs,
    seed: values.seed,
    only,
    profileRows,
    dataDir: values['data-dir'],
    ...(values.report ? { report: values.report } : {}),
  };
}

export class HelpRequested extends Error {}
