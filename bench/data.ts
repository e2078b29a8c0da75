// Benchmark inputs: one roster + national file per size, made by the project's fixture generator
// and cached in bench-data/<rows>-<seed>/ so re-runs skip the minutes a 500k file takes.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFixtureSet, writeSchoolFiles } from '../fixtures/gen/fixtureSet.js';

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

/** Rows of each school file of the batch measurement (a school of ~2,000 students). */
export const SCHOOL_FILE_ROWS = 2000;

export interface BatchInput {
  /** The school files, converted in one command. */
  files: string[];
  fileRows: number;
  /** files × fileRows: as many rows as the size's single national file. */
  rows: number;
  bytes: number;
}

/**
 * The size's rows as a district sends them: one file per school, SCHOOL_FILE_ROWS rows each, over
 * the same roster as input.national (cached in <size dir>/schools/).
 */
export async function ensureBatch(input: BenchInput, log: (s: string) => void): Promise<BatchInput> {
  const dir = join(input.dir, 'schools');
  const marker = join(dir, MARKER);
  const count = Math.max(1, Math.ceil(input.rows / SCHOOL_FILE_ROWS));
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    log(`  ${input.rows} rows: generating ${count} school files of ${SCHOOL_FILE_ROWS} rows in ${dir}…`);
    const t0 = performance.now();
    await writeSchoolFiles({ out: dir, students: input.students, seed: input.seed, files: count, rows: SCHOOL_FILE_ROWS });
    writeFileSync(marker, JSON.stringify({ files: count, fileRows: SCHOOL_FILE_ROWS, seconds: (performance.now() - t0) / 1000 }, null, 2));
  }
  const files = readdirSync(dir)
    .filter((f) => /^school-\d+\.xlsx$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (files.length !== count) throw new Error(`${dir}: expected ${count} school files, found ${files.length}; delete the folder to regenerate`);
  return { files, fileRows: SCHOOL_FILE_ROWS, rows: count * SCHOOL_FILE_ROWS, bytes: files.reduce((n, f) => n + statSync(f).size, 0) };
}
