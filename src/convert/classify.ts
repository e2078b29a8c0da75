// Pass 1 of a conversion: what one row holds and how it relates to the roster. No tier is final yet,
// because a conflicting duplicate later in the file can still send this row to the error workbook.
import type { FieldName, Student } from '../model/record.js';
import type { Candidate } from './errorWorkbook.js';
import type { RowReason } from './reasons.js';

/** Fields whose presence means a row carries screening data worth uploading. */
export const EXAM_VALUE_FIELDS = [
  'rightUcva',
  'leftUcva',
  'rightSphere',
  'rightCylinder',
  'rightAxis',
  'leftSphere',
  'leftCylinder',
  'leftAxis',
] as const;

export type IdState = 'ok' | 'missing' | 'damaged' | 'invalid';

/** The roster student(s) with the same 姓名 + 出生日期 (+ 性别), by 学籍号. */
export type IdentityMatch =
  | { kind: 'none' }
  /** The student as pass 1 found it, so tier 2 needs no second lookup. */
  | { kind: 'unique'; studentId: string; student: Student }
  | { kind: 'ambiguous'; count: number };

/** What pass 1 keeps of a row: plain JSON, so it can wait on disk until pass 2. */
export interface ClassifiedRow {
  rowNumber: number;
  /** Normalised values of recognised columns (null = empty or unreadable). */
  values: Partial<Record<FieldName, unknown>>;
  /** Cell text as read, kept for 学籍号 and for cells that could not be read. */
  raw: Partial<Record<FieldName, string>>;
  /** YYYY-MM-DD from the row or --exam-date, null when missing or unusable. */
  examDate: string | null;
  /** Value problems: INVALID_VALUE, INVALID_DATE, MISSING_EXAM_DATE. */
  valueReasons: RowReason[];
  idState: IdState;
  /** Detail for damaged/invalid ids (Chinese). */
  idDetail: string;
  /** Normalised 学籍号 when well-formed. */
  studentId: string | null;
  /** True when studentId is in the roster. */
  inRoster: boolean;
  identity: IdentityMatch;
  /** The student this row is about, for duplicate detection: roster id, identity match, or its own id. */
  dupKey: string | null;
  /** Content hash over every recognised value, for telling identical duplicates from conflicting ones. */
  contentHash: number;
  /** Surviving digits of an Excel-damaged 学籍号, for finding candidates. */
  damagedDigits: string | null;
  /** Cell texts as already formatted, for a clean row parked in its upload form (see spill.ts). */
  shown?: Partial<Record<FieldName, string>>;
  /** Roster students this row may be about, searched in pass 1 for a row likely to end in tier 3. */
  candidates?: Candidate[];
}

export type Decision =
  | { tier: 1 }
  | { tier: 2; studentId: string }
  | { tier: 3; reasons: RowReason[] }
  | { tier: 'merged' };

export interface DuplicateView {
  isConflict(key: string): boolean;
  isFirst(key: string, row: number): boolean;
  rowsOf(key: string): number[];
}

/** Pass 2: where a row finally goes, once duplicates over the whole file are known. */
export function decide(c: ClassifiedRow, dups: DuplicateView): Decision {
  const reasons: RowReason[] = [...c.valueReasons];
  if (c.dupKey !== null) {
    if (dups.isConflict(c.dupKey)) {
      const rows = dups.rowsOf(c.dupKey);
      reasons.push({
        code: 'DUPLICATE_CONFLICT',
        detail: `学籍号 ${c.dupKey} 的学生在本文件出现 ${rows.length} 次（第 ${rows.join('、')} 行），数据不一致`,
      });
    } else if (!dups.isFirst(c.dupKey, c.rowNumber)) {
      return { tier: 'merged' };
    }
  }
  if (reasons.length === 0 && c.inRoster) return { tier: 1 };
  if (reasons.length === 0 && c.identity.kind === 'unique') return { tier: 2, studentId: c.identity.studentId };
  if (!c.inRoster && c.identity.kind !== 'unique') reasons.push(idReason(c));
  return { tier: 3, reasons };
}

function idReason(c: ClassifiedRow): RowReason {
  if (c.identity.kind === 'ambiguous') {
    return { code: 'AMBIGUOUS', detail: `学籍号不在名单中，名单里有 ${c.identity.count} 名学生的姓名、出生日期与此行相同` };
  }
  switch (c.idState) {
    case 'damaged':
      return { code: 'ID_DAMAGED', detail: c.idDetail };
    case 'invalid':
      return { code: 'ID_INVALID', detail: c.idDetail };
    case 'missing':
      return { code: 'ID_INVALID', detail: `${c.idDetail || '学籍号为空'}，名单中也没有姓名、出生日期都相同的学生` };
    case 'ok':
      return { code: 'NOT_IN_ROSTER', detail: `学籍号 ${c.studentId} 不在名单中，名单里也没有姓名、出生日期都相同的学生` };
  }
}
