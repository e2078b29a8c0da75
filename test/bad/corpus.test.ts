// Walks fixtures/bad: every case folder is run through the built CLI in a work folder of its own,
// then checked against its case.json and against what holds for every case (no stack trace, a
// Chinese message that names the file and the fix, inputs untouched, nothing half-written, the
// database unchanged by a failure). Cases marked knownBad are expected to fail (see KNOWN.md).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES } from '../../fixtures/bad/gen/cases/index.js';
import { caseFiles, caseJson } from '../../fixtures/bad/gen/write.js';
import { readBack } from '../helpers/readBack.js';
import { cleanup, CORPUS, loadCases, makeTemplateDb, namedFiles, runCase, scratchDir, studentRow, type CaseRun, type LoadedCase } from './harness.js';

const CJK = /[\u4e00-\u9fff]/;
/** Lines of a JavaScript stack, or an error class name as Node prints it. */
const STACK = [/^\s+at\s/m, /\b(?:[A-Z][A-Za-z]*)?Error(?: \[[A-Z_]+\])?:/, /node:internal/, /file:\/\/\//];
/** Light cases run side by side; cases with time or memory limits run alone so the numbers mean something. */
const PARALLEL = 3;

// SHILI_BAD_ONLY=<regex> runs only the matching cases (while working on one); SHILI_BAD_TIMINGS=1
// prints exit code, seconds and peak memory per case; SHILI_BAD_KEEP=1 keeps the work folders.
const only = process.env.SHILI_BAD_ONLY ? new RegExp(process.env.SHILI_BAD_ONLY) : undefined;
const big = !!process.env.SHILI_BAD_BIG;
const allCases = loadCases();
const cases = allCases.filter((c) => !only || only.test(c.id));
const runnable = cases.filter((c) => big || !c.slow);
const runs = new Map<string, CaseRun | Error>();
let scratch: string;

beforeAll(async () => {
  scratch = scratchDir();
  const template = await makeTemplateDb(scratch);
  const light = runnable.filter((c) => c.maxSeconds === undefined && c.maxRssMb === undefined);
  const heavy = runnable.filter((c) => !light.includes(c));
  const queue = [...light];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c; c = queue.shift()) runs.set(c.id, await runCase(c, template, scratch).catch((e: Error) => e));
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  for (const c of heavy) runs.set(c.id, await runCase(c, template, scratch).catch((e: Error) => e));
}, 300_000);

afterAll(() => {
  const table = runnable.map((c) => {
    const r = runs.get(c.id);
    return r instanceof Error || !r ? `${c.id}  (not run)` : `${c.id.padEnd(40)} exit ${String(r.code).padEnd(4)} ${r.seconds.toFixed(2).padStart(6)} s ${r.peakRssMb === null ? '' : `${r.peakRssMb} MB`}`;
  });
  if (process.env.SHILI_BAD_TIMINGS) process.stdout.write(`\n${table.join('\n')}\n`);
  if (scratch && !process.env.SHILI_BAD_KEEP) cleanup(scratch);
  else if (scratch) process.stdout.write(`work folders kept in ${scratch}\n`);
});

function userMessage(c: LoadedCase, r: CaseRun): string {
  if (!c.command.includes('--json')) return r.stderr;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return (JSON.parse(line) as { error?: { message?: string } }).error?.message ?? '';
  } catch {
    return '';
  }
}

