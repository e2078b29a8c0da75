// Reads a roster file into the database as its rows stream in (readRoster.ts reads each row).
import type { ImportResult } from '../db/roster.js';
import { DuplicateTracker } from '../convert/duplicates.js';
import { ShiliError } from '../errors.js';
import type { Student } from '../model/record.js';
import { mapRow } from '../read/mapRow.js';
import { isRepeatedHeader, openLayout, type OpenedLayout } from '../read/openLayout.js';
import { contentHash, identityKey, skipReason, sourceName, toStudent, type RosterRead, type RosterSource } from './readRoster.js';

/**
 * Reads the roster opened by openRoster and imports its students in one transaction while the
 * rows stream in, so memory does not grow with the file (bar the repeat tracker's ~32 bytes a
 * 学籍号). The write lock is held from the first row on: a second importer waits meanwhile.
 *
 * A 学籍号 repeated with different data is not imported at all (which row is right cannot be
 * known), but that shows only after its first row went in. Then the transaction is rolled back
 * and the file read again with those ids held back and settled at the end. Rosters exported
 * from the 学籍 system rarely have such rows, so the second pass is rarely paid for.
 */
export async function importRoster(
  src: RosterSource,
  layout: OpenedLayout,
  begin: (info: { sourceFile: string }) => ImportSink | Promise<ImportSink>,
  onProgress?: (n: number) => void,
): Promise<{ read: RosterRead; counts: ImportResult }> {
  let heldBack = new Set<string>();
  for (let pass = 1; ; pass++) {
    let imp: ImportSink | undefined;
    try {
      imp = await begin({ sourceFile: sourceName(src.file) });
      const { read, conflicts } = await readPass(layout, heldBack, imp, onProgress);
      if (conflicts.size === 0) return { read, counts: await imp.commit() };
      if (pass === MAX_PASSES) throw fileChanged(layout);
      heldBack = new Set([...heldBack, ...conflicts]);
    } catch (err) {
      await layout.close();
      throw err;
    } finally {
      await imp?.rollback();
    }
    layout = await openLayout(src.file, src.spec, src.open);
  }
}

/** Where the students go: a RosterImport, or the same on a worker thread (ImportThread). */
export interface ImportSink {
  /** The array is the caller's again once add returns (or its promise settles). */
  add(students: Student[]): void | Promise<void>;
  commit(): ImportResult | Promise<ImportResult>;
  /** Undoes everything since begin; a no-op after commit. */
  rollback(): void | Promise<void>;
}

/** Pass 2 holds back what pass 1 found; a third pass would mean the file changed under us. */
const MAX_PASSES = 2;

function fileChanged(layout: OpenedLayout): ShiliError {
  return new ShiliError('FILE_CHANGED', '名单文件在读取过程中被改动了', {
    location: { file: layout.source.file, sheet: layout.source.sheet },
    hint: '请等文件保存完毕、不再改动后重新导入',
  });
}

/** Rows of a held-back 学籍号, kept exactly. */
interface Held {
  rows: number[];
  keys: string[];
  first: Student;
}

/**
 * One read of the file. Rows of a 学籍号 in heldBack are kept aside and settled at the end;
 * any other 学籍号 goes in at its first row. Returns the 学籍号 that turned out to repeat with
 * different data and were not held back: then nothing of this pass may be kept.
 */
async function readPass(
  layout: OpenedLayout,
  heldBack: ReadonlySet<string>,
  imp: ImportSink,
  onProgress?: (n: number) => void,
): Promise<{ read: RosterRead; conflicts: Set<string> }> {
  const { mapping } = layout;
  const columnLetters = (f: 'studentId' | 'name'): string => mapping.byField.get(f)?.cell.replace(/\d+$/, '') ?? '';
  const idColumn = columnLetters('studentId');
  const nameColumn = columnLetters('name');
  const read: RosterRead = { sheet: layout.source.sheet, format: layout.source.format, rows: 0, skipped: [], warnings: [], merged: 0 };
  const tracker = new DuplicateTracker();
  const held = new Map<string, Held>();
  const conflicts = new Set<string>();
  const students: Student[] = [];

  for await (const batch of layout.dataRowBatches) {
    for (const row of batch) {
      if (isRepeatedHeader(row, mapping)) continue;
      const m = mapRow(row, mapping.columns);
      if (m.empty) continue;
      read.rows++;
      if (read.rows % 10000 === 0) onProgress?.(read.rows);
      const skip = skipReason(m, idColumn, nameColumn);
      if (skip) {
        read.skipped.push(skip);
        continue;
      }
      for (const p of m.problems) read.warnings.push({ row: m.rowNumber, cell: p.cell, header: p.header, detail: p.message });
      const student = toStudent(m);
      const id = student.studentId!;
      if (heldBack.has(id)) {
        hold(held, id, m.rowNumber, identityKey(student), student);
        continue;
      }
      const seen = tracker.see(id, contentHash(student), m.rowNumber);
      if (seen === 'first') students.push(student);
      else if (seen === 'identical') read.merged++;
      else conflicts.add(id);
    }
    // Once a pass is known to be redone, reading on only collects the rest of the conflicts.
    if (conflicts.size === 0) await imp.add(students);
    students.length = 0;
  }
  if (conflicts.size === 0) await imp.add(settle(held, read));
  read.skipped.sort((a, b) => a.row - b.row);
  onProgress?.(read.rows);
  return { read, conflicts };
}

function hold(held: Map<string, Held>, id: string, row: number, key: string, student: Student): void {
  const h = held.get(id);
  if (!h) held.set(id, { rows: [row], keys: [key], first: student });
  else {
    h.rows.push(row);
    h.keys.push(key);
  }
}

/**
 * Held-back 学籍号 compared exactly: a row identical to the first is folded (and counted as
 * merged even when another row differs, as the count always was); if any row differs, every
 * row of that 学籍号 is skipped. Returns the students to import.
 */
function settle(held: Map<string, Held>, read: RosterRead): Student[] {
  const keep: Student[] = [];
  for (const [id, { rows, keys, first }] of held) {
    const same = keys.filter((k, i) => i > 0 && k === keys[0]).length;
    read.merged += same;
    if (same === keys.length - 1) {
      keep.push(first);
      continue;
    }
    for (const r of rows) {
      read.skipped.push({ row: r, code: 'DUPLICATE_CONFLICT', detail: `学籍号 ${id} 出现在第 ${rows.join('、')} 行，信息不一致` });
    }
  }
  return keep;
}

