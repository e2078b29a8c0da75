// A school's student list: opening it as a roster, and each row as a student or a skipped row with its reason.
import { basename } from 'node:path';
import type { OpenOptions } from '../io/open.js';
import { IDENTITY_FIELD_NAMES, type Student } from '../model/record.js';
import { normalizeName } from '../normalize/name.js';
import type { MappedRow } from '../read/mapRow.js';
import { openLayout, type OpenedLayout } from '../read/openLayout.js';
import type { TemplateSpec } from '../templates/spec.js';
import { getTemplate } from '../templates/registry.js';
import { ShiliError } from '../errors.js';

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
  rows: number;
  skipped: SkippedRow[];
  warnings: FieldWarning[];
  /** Identical repeated rows folded into one. */
  merged: number;
}

/** A roster file and how to read it. */
export interface RosterSource {
  file: string;
  spec: TemplateSpec;
  open: OpenOptions;
}

/**
 * Refuses a vision file and finds the roster's header: everything that can fail before the database is touched.
 *
 * A national vision file has 学籍号 and 姓名 too, but its ids are exactly the ones still to be checked:
 * importing it as a roster would make every row "match". Refused when it would open as one. Both
 * headers are looked for in one read of each sheet (an .xlsx's shared strings are read on opening).
 */
export async function openRoster(src: RosterSource): Promise<OpenedLayout> {
  return openLayout(src.file, src.spec, src.open, [], { spec: getTemplate('national-vision'), error: (sheet) => visionFile(src.file, sheet) });
}

function visionFile(file: string, sheet: string): ShiliError {
  return new ShiliError('WRONG_TEMPLATE', '这是视力数据表（有视力数据列），不是学生名单', {
    location: { file, sheet },
    hint: '学生名单请从学籍系统导出；要转换视力数据请用 shili convert national-to-city',
  });
}

/** Why a row cannot be imported, or null. idColumn, nameColumn: column letters for the cell address. */
export function skipReason(m: MappedRow, idColumn: string, nameColumn: string): SkippedRow | null {
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

// Spelled out rather than looped over IDENTITY_FIELD_NAMES: a literal is many times faster, and
// Record<keyof Student, …> makes the compiler name any field added to the model and missing here.
export function toStudent(m: MappedRow): Student {
  const v = m.values as Partial<Student>;
  const s: Record<keyof Student, unknown> = {
    studentId: v.studentId ?? null,
    idCardNumber: v.idCardNumber ?? null,
    name: normalizeName(String(v.name)),
    sex: v.sex ?? null,
    birthDate: v.birthDate ?? null,
    ethnicityCode: v.ethnicityCode ?? null,
    address: v.address ?? null,
    schoolName: v.schoolName ?? null,
    gradeCode: v.gradeCode ?? null,
    gradeName: v.gradeName ?? null,
    classCode: v.classCode ?? null,
    className: v.className ?? null,
  };
  return s as Student;
}

/** Equal keys = identical rows: every identity field, empty as "". */
export function identityKey(s: Student): string {
  return IDENTITY_FIELD_NAMES.map((f) => s[f] ?? '').join('\u0001');
}

/**
 * 32-bit FNV-1a over the same fields as identityKey, without building the string: what the
 * repeat tracker compares for every row (it keeps 32 bits of a content hash). The fields are
 * spelled out in IDENTITY_FIELD_NAMES order: a property read by a variable name is several times
 * slower, and the tests compare this with a loop over IDENTITY_FIELD_NAMES.
 */
export function contentHash(s: Student): number {
  let h = 0x811c9dc5;
  h = hashField(h, s.studentId);
  h = hashField(h, s.idCardNumber);
  h = hashField(h, s.name);
  h = hashField(h, s.sex);
  h = hashField(h, s.birthDate);
  h = hashField(h, s.ethnicityCode);
  h = hashField(h, s.address);
  h = hashField(h, s.schoolName);
  h = hashField(h, s.gradeCode);
  h = hashField(h, s.gradeName);
  h = hashField(h, s.classCode);
  h = hashField(h, s.className);
  return h >>> 0;
}

/** One field of contentHash: its text ("" for null), then the field separator. */
function hashField(h: number, v: unknown): number {
  const text = typeof v === 'string' ? v : v == null ? '' : String(v);
  for (let j = 0; j < text.length; j++) h = Math.imul(h ^ text.charCodeAt(j), 0x01000193);
  return Math.imul(h ^ 0x1, 0x01000193);
}

export function sourceName(file: string): string {
  return basename(file);
}
