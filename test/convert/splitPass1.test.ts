// Pass 1 shared between the conversion thread and the helper thread (src/convert/pass1Thread.ts)
// must give exactly what one thread gives: the same three workbooks, byte for byte, and the same
// summary; the same error (the one on the earliest row) for a damaged file, with nothing left
// behind; and the file order for rows whose numbers go backwards.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { RosterStore } from '../../src/db/roster.js';
import { convertNationalToCity, type ConvertSummary } from '../../src/convert/nationalToCity.js';
import { getTemplate } from '../../src/templates/registry.js';
import { pass1Threads } from '../../src/convert/pass1Thread.js';
import { zipEntries } from '../fixtures/zipEntries.js';
import { buildZip } from '../io/read-fixtures/zip.js';
import { cachedFixture, removeScratch, runShili, scratchDir } from '../faults/support.js';

const dist = (module: string) => pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../../dist/src', module)).href;

let national: string;
let dbPath: string;

beforeAll(async () => {
  // The generator's usual mix (~7% unmatched, duplicates, identity matches) over 1,500 rows.
  const set = await cachedFixture('candidates', { students: 1500, rows: 1500, seed: 'candidates', examDateColumn: true });
  national = set.national!.xlsx;
  dbPath = join(scratchDir('shili-split-'), 'r.db');
  const r = await runShili(['roster', 'import', set.roster.xlsx, '--db', dbPath]);
  expect(r.code).toBe(0);
}, 240_000);

afterAll(removeScratch);

type Outputs = Record<'cityUpload' | 'cityTemplate' | 'unmatched', Map<string, Buffer> | null>;

/** Every part of each output but its timestamp. */
function outputs(s: ConvertSummary): Outputs {
  const parts = (file: string | null) => {
    if (!file) return null;
    const all = zipEntries(file);
    all.delete('docProps/core.xml');
    return all;
  };
  return { cityUpload: parts(s.outputs.cityUpload), cityTemplate: parts(s.outputs.cityTemplate), unmatched: parts(s.outputs.unmatched) };
}

/** One thread: the source's convertNationalToCity with no helper. */
async function single(file: string): Promise<ConvertSummary> {
  const db = openDatabase(dbPath, { mustExist: true });
  try {
    return await convertNationalToCity(file, { roster: new RosterStore(db), outDir: scratchDir('shili-split-one-'), force: false });
  } finally {
    db.close();
  }
}

