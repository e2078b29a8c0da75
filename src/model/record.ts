// The canonical records every reader produces and every writer consumes.
// No code converts one template straight into another: rows become these records first.
import { z } from 'zod';

/** Uncorrected/corrected acuity on the 5-point scale. ACUITY_BELOW_3 marks "below 3.0". */
export const ACUITY_BELOW_3 = 0;

const acuity = z.number().nullable(); // 3.0–5.3, or ACUITY_BELOW_3
const dioptre = z.number().nullable(); // dioptres, signed, 2 decimals
const axis = z.number().int().nullable(); // 0–180
const text = z.string().nullable();

/** Per-student identity, as held in the roster and as read from exam rows. */
export const identityFields = {
  studentId: text, // normalised 全国学籍号
  idCardNumber: text,
  name: text,
  sex: z.enum(['1', '2']).nullable(), // GB/T 2261.1: 1 男, 2 女
  birthDate: text, // YYYY-MM-DD
  ethnicityCode: text, // GB/T 3304, "01"…"56"
  address: text,
  schoolName: text,
  gradeCode: text, // 11–16, 21–24, 31–34, 41–44
  gradeName: text,
  classCode: text,
  className: text,
} as const;

/** Everything one exam can hold. A layout maps the columns it has; the rest stay null. */
export const examFields = {
  examDate: text, // YYYY-MM-DD
  rightUcva: acuity, // 裸眼视力
  leftUcva: acuity,
  rightCva: acuity, // 戴镜（矫正）视力
  leftCva: acuity,
  rightSphere: dioptre, // non-cycloplegic 球镜 S
  rightCylinder: dioptre, // 柱镜 C
  rightAxis: axis, // 轴位 A
  leftSphere: dioptre,
  leftCylinder: dioptre,
  leftAxis: axis,
  rightCycloSphere: dioptre,
  rightCycloCylinder: dioptre,
  rightCycloAxis: axis,
  leftCycloSphere: dioptre,
  leftCycloCylinder: dioptre,
  leftCycloAxis: axis,
  rightK1: z.number().nullable(),
  rightK1Axis: axis,
  rightK2: z.number().nullable(),
  rightK2Axis: axis,
  leftK1: z.number().nullable(),
  leftK1Axis: axis,
  leftK2: z.number().nullable(),
  leftK2Axis: axis,
  rightAxialLength: z.number().nullable(), // mm
  leftAxialLength: z.number().nullable(),
  rightIop: z.number().nullable(), // mmHg
  leftIop: z.number().nullable(),
  rightFlipper: text, // 串镜
  leftFlipper: text,
  glassesType: z.enum(['不戴镜', '框架眼镜', '隐形眼镜', '夜戴角膜塑形镜']).nullable(),
  orthoK: z.boolean().nullable(), // 角膜塑形镜（OK镜）佩戴者
  remarks: text,
} as const;

export const ExamRecordSchema = z.object({ ...identityFields, ...examFields });
export type ExamRecord = z.infer<typeof ExamRecordSchema>;

export const StudentSchema = z.object(identityFields);
export type Student = z.infer<typeof StudentSchema>;

export type FieldName = keyof ExamRecord;
export const FIELD_NAMES = Object.keys(ExamRecordSchema.shape) as FieldName[];
export const IDENTITY_FIELD_NAMES = Object.keys(identityFields) as (keyof Student)[];
export const EXAM_FIELD_NAMES = Object.keys(examFields) as FieldName[];

export function isFieldName(s: string): s is FieldName {
  return Object.prototype.hasOwnProperty.call(ExamRecordSchema.shape, s);
}

/** A record with every field null. */
export function emptyRecord(): ExamRecord {
  const r = {} as Record<string, null>;
  for (const f of FIELD_NAMES) r[f] = null;
  return r as unknown as ExamRecord;
}