/** English prose (three words in a row) once command names, options and paths are taken out. */
function englishProse(s: string): string | undefined {
  const stripped = s
    .replace(/shili(?: [a-z][a-z-]*)+/g, '')
    .replace(/--[a-z-]+/g, '')
    .replace(/\S*[/\\.]\S*/g, '');
  return /\b[A-Za-z]{2,}(?:[ ,:]+[A-Za-z]{2,}){2,}/.exec(stripped)?.[0];
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function check(c: LoadedCase): Promise<void> {
  const r = runs.get(c.id);
  if (r instanceof Error) throw r;
  expect(r, 'case did not run').toBeDefined();
  const run = r!;
  const both = `${run.stdout}\n${run.stderr}`;
  const failed = c.exit === 1 || c.exit === 2;

  // The run ends by itself, with the documented exit code, without a stack trace.
  expect(run.timedOut, `hung: killed after ${run.seconds.toFixed(0)} s`).toBe(false);
  expect(run.signal, 'ended by a signal').toBeNull();
  for (const re of STACK) expect(both, 'stack trace or raw error in the output').not.toMatch(re);
  expect(run.code, `exit code; stderr: ${run.stderr.slice(0, 400)}`).toBe(c.exit);

  // A failure is one Chinese message that names the file and says what to do.
  if (failed) {
    const msg = userMessage(c, run);
    expect(msg, 'failure message is Chinese').toMatch(CJK);
    expect(msg, 'failure message says what to do').toMatch(/请|可用|用法|--help/);
    expect(englishProse(msg), 'English prose in the message').toBeUndefined();
    if (c.exit === 1) {
      const named = namedFiles(run);
      expect(named.some((n) => msg.includes(n)), `message names none of ${named.join(', ')}`).toBe(true);
    }
  } else if (c.closeStdout) {
    // Nothing to read: the reader went away.
  } else if (c.command.includes('--json')) {
    const lines = jsonLines(run.stdout);
    expect(lines.length, 'one JSON line per input').toBeGreaterThan(0);
    for (const l of lines) expect(l.input, 'JSON names its input').toBe(run.inputs[0]);
  } else {
    expect(run.stdout, 'summary names the input').toContain(namedFiles(run)[0]);
  }
  if (run.stderr.trim() && !failed) expect(run.stderr, 'stderr of a successful run is Chinese').toMatch(CJK);

  for (const f of c.stderr ?? []) expect(run.stderr, 'stderr fragment').toContain(f);
  for (const f of c.stdout ?? []) expect(run.stdout, 'stdout fragment').toContain(f);
  if (c.json) {
    const lines = jsonLines(run.stdout);
    expect(lines.at(-1)).toMatchObject(c.json);
  }

  // Inputs untouched; no stray files anywhere; nothing under a final name after a failure.
  for (const [p, h] of run.hashesBefore) expect(run.hashesAfter.get(p), `input ${p} changed`).toBe(h);
  expect(run.after.in.sort(), 'files appeared beside the input').toEqual(run.inputs.map((p) => basename(p)).sort());
  expect(run.after.root, 'files appeared in the working folder').toEqual(['db', 'in', 'out', 'tmp']);
  expect(run.after.tmp, 'temp files left behind').toEqual([]);
  expect(run.after.out, 'files in the output folder').toEqual(failed ? [] : [...(c.outputs ?? [])].sort());
  expect(run.after.db, 'database files after the run').toEqual(run.dbBefore.exists ? ['shili.db'] : []);

  // The database: a failure (or a command that only reads it) leaves it as it was.
  const writesDb = c.command[0] === 'roster' && !failed;
  if (!writesDb) expect(run.dbAfter, 'database changed').toEqual(run.dbBefore);
  for (const s of c.students ?? []) {
    const row = studentRow(run.dbPath, String(s.student_id));
    expect(row, `student ${s.student_id} in the database`).toBeDefined();
    expect(row).toMatchObject(s);
  }

  // Rows of the written workbooks.
  for (const [file, want] of Object.entries(c.rows ?? {})) {
    const got = (await readBack(join(run.work, 'out', file))).records;
    expect(got.length, `${file}: row count`).toBe(want.length);
    want.forEach((w, i) => {
      for (const [key, value] of Object.entries(w)) {
        if (key.endsWith('~')) expect(got[i]![key.slice(0, -1)], `${file} row ${i + 2} ${key}`).toContain(value);
        else expect(got[i]![key] ?? '', `${file} row ${i + 2} ${key}`).toBe(value);
      }
    });
  }
  if (c.exit === 3 && c.command[0] === 'convert') {
    const unmatched = run.after.out.find((f) => f.endsWith('.unmatched.xlsx'));
    expect(unmatched, 'exit 3 without an unmatched workbook').toBeDefined();
    for (const rec of (await readBack(join(run.work, 'out', unmatched!))).records) {
      expect(rec['说明'], 'unmatched row explains in Chinese').toMatch(CJK);
      expect(rec['说明'], 'unmatched row says what to do').toMatch(/请/);
    }
  }

  if (c.maxSeconds !== undefined) expect(run.seconds, 'seconds').toBeLessThanOrEqual(c.maxSeconds);
  if (c.maxRssMb !== undefined && run.peakRssMb !== null) expect(run.peakRssMb, 'peak RSS (MB)').toBeLessThanOrEqual(c.maxRssMb);
}

describe('fixtures/bad', () => {
  it('has at least 30 cases, each with its input committed or generated', () => {
    expect(allCases.length).toBeGreaterThanOrEqual(30);
    for (const c of allCases) {
      expect(c.input?.length || c.generate || c.command.some((a) => a.includes('{dir}')), c.id).toBeTruthy();
      for (const name of c.input ?? []) expect(existsSync(join(c.dir, name)), `${c.id}/${name}`).toBe(true);
    }
  });

  it('case folders are what fixtures/bad/make.ts writes (regenerate and review the diff otherwise)', () => {
    expect(cases.map((c) => c.id)).toEqual(CASES.filter((d) => !only || only.test(d.id)).map((d) => d.id));
    for (const def of CASES.filter((d) => !only || only.test(d.id))) {
      const dir = join(CORPUS, def.id);
      expect(JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')), `${def.id}/case.json`).toEqual(JSON.parse(JSON.stringify(caseJson(def))));
      // Big inputs (zip bombs) take seconds to rebuild: for them only case.json is compared.
      const cheap = Object.keys(def.files ?? {}).every((n) => statSync(join(dir, n)).size < 64 * 1024);
      if (!cheap) continue;
      for (const [name, data] of caseFiles(def)) expect(readFileSync(join(dir, name)).equals(data), `${def.id}/${name} differs from make.ts`).toBe(true);
    }
  });

  for (const c of cases) {
    const name = `${c.id}: ${c.title}`;
    if (c.slow && !big) it.skip(`${name} [slow: set SHILI_BAD_BIG=1]`, () => check(c));
    else if (c.knownBad) it.fails(`${name} [known bad: ${c.knownBad}]`, () => check(c));
    else it(name, () => check(c));
  }
});
