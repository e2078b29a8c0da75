// Benchmark inputs: one roster + national file per size, made by the project's fixture generator
// and cached in bench-data/<rows>-<seed>/ so re-runs skip the minutes a 500k file takes.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFixtureSet } from '../fixtures/gen/fixtureSet.js';

export interface BenchInput {
  rows: number;
  seed: string;
  dir: string;
  roster: string;
  national: string;
  /** Students in the roster (= rows: a district's roster is about as big as its screening file). */
  students: number;
  /** Rows of each tier the generator planned, from its ground truth. */
  totals: unknown;
  bytes: { roster: number; national: number };
}

const MARKER = 'generated.json';

export async function ensureInput(root: string, rows: number, seed: string, log: (s: string) => void): Promise<BenchInput> {
  const dir = join(root, `${rows}-${seed}`);
  const marker = join(dir, MARKER);
  let totals: unknown;
  if (existsSync(marker)) {
    totals = (JSON.parse(readFileSync(marker, 'utf8')) as { totals: unknown }).totals;
    log(`  ${rows} rows: cached in ${dir}`);
  } else {
    // A half-written folder (interrupted generation) is regenerated from scratch.
    rmSync(dir, { recursive: true, force: true });
    log(`  ${rows} rows: generating in ${dir} (a 500k set takes a few minutes)…`);
    const t0 = performance.now();
    const set = await generateFixtureSet({ out: dir, students: rows, rows, seed, examDateColumn: true });
    totals = set.national?.totals;
    const seconds = (performance.now() - t0) / 1000;
    writeFileSync(marker, JSON.stringify({ rows, seed, students: rows, totals, seconds }, null, 2));
    log(`  ${rows} rows: generated in ${seconds.toFixed(1)} s`);
  }
  const roster = join(dir, 'roster.xlsx');
  const national = join(dir, 'national.xlsx');
  return {
    rows,
    seed,
    dir,
    roster,
    national,
    students: rows,
    totals,
    bytes: { roster: statSync(roster).size, national: statSync(national).size },
  };
}