/** The conversion thread and its helper thread (built code), as the command runs them. */
async function convertThread(dir = scratchDir('shili-split-tmp-')) {
  const { ConvertThread } = (await import(dist('convert/convertThread.js'))) as typeof import('../../src/convert/convertThread.js');
  // The threads take the temp folder from the environment when they start; two threads whatever the cores.
  const before = { TMPDIR: process.env['TMPDIR'], SHILI_PASS1_THREADS: process.env['SHILI_PASS1_THREADS'] };
  Object.assign(process.env, { TMPDIR: dir, SHILI_PASS1_THREADS: '2' });
  try {
    return await ConvertThread.open({ dbPath, cityTemplate: getTemplate('beijing-city') });
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Through the conversion thread, its helper taking every other block of `blockRows` rows. */
async function split(file: string, blockRows: number, progress: number[] = []): Promise<ConvertSummary> {
  const thread = await convertThread();
  try {
    return await thread.convert(file, { outDir: scratchDir('shili-split-two-'), force: false, splitBlockRows: blockRows, splitMinBytes: 0 }, (n) => progress.push(n));
  } finally {
    await thread.close();
  }
}

const withoutPaths = (s: ConvertSummary) => ({ ...s, outputs: null });

/** A copy of `file` whose sheet XML went through `edit`. */
function edited(file: string, edit: (xml: string) => string): string {
  const parts = zipEntries(file);
  const sheet = 'xl/worksheets/sheet1.xml';
  const xml = parts.get(sheet)!.toString('utf8');
  const changed = edit(xml);
  expect(changed).not.toBe(xml);
  parts.set(sheet, Buffer.from(changed));
  const out = join(scratchDir('shili-split-in-'), 'damaged.xlsx');
  writeFileSync(out, buildZip([...parts].map(([name, data]) => ({ name, data }))));
  return out;
}

/** The first shared-string cell of row `row` now points past the end of the table. */
function badStringIn(row: number): (xml: string) => string {
  return (xml) => xml.replace(new RegExp(`(<row r="${row}"[^>]*><c r="A${row}" t="s"><v>)\\d+(</v>)`), '$1999999$2');
}

describe('pass 1 on two threads', () => {
  let one: ConvertSummary;
  beforeAll(async () => {
    one = await single(national);
    expect(one.unmatched).toBeGreaterThan(50);
    // Identical duplicates to merge across the two threads' rows.
    expect(one.merged).toBeGreaterThan(0);
  }, 120_000);

  it.each([7, 256])('writes the same workbooks and summary as one thread (blocks of %i rows)', async (blockRows) => {
    const progress: number[] = [];
    const two = await split(national, blockRows, progress);
    expect(withoutPaths(two)).toEqual(withoutPaths(one));
    expect(outputs(two)).toEqual(outputs(one));
    // Both threads' rows are counted in the progress the user sees.
    expect(Math.max(...progress)).toBe(one.rows);
  }, 120_000);

  it('reads rows whose numbers go backwards in file order, as one thread does', async () => {
    // Row 41 (the helper's, in blocks of 7; an upload row) renumbered 16 (the conversion thread's):
    // merged by number, it would be uploaded before rows 35–39, which the file has before it.
    const file = edited(national, (xml) => xml.replace(/<row r="41"([^>]*)>(.*?)<\/row>/, (_m, attrs: string, cells: string) => `<row r="16"${attrs}>${cells.replace(/r="([A-Z]+)41"/g, 'r="$116"')}</row>`));
    const a = await single(file);
    const b = await split(file, 7);
    expect(withoutPaths(b)).toEqual(withoutPaths(a));
    expect(outputs(b)).toEqual(outputs(a));
  }, 120_000);
});

describe('a damaged file read by two threads', () => {
  // Blocks of 256 rows, as the command reads a big file: rows 300 and 800 are the helper's, 520 the conversion thread's.
  it.each([
    ['the helper', [300, 520], 300],
    ['the conversion thread', [520, 800], 520],
  ])('reports the error on the earliest row (%s has it), leaves no temp file, and goes on with the next file', async (_who, rows, expected) => {
    const file = edited(national, (xml) => rows.reduce((x, row) => badStringIn(row)(x), xml));
    const tmp = scratchDir('shili-split-tmp-');
    const out = scratchDir('shili-split-out-');
    const thread = await convertThread(tmp);
    try {
      const failed = await thread.convert(file, { outDir: out, force: false, splitMinBytes: 0 }).then(
        () => undefined,
        (err: unknown) => err,
      );
      // A ShiliError of the built code (the thread's), so compared by its fields.
      expect(failed).toMatchObject({ code: 'XLSX_CORRUPT', location: { cell: `A${expected}` } });
      expect(readdirSync(out)).toEqual([]);
      // The same thread goes on with the next file of the batch.
      const next = await thread.convert(national, { outDir: out, force: false, splitMinBytes: 0 });
      expect(next.rows).toBe(1500);
    } finally {
      await thread.close();
    }
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(out).sort()).toEqual(['national.city-template.xlsx', 'national.city-upload.xlsx', 'national.unmatched.xlsx']);
  }, 120_000);

});

describe('how many threads read pass 1', () => {
  it('takes SHILI_PASS1_THREADS, else two from four cores up, and refuses anything else in Chinese', () => {
    expect(pass1Threads({}, 2)).toBe(1);
    expect(pass1Threads({}, 4)).toBe(2);
    expect(pass1Threads({ SHILI_PASS1_THREADS: '2' }, 2)).toBe(2);
    expect(pass1Threads({ SHILI_PASS1_THREADS: ' 1 ' }, 8)).toBe(1);
    expect(() => pass1Threads({ SHILI_PASS1_THREADS: '3' }, 2)).toThrow(/SHILI_PASS1_THREADS 的值“3”无效/);
  });

  it('refuses a bad SHILI_PASS1_THREADS before converting anything, and leaves a small file to one thread', async () => {
    const out = scratchDir('shili-split-cli-');
    const bad = await runShili(['convert', 'national-to-city', national, '--db', dbPath, '--out', out], { env: { SHILI_PASS1_THREADS: 'two' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SHILI_PASS1_THREADS');
    expect(readdirSync(out)).toEqual([]);
    // Two threads asked for, but this 200 KB file is under the size at which a helper pays.
    const r = await runShili(['convert', 'national-to-city', national, '--db', dbPath, '--out', out, '--json'], { env: { SHILI_PASS1_THREADS: '2' } });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).rows).toBe(1500);
  }, 120_000);
});
