// Pass 1 over a national file: normalise every row, match it against the roster in batches,
// and note duplicates. Only compact per-row results are kept.
import type { RosterStore } from '../db/roster.js';
import { a1 } from '../io/a1.js';
import type { Row } from '../io/table.js';
import type { FieldName } from '../model/record.js';
import { nameKey } from '../normalize/name.js';
import { damagedIdDigits } from '../normalize/studentId.js';
import { mapRow, type MappedRow } from '../read/mapRow.js';
import { isRepeatedHeader } from '../read/openLayout.js';
import type { HeaderMapping } from '../templates/headerMatch.js';
import { CANDIDATE_LIMIT, candidateQuery, likelyNeedsCandidates } from './candidateSearch.js';
import { EXAM_VALUE_FIELDS, type ClassifiedRow, type IdentityMatch, type IdState } from './classify.js';
import { contentHash, DuplicateTracker } from './duplicates.js';
import { Spill } from './spill.js';
import type { RowReason } from './reasons.js';
import type { UploadLayout } from './uploadRow.js';

const BATCH = 250;

export interface Pass1Result {
  /** Classified rows, parked on disk; the caller disposes of it. */
  rows: Spill<ClassifiedRow>;
  rowsRead: number;
  noData: number;
  /** Rows hidden in the workbook (processed like any other; reported so nobody is surprised). */
  hiddenRows: number[];
  duplicates: DuplicateTracker;
}

export async function classifyRows(
  dataRowBatches: AsyncIterable<Row[]>,
  mapping: HeaderMapping,
  roster: RosterStore,
  upload: UploadLayout,
  opts: {
    examDate?: string | undefined;
    onProgress?: ((n: number) => void) | undefined;
    skip?: ((r: Row) => boolean) | undefined;
    /** Search the candidates of rows likely to end in tier 3 now, into the row (candidateSearch.ts). */
    searchCandidates?: boolean | undefined;
  },
): Promise<Pass1Result> {
  const result: Pass1Result = { rows: new Spill<ClassifiedRow>(), rowsRead: 0, noData: 0, hiddenRows: [], duplicates: new DuplicateTracker() };
  const idCol = mapping.byField.get('studentId')!;
  const fields = mapping.columns.map((m) => m.spec.field as FieldName);
  const scratch = new Array<unknown>(fields.length);
  const cellOf = (field: FieldName, row: number): string => {
    const col = mapping.byField.get(field);
    return col ? `单元格 ${a1(col.index, row)}（${col.headerText}）` : '';
  };
  /** Content of a row for duplicate detection: every recognised value (or unreadable text), and the 体检日期 used. */
  const hashOf = (row: MappedRow, examDate: string | null): number => {
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      scratch[i] = row.values[f] ?? row.raw[f] ?? null;
    }
    return contentHash(scratch, examDate ?? '');
  };
  const batch: MappedRow[] = [];
  const batchDamaged: (string | null)[] = [];
  const ids: string[] = [];
  const cells = upload.scratch();

  const flush = (): void => {
    ids.length = 0;
    for (const row of batch) if (typeof row.values.studentId === 'string') ids.push(row.values.studentId);
    const known = roster.knownIds(ids);
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]!;
      const studentId = row.values.studentId;
      // Fast path, most rows: nothing wrong and in the roster. Its upload cells are final now.
      if (row.problems.length === 0 && typeof studentId === 'string' && known.has(studentId)) {
        const examDate = typeof row.values.examDate === 'string' ? row.values.examDate : (opts.examDate ?? null);
        if (examDate !== null) {
          result.duplicates.see(studentId, hashOf(row, examDate), row.rowNumber);
          if (!result.rows.tryPushClean(row.rowNumber, studentId, upload.cellsInto(cells, row.values, examDate))) {
            result.rows.push(classify(row, known, roster, opts.examDate, batchDamaged[i]!, cellOf, hashOf));
          }
          continue;
        }
      }
      const c = classify(row, known, roster, opts.examDate, batchDamaged[i]!, cellOf, hashOf);
      if (c.dupKey !== null) result.duplicates.see(c.dupKey, c.contentHash, c.rowNumber);
      if (opts.searchCandidates && likelyNeedsCandidates(c)) c.candidates = roster.candidates(candidateQuery(c), CANDIDATE_LIMIT);
      result.rows.push(c);
    }
    batch.length = 0;
    batchDamaged.length = 0;
  };

  try {
    await readAll();
  } catch (err) {
    result.rows.dispose();
    throw err;
  }
  return result;

  async function readAll(): Promise<void> {
    // One await per inflated chunk (~100 rows), not one promise per row.
    for await (const rows of dataRowBatches) {
      for (const row of rows) {
        if (opts.skip?.(row)) continue;
        const mapped = mapRow(row, mapping.columns);
        if (mapped.empty) continue;
        result.rowsRead++;
        if (row.hidden) result.hiddenRows.push(row.rowNumber);
        if (result.rowsRead % 5000 === 0) opts.onProgress?.(result.rowsRead);
        if (!hasExamData(mapped)) {
          result.noData++;
          continue;
        }
        const idProblem = mapped.problems.length > 0 ? mapped.problems.find((p) => p.field === 'studentId') : undefined;
        batch.push(mapped);
        batchDamaged.push(idProblem?.code === 'ID_DAMAGED' ? damagedIdDigits(row.cells[idCol.index]) : null);
        if (batch.length >= BATCH) flush();
      }
    }
    flush();
    opts.onProgress?.(result.rowsRead);
  }
}

