// The error workbook (<stem>.unmatched.xlsx): one row per row a person must act on.
import type { ColumnDef } from '../io/xlsx/writer.js';
import type { FieldName, Student } from '../model/record.js';
import { formatDate } from '../normalize/date.js';
import type { ClassifiedRow } from './classify.js';
import { explain, primaryReason, type RowReason } from './reasons.js';

export interface Candidate {
  student: Student;
  /** Chinese: why this student could be the one. */
  why: string;
}

const MAX_CANDIDATES = 3;

export const UNMATCHED_COLUMNS: ColumnDef[] = [
  { header: '原行号', width: 7 },
  { header: '学籍号', width: 22 },
  { header: '姓名', width: 10 },
  { header: '性别', width: 6 },
  { header: '出生日期', width: 12 },
  { header: '班级名称', width: 12 },
  { header: '原因代码', width: 20 },
  { header: '说明', width: 60 },
  ...Array.from({ length: MAX_CANDIDATES }, (_, i) => [
    { header: `候选${i + 1}学籍号`, width: 22 },
    { header: `候选${i + 1}姓名`, width: 10 },
    { header: `候选${i + 1}出生日期`, width: 12 },
    { header: `候选${i + 1}班级`, width: 12 },
    { header: `候选${i + 1}依据`, width: 24 },
  ]).flat(),
];

export function unmatchedRow(c: ClassifiedRow, reasons: RowReason[], candidates: Candidate[], show: (f: FieldName) => string | null): (string | number | null)[] {
  const cells: (string | number | null)[] = [
    c.rowNumber,
    c.raw.studentId || null,
    show('name'),
    show('sex'),
    show('birthDate'),
    show('className'),
    primaryReason(reasons).code,
    explain(reasons),
  ];
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    const k = candidates[i];
    cells.push(
      k?.student.studentId ?? null,
      k?.student.name ?? null,
      k?.student.birthDate ? formatDate(k.student.birthDate) : null,
      k?.student.className ?? null,
      k?.why ?? null,
    );
  }
  return cells;
}
