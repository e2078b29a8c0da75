// Throughput of the roster store. Skipped unless SHILI_BENCH=1:
//   SHILI_BENCH=1 npx vitest run test/db/bench.test.ts
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { RosterStore } from '../../src/db/roster.js';
import { STUDENT_COLUMNS } from '../../src/db/rows.js';
import { nameKey } from '../../src/normalize/name.js';
import type { Student } from '../../src/model/record.js';
import { generatedStudent, makeTempDir, removeTempDirs } from './helpers.js';

const N = 200_000;
const BATCH = 1000;

/** Logs wall-clock and CPU rates: CPU time is steadier on a shared machine. Returns the wall rate. */
function rate(label: string, n: number, fn: () => void): number {
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1e6;
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  console.log(`${label}: ${n} in ${wall.toFixed(2)} s = ${fmt(n / wall)}/s (CPU ${cpu.toFixed(2)} s = ${fmt(n / cpu)}/s)`);
  return n / wall;
}

describe.runIf(process.env['SHILI_BENCH'])('roster throughput', () => {
  let db: Database.Database;
  let store: RosterStore;
  let students: Student[];
  let ids: string[];

  beforeAll(() => {
    db = openDatabase(path.join(makeTempDir(), 'bench.db'), { mustExist: false });
    store = new RosterStore(db);
    students = Array.from({ length: N }, (_, i) => generatedStudent(i));
    ids = students.map((s) => s.studentId!).sort(() => Math.random() - 0.5);
  });
  afterAll(() => {
    db.close();
    removeTempDirs();
  });

  it('imports', () => {
    rate('nameKey alone', N, () => students.forEach((s) => nameKey(s.name!)));
    rate('import, all new', N, () => store.importStudents(students, { sourceFile: 'a' }));
    rate('import, all unchanged', N, () => store.importStudents(students, { sourceFile: 'b' }));
    const changed = students.map((s) => ({ ...s, className: s.className + '*' }));
    rate('import, all updated', N, () => store.importStudents(changed, { sourceFile: 'c' }));
    expect(store.count()).toBe(N);
  });

  it('looks up', () => {
    const inList = db.prepare(
      `SELECT ${STUDENT_COLUMNS} FROM students WHERE student_id IN (${Array(BATCH).fill('?').join(',')})`,
    );
    const single = db.prepare(`SELECT ${STUDENT_COLUMNS} FROM students WHERE student_id = ?`);
    // Interleaved rounds: on a shared machine one round alone says little.
    for (let round = 1; round <= 3; round++) {
      rate(`[${round}] getByIds, batches of ${BATCH} (json_each)`, N, () => {
        for (let i = 0; i < N; i += BATCH) store.getByIds(ids.slice(i, i + BATCH));
      });
      rate(`[${round}] IN list of ${BATCH} parameters`, N, () => {
        for (let i = 0; i < N; i += BATCH) inList.all(...ids.slice(i, i + BATCH));
      });
      rate(`[${round}] single-row get`, N, () => {
        for (const id of ids) single.get(id);
      });
    }
    rate('findByIdentity', 20_000, () => {
      for (let i = 0; i < 20_000; i++) store.findByIdentity(nameKey(students[i]!.name!), students[i]!.birthDate!);
    });
    rate('candidates (typo in birth year + name)', 2_000, () => {
      for (let i = 0; i < 2_000; i++) {
        const id = ids[i]!;
        const typo = id.slice(0, 9) + ((Number(id[9]) + 1) % 10) + id.slice(10);
        store.candidates({ studentId: typo, nameKey: '学生1', birthDate: '2010-01-01' });
      }
    });
    rate('checksum rows', N, () => store.checksum());
  });
});
