// Candidate students for the error workbook: what is searched for a row that matched nobody, and
// which rows pass 1 searches for as it goes (classifyRows.ts). The search depends on nothing but
// the row and the roster, so it runs in pass 1 on whichever thread classifies the row (the
// conversion thread or the pass-1 helper, pass1Thread.ts), and the answer travels with the row to
// pass 2. A row pass 1 did not foresee (a duplicate found later) is searched in pass 2.
import type { CandidateQuery } from '../db/candidates.js';
import { nameKey } from '../normalize/name.js';
import type { ClassifiedRow } from './classify.js';

/** The suggestions shown per row (errorWorkbook.ts has three candidate column groups). */
export const CANDIDATE_LIMIT = 3;

/** What pass 2 asks the roster for a row that matched nobody. */
export function candidateQuery(c: ClassifiedRow): CandidateQuery {
  const v = c.values;
  const name = typeof v.name === 'string' ? v.name : undefined;
  return {
    ...(c.studentId ? { studentId: c.studentId } : {}),
    ...(c.damagedDigits ? { damagedDigits: c.damagedDigits } : {}),
    ...(name ? { nameKey: nameKey(name) } : {}),
    ...(typeof v.birthDate === 'string' ? { birthDate: v.birthDate } : {}),
    ...(v.sex === '1' || v.sex === '2' ? { sex: v.sex } : {}),
    ...(typeof v.className === 'string' ? { className: v.className } : {}),
  };
}

/**
 * Pass 1's guess of the rows whose candidates pass 2 will show: not in the roster, and not headed
 * for tier 2. A duplicate found later can still send another row to the error workbook; pass 2
 * searches that one itself.
 */
export function likelyNeedsCandidates(c: ClassifiedRow): boolean {
  return !c.inRoster && (c.identity.kind !== 'unique' || c.valueReasons.length > 0);
}
