// Real processes against one database file. Children run src/db transpiled to JS
// (helpers.buildDbModules), so they exercise the same code as the CLI without tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { RosterStore } from '../../src/db/roster.js';
import { buildDbModules, generatedStudents, makeTempDir, removeTempDirs } from './helpers.js';

const CHILD = String.raw`
import fs from 'node:fs';
const [modules, dbPath, mode, region, count] = process.argv.slice(2);
const { openDatabase } = await import(modules + 'open.js');
const { RosterStore } = await import(modules + 'roster.js');

function* students(n, killAfter) {
  for (let i = 0; i < n; i++) {
    if (i === killAfter) {
      fs.writeSync(1, 'midway\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000); // until SIGKILL
    }
    const seq = String(i % 1000).padStart(3, '0');
    const d = Math.floor(i / 1000);
    const date = '2015' + String(1 + (Math.floor(d / 28) % 12)).padStart(2, '0') + String(1 + (d % 28)).padStart(2, '0');
    yield { studentId: 'G' + region + date + seq + '0', idCardNumber: null, name: '学生' + i, sex: '1',
      birthDate: date.slice(0, 4) + '-' + date.slice(4, 6) + '-' + date.slice(6), ethnicityCode: null, address: null, schoolName: null,
      gradeCode: null, gradeName: null, classCode: null, className: '1班' };
  }
}

fs.writeSync(1, 'ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const started = Date.now();
const db = openDatabase(dbPath, { mustExist: false });
const n = Number(count);
const result = new RosterStore(db).importStudents(students(n, mode === 'kill' ? n / 2 : -1), { sourceFile: region + '.csv' });
db.close();
fs.writeSync(1, JSON.stringify({ ...result, ms: Date.now() - started }) + '\n');
process.exit(0);
`;

interface Child {
  proc: ChildProcess;
  lines: string[];
  waitFor(line: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function startChild(script: string, args: string[]): Child {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) (w.re.test(line) ? w.resolve(line) : waiters.push(w));
    }
  });
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    }),
  );
  return {
    proc,
    lines,
    exited,
    waitFor: (re) =>
      new Promise((resolve) => {
        const seen = lines.find((l) => re.test(l));
        if (seen !== undefined) resolve(seen);
        else waiters.push({ re, resolve });
      }),
  };
}

describe('several processes, one database', () => {
  let dir: string;
  let script: string;
  let modules: string;

  beforeAll(() => {
    dir = makeTempDir();
    modules = buildDbModules(dir);
    script = path.join(dir, 'child.mjs');
    fs.writeFileSync(script, CHILD);
  });
  afterAll(removeTempDirs);

  it('two imports started at once into a new database both finish, and both batches are there', async () => {
    const dbPath = path.join(dir, 'both.db');
    const count = 60_000;
    const children = ['110101', '110102'].map((region) =>
      startChild(script, [modules, dbPath, 'import', region, String(count)]),
    );
    await Promise.all(children.map((c) => c.waitFor(/^ready$/)));
    for (const c of children) c.proc.stdin!.write('go\n');
    expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0]);

    const results = children.map((c) => JSON.parse(c.lines.at(-1)!) as { added: number; batchId: number });
    expect(results.map((r) => r.added)).toEqual([count, count]);
    expect(new Set(results.map((r) => r.batchId)).size).toBe(2);

    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM students').pluck().get()).toBe(2 * count);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(1);
    const perBatch = db.prepare('SELECT batch_id, count(*) AS n FROM students GROUP BY batch_id').all();
    expect(perBatch).toHaveLength(2);
    db.close();
    expect(fs.statSync(dbPath).mode & 0o777).toBe(0o600);
  });

  it('a process killed in the middle of an import leaves the database as it was', async () => {
    const dbPath = path.join(dir, 'killed.db');
    const setup = openDatabase(dbPath, { mustExist: false });
    const store = new RosterStore(setup);
    store.importStudents(generatedStudents(1000), { sourceFile: 'first.xlsx' });
    const before = store.checksum();
    setup.close();

    const child = startChild(script, [modules, dbPath, 'kill', '120101', '100000']);
    await child.waitFor(/^ready$/);
    child.proc.stdin!.write('go\n');
    await child.waitFor(/^midway$/); // 50,000 rows written inside the open transaction
    child.proc.kill('SIGKILL');
    expect(await child.exited).toBeNull();

    const db = openDatabase(dbPath, { mustExist: true });
    const after = new RosterStore(db);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(after.count()).toBe(1000);
    expect(after.checksum()).toBe(before);
    expect(db.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(1);
    db.close();
  });
});
