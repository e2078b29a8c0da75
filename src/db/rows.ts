// Mapping between students table rows and the canonical Student record.
import type { Student } from '../model/record.js';

/** Columns every student query selects, in StudentRow order. */
export const STUDENT_COLUMNS =
  'student_id, id_card, name, sex, birth_date, school_name, grade_name, class_name';

export interface StudentRow {
  student_id: string;
  id_card: string | null;
  name: string;
  sex: '1' | '2' | null;
  birth_date: string | null;
  school_name: string | null;
  grade_name: string | null;
  class_name: string | null;
}

/** Fields the roster does not hold (ethnicity, address, codes) are null. */
export function toStudent(r: StudentRow): Student {
  return {
    studentId: r.student_id,
    idCardNumber: r.id_card,
    name: r.name,
    sex: r.sex,
    birthDate: r.birth_date,
    ethnicityCode: null,
    address: null,
    schoolName: r.school_name,
    gradeCode: null,
    gradeName: r.grade_name,
    classCode: null,
    className: r.class_name,
  };
}