/**
 * Pass 1 over a national file's data rows as national-to-city runs it, on the conversion thread or
 * the pass-1 helper (pass1Thread.ts): repeated header rows skipped, candidates searched as it goes.
 */
export function classifyNationalRows(
  dataRowBatches: AsyncIterable<Row[]>,
  mapping: HeaderMapping,
  roster: RosterStore,
  upload: UploadLayout,
  examDate: string | undefined,
  onProgress: (n: number) => void,
): Promise<Pass1Result> {
  return classifyRows(dataRowBatches, mapping, roster, upload, {
    examDate,
    onProgress,
    skip: (r) => isRepeatedHeader(r, mapping),
    searchCandidates: true,
  });
}

function hasExamData(r: MappedRow): boolean {
  return (
    EXAM_VALUE_FIELDS.some((f) => r.values[f] !== null && r.values[f] !== undefined) ||
    r.problems.some((p) => (EXAM_VALUE_FIELDS as readonly string[]).includes(p.field))
  );
}

function classify(
  row: MappedRow,
  known: Set<string>,
  roster: RosterStore,
  fallbackExamDate: string | undefined,
  damagedDigits: string | null,
  cellOf: (field: FieldName, row: number) => string,
  hashOf: (row: MappedRow, examDate: string | null) => number,
): ClassifiedRow {
  const v = row.values;
  const valueReasons: RowReason[] = [];
  let idState: IdState = 'ok';
  let idDetail = '';
  for (const p of row.problems) {
    const detail = `单元格 ${p.cell}（${p.header}）：${p.message}`;
    if (p.field === 'studentId') {
      idState = p.code === 'ID_DAMAGED' ? 'damaged' : 'invalid';
      idDetail = detail;
    } else {
      valueReasons.push({ code: p.code === 'INVALID_DATE' ? 'INVALID_DATE' : 'INVALID_VALUE', detail });
    }
  }
  const studentId = typeof v.studentId === 'string' ? v.studentId : null;
  if (idState === 'ok' && !studentId) {
    idState = 'missing';
    idDetail = `${cellOf('studentId', row.rowNumber)}为空`;
  }

  // parseValue already refused unreadable and implausible dates; an empty one falls back to --exam-date.
  let examDate = typeof v.examDate === 'string' ? v.examDate : null;
  if (!examDate && !row.problems.some((p) => p.field === 'examDate')) {
    if (fallbackExamDate) examDate = fallbackExamDate;
    else valueReasons.push({ code: 'MISSING_EXAM_DATE', detail: `${cellOf('examDate', row.rowNumber) || '体检日期'}为空` });
  }

  const inRoster = studentId !== null && known.has(studentId);
  const identity: IdentityMatch = inRoster ? { kind: 'none' } : matchIdentity(row, roster);
  const dupKey = inRoster ? studentId : identity.kind === 'unique' ? identity.studentId : studentId;
  // Raw text is kept only where pass 2 may need it: the 学籍号 and the cells that could not be read.
  const raw: MappedRow['raw'] = { studentId: row.raw.studentId ?? '' };
  for (const p of row.problems) raw[p.field] = p.text;
  return {
    rowNumber: row.rowNumber,
    values: row.values,
    raw,
    examDate,
    valueReasons,
    idState,
    idDetail,
    studentId,
    inRoster,
    identity,
    dupKey,
    contentHash: hashOf(row, examDate),
    damagedDigits,
  };
}

/** Exactly one roster student with the same 姓名 and 出生日期 (and 性别 where both have one). */
function matchIdentity(row: MappedRow, roster: RosterStore): IdentityMatch {
  const name = typeof row.values.name === 'string' ? row.values.name : '';
  const birth = typeof row.values.birthDate === 'string' ? row.values.birthDate : '';
  if (!name || !birth) return { kind: 'none' };
  const sex = row.values.sex;
  const found = roster.findByIdentity(nameKey(name), birth).filter((s) => !sex || !s.sex || s.sex === sex);
  if (found.length === 1) return { kind: 'unique', studentId: found[0]!.studentId!, student: found[0]! };
  if (found.length > 1) return { kind: 'ambiguous', count: found.length };
  return { kind: 'none' };
}
