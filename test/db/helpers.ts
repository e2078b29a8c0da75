// Shared by the db tests: temp folders, generated students, and a JS build of src/db for child processes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Student } from '../../src/model/record.js';
import { idCheckDigit } from '../../src/normalize/idCheckDigit.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const made: string[] = [];

/** A fresh folder under the OS temp dir; removed by removeTempDirs(). */
export function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shili-db-test-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function student(overrides: Partial<Student> = {}): Student {
  return {
    studentId: null,
    idCardNumber: null,
    name: null,
    sex: null,
    birthDate: null,
    ethnicityCode: null,
    address: null,
    schoolName: null,
    gradeCode: null,
    gradeName: null,
    classCode: null,
    className: null,
    ...overrides,
  };
}

/** A valid-looking G 学籍号: region 110101, the birth date, a 3-digit sequence, a correct check digit. */
export function gId(birthDate: string, seq: number, region = '110101'): string {
  const first17 = region + birthDate.replaceAll('-', '') + String(seq).padStart(3, '0');
  return 'G' + first17 + idCheckDigit(first17)!;
}

/** The i-th generated student; ids, names and birth dates spread like a district roster. */
export function generatedStudent(i: number, prefix = '110101'): Student {
  const year = 2008 + (i % 12);
  const day = new Date(Date.UTC(year, 0, 1) + ((i * 7919) % 365) * 86_400_000);
  const birthDate = day.toISOString().slice(0, 10);
  const sex = i % 2 === 0 ? '2' : '1';
  return student({
    studentId: gId(birthDate, Math.floor(i / 4380) % 1000, prefix),
    idCardNumber: null,
    name: `学生${i}`,
    sex,
    birthDate,
    schoolName: `第${i % 40}小学`,
    gradeName: `${(i % 6) + 1}年级`,
    className: `${(i % 8) + 1}班`,
  });
}

export function* generatedStudents(count: number, prefix = '110101', start = 0): Generator<Student> {
  for (let i = start; i < start + count; i++) yield generatedStudent(i, prefix);
}

/**
 * Child processes can't load .ts, and the project has no tsx: transpile the
 * modules src/db needs (following relative imports) into dir, as ESM .js with
 * the same layout, and link node_modules so better-sqlite3 resolves. Returns the
 * URL of dir/src/db/ to import from.
 */
export function buildDbModules(dir: string): string {
  const out = path.join(dir, 'build');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  const queue = ['src/db/open.ts', 'src/db/roster.ts'];
  const done = new Set<string>();
  while (queue.length > 0) {
    const rel = queue.pop()!;
    if (done.has(rel)) continue;
    done.add(rel);
    const source = fs.readFileSync(path.join(PROJECT_ROOT, rel), 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: rel,
    }).outputText;
    const target = path.join(out, rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, js);
    // Follow the imports that survived transpiling (type-only ones are gone).
    for (const m of js.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      queue.push(path.posix.join(path.posix.dirname(rel), m[1]! + '.ts'));
    }
  }
  return new URL(`file://${path.join(out, 'src', 'db')}/`).href;
}
