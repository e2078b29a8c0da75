// Reads a school's student list into roster students, with every skipped row and its reason.
import { basename } from 'node:path';
import type { OpenOptions } from '../io/open.js';
import { IDENTITY_FIELD_NAMES, type Student } from '../model/record.js';
import { normalizeName } from '../normalize/name.js';
import { mapRow, type MappedRow } from '../read/mapRow.js';
import { isRepeatedHeader, openLayout } from '../read/openLayout.js';
import type { TemplateSpec } from '../templates/spec.js';
import { getTemplate } from '../templates/registry.js';
import { ShiliError } from '../errors.js';
import { hash53 } from '../convert/duplicates.js';

export type SkipCode = 'ID_MISSING' | 'ID_DAMAGED' | 'ID_INVALID' | 'NAME_MISSING' | 'DUPLICATE_CONFLICT';

export const SKIP_LABELS: Record<SkipCode, string> = {
  ID_MISSING: '学籍号为空',
  ID_DAMAGED: '学籍号被 Excel 改成了数字，末尾几位已丢失',
  ID_INVALID: '学籍号格式不对',
  NAME_MISSING: '姓名为空',
  DUPLICATE_CONFLICT: '同一学籍号出现多次且信息不一致',
};

/** What to do about each kind of skipped row. */
export const SKIP_TODO: Record<SkipCode, string> = {
  ID_MISSING: '请从学籍系统补上学籍号后重新导入',
  ID_DAMAGED: '请把学籍号列设为“文本”格式，从学籍系统重新复制学籍号后重新导入',
  ID_INVALID: '请核对学籍号（G/J/L 开头共 19 位）后重新导入',
  NAME_MISSING: '请补上姓名后重新导入',
  DUPLICATE_CONFLICT: '请确认哪一行正确、删除其余行后重新导入',
};

export interface SkippedRow {
  row: number;
  /** A1 cell when one cell is at fault. */
  cell?: string;
  code: SkipCode;
  /** Chinese detail; may quote the value, so shown only with --verbose. */
  detail: string;
}

/** A value that could not be read: the student is kept with that field empty. */
export interface FieldWarning {
  row: number;
  cell: string;
  header: string;
  detail: string;
}

export interface RosterRead {
  sheet: string;
  format: 'xlsx' | 'csv';
  students: Student[];
  rows: number;
  skipped: SkippedRow[];
  warnings: FieldWarning[];
  /** Identical repeated rows folded into one. */
  merged: number;
}

export async function readRoster(file: string, spec: TemplateSpec, open: OpenOptions, onProgress?: (n: number) => void): Promise<RosterRead> {
  await refuseVisionFile(file, open);
  const layout = await openLayout(file, spec, open);
  const { mapping } = layout;
  const result: RosterRead = { sheet: layout.source.sheet, format: layout.source.format, students: [], rows: 0, skipped: [], warnings: [], merged: 0 };
  const columnLetters = (f: 'studentId' | 'name'): string => mapping.byField.get(f)?.cell.replace(/\d+$/, '') ?? '';
  const byId = new Map<string, { index: number; hash: number; rows: number[]; conflict: boolean }>();

  for await (const row of layout.dataRows) {
    if (isRepeatedHeader(row, mapping)) continue;
    const m = mapRow(row, mapping.columns);
    if (m.empty) continue;
    result.rows++;
    if (result.rows % 10000 === 0) onProgress?.(result.rows);
    const skip = skipReason(m, columnLetters('studentId'), columnLetters('name'));
    if (skip) {
      result.skipped.push(skip);
      continue;
    }
    for (const p of m.problems) result.warnings.push({ row: m.rowNumber, cell: p.cell, header: p.header, detail: p.message });
    const student = toStudent(m);
    const id = student.studentId!;
    const hash = hash53(IDENTITY_FIELD_NAMES.map((f) => student[f] ?? '').join('\u0001'));
    const seen = byId.get(id);
    if (!seen) {
      byId.set(id, { index: result.students.length, hash, rows: [m.rowNumber], conflict: false });
      result.students.push(student);
    } else {
      seen.rows.push(m.rowNumber);
      if (seen.hash !== hash) seen.conflict = true;
      else result.merged++;
    }
  }
  // Conflicting repeats: which row is right cannot be known, so none of them is imported.
  const drop = new Set<number>();
  for (const [id, s] of byId) {
    if (!s.conflict) continue;
    drop.add(s.index);
    for (const r of s.rows) {
      result.skipped.push({ row: r, code: 'DUPLICATE_CONFLICT', detail: `学籍号 ${id} 出现在第 ${s.rows.join('、')} 行，信息不一致` });
    }
  }
  if (drop.size) result.students = result.students.filter((_, i) => !drop.has(i));
  result.skipped.sort((a, b) => a.row - b.row);
  onProgress?.(result.rows);
  return result;
}

/**
 * A national vision file has 学籍号 and 姓名 too, but its ids are exactly the ones still to be checked:
 * importing it as a roster would make every row "match". Refuse it.
 */
async function refuseVisionFile(file: string, open: OpenOptions): Promise<void> {
  let vision;
  try {
    vision = await openLayout(file, getTemplate('national-vision'), open);
  } catch (err) {
    if (err instanceof ShiliError && err.code.startsWith('HEADER_')) return;
    throw err;
  }
  await vision.close();
  throw new ShiliError('WRONG_TEMPLATE', '这是视力数据表（有视力数据列），不是学生名单', {
    location: { file, sheet: vision.source.sheet },
    hint: '学生名单请从学籍系统导出；要转换视力数据请用 shili convert national-to-city',
  });
}

function skipReason(m: MappedRow, idColumn: string, nameColumn: string): SkippedRow | null {
  const idProblem = m.problems.find((p) => p.field === 'studentId');
  if (idProblem) {
    return { row: m.rowNumber, cell: idProblem.cell, code: idProblem.code === 'ID_DAMAGED' ? 'ID_DAMAGED' : 'ID_INVALID', detail: idProblem.message };
  }
  if (!m.values.studentId) return { row: m.rowNumber, cell: `${idColumn}${m.rowNumber}`, code: 'ID_MISSING', detail: SKIP_LABELS.ID_MISSING };
  if (!m.values.name) {
    return { row: m.rowNumber, ...(nameColumn ? { cell: `${nameColumn}${m.rowNumber}` } : {}), code: 'NAME_MISSING', detail: SKIP_LABELS.NAME_MISSING };
  }
  return null;
}

function toStudent(m: MappedRow): Student {
  const s = {} as Record<string, unknown>;
  for (const f of IDENTITY_FIELD_NAMES) s[f] = m.values[f] ?? null;
  s.name = normalizeName(String(m.values.name));
  return s as Student;
}

export function sourceName(file: string): string {
  return basename(file);
}
