// Suggestions for rows that matched no student, for a person to choose from. Never a match by itself.
import type Database from 'better-sqlite3';
import type { Student } from '../model/record.js';
import { editKind, editKindOfCodes, type EditKind } from './idDistance.js';
import type { IdIndex } from './idIndex.js';
import { STUDENT_COLUMNS, toStudent, type StudentRow } from './rows.js';

export interface CandidateQuery {
  /** Normalised 学籍号 as written in the row (may contain typos). */
  studentId?: string;
  /** Surviving leading digits of an ID Excel turned into a number (no G/J/L letter). */
  damagedDigits?: string;
  /** nameKey(name) of the row. */
  nameKey?: string;
  birthDate?: string; // YYYY-MM-DD
  sex?: '1' | '2';
  className?: string;
}

export interface Candidate {
  student: Student;
  /** Chinese, strongest reason first, e.g. "姓名与出生日期相同，学籍号仅差1位". */
  why: string;
}

/*
 * Typo search without scanning the table. A 19-character 学籍号 is
 * letter + 6 region + 8 birth date + 3 sequence + check. Two indexed lookups:
 *   head: the first ID_HEAD characters, a range on the primary key;
 *   tail: the last ID_TAIL characters, the students_id_tail expression index.
 * ID_HEAD + ID_TAIL = 18, so one substituted, inserted or deleted character, or
 * one adjacent transposition, always leaves the head or the tail intact: all such
 * ids are found. Two edits are found only when both fall in the last 5 or both in
 * the first 15 characters; one in the head and one in the tail is missed.
 * Each lookup reads the students born in the same region within ~10 days, or
 * sharing the last 4 characters: hundreds of rows in a 500k roster, not 500k.
 */
const ID_HEAD = 14;
const ID_TAIL = 4; // must match substr(student_id, -4) in migration 1
const MIN_FUZZY_ID = 8;
/** Fewer surviving digits than region + birth year say too little to suggest anyone. */
const MIN_DAMAGED_DIGITS = 10;
/** Upper bound on rows read per lookup, for pathological rosters (e.g. one very common name). */
const SCAN_CAP = 5000;

const ID_LETTERS = ['G', 'J', 'L'];
const PREFIX_RANGE = 'student_id >= ? AND student_id < ?';
const TAIL_EQUALS = `substr(student_id, -${ID_TAIL}) = ?`; // same expression as the index
const ROW_COLUMNS = `${STUDENT_COLUMNS}, name_key`;
/** A ROW_COLUMNS row read with .raw(). */
type Row = [
  studentId: string, idCard: string | null, name: string, sex: string | null, birthDate: string | null,
  schoolName: string | null, gradeName: string | null, className: string | null, nameKey: string,
];

const SCORE = {
  exactId: 100,
  nameAndBirth: 80,
  truncated: 70,
  edit1: 60,
  edit2: 35,
  nameNoBirth: 30,
  nameOtherBirth: 25,
  sameClass: 5,
  otherSex: -15,
  otherName: -20,
} as const;

const EDIT_WHY: Record<EditKind, [number, string]> = {
  same: [SCORE.exactId, '学籍号相同'],
  substitution: [SCORE.edit1, '学籍号仅差1位'],
  insertDelete: [SCORE.edit1, '学籍号多或少1位'],
  transposition: [SCORE.edit1, '学籍号相邻两位颠倒'],
  two: [SCORE.edit2, '学籍号差2位'],
};

/** With an index of the roster's ids, the id lookups read memory instead of SQLite; the results are the same. */
export function findCandidates(db: Database.Database, q: CandidateQuery, limit: number, index: IdIndex | null = null): Candidate[] {
  // Ids first (index-only reads), full rows only for the few that qualify.
  const idReasons = new Map<string, [number, string]>();
  const id = q.studentId ?? '';
  if (id.length >= MIN_FUZZY_ID) {
    if (index) nearInIndex(index, id, idReasons);
    else nearInSql(db, id, idReasons);
  }
  const digits = q.damagedDigits ?? '';
  if (digits.length >= MIN_DAMAGED_DIGITS && /^\d+$/.test(digits)) {
    const why: [number, string] = [SCORE.truncated, `学籍号前${digits.length}位相同（Excel截断）`];
    // Excel rounds its 15th significant digit (…1|8… is kept as …2), so the stored id may carry the
    // last surviving digit as written or one less.
    const prefixes = [digits];
    if (digits.length === 15) prefixes.push(digits.slice(0, 14) + String((Number(digits[14]) + 9) % 10));
    for (const letter of ID_LETTERS) {
      for (const prefix of prefixes) {
        const found = index ? idsInIndex(index, letter + prefix) : ids(db, PREFIX_RANGE, prefixBounds(letter + prefix));
        for (const other of found) {
          if (digits.length === 15 && !excelKeeps(other.slice(1), digits)) continue;
          if ((idReasons.get(other)?.[0] ?? 0) < why[0]) idReasons.set(other, why);
        }
      }
    }
  }

  // Rows as arrays (.raw()): better-sqlite3 makes them faster than objects.
  const rows = new Map<string, Row>();
  if (index) {
    // Usually one id or none is in the roster: a primary-key read each, and none for the rest.
    const byId = cached(db, `SELECT ${ROW_COLUMNS} FROM students WHERE student_id = ?`).raw();
    for (const other of idReasons.keys()) {
      const r = index.has(other) ? (byId.get(other) as Row | undefined) : undefined;
      if (r) rows.set(r[0], r);
    }
  } else {
    const fetch = cached(db, `SELECT ${ROW_COLUMNS} FROM students WHERE student_id IN (SELECT value FROM json_each(?))`).raw();
    for (const r of fetch.all(JSON.stringify([...idReasons.keys()])) as Row[]) rows.set(r[0], r);
  }
  if (q.nameKey) {
    const byName = cached(db, `SELECT ${ROW_COLUMNS} FROM students WHERE name_key = ? LIMIT ${SCAN_CAP}`).raw();
    for (const r of byName.all(q.nameKey) as Row[]) rows.set(r[0], r);
  }

  const scored: { score: number; reasons: [number, string][]; row: Row }[] = [];
  for (const row of rows.values()) {
    const [studentId, , , sex, birthDate, , , className, key] = row;
    const reasons: [number, string][] = [];
    const idReason = idReasons.get(studentId);
    if (idReason) reasons.push(idReason);
    const nameSame = !!q.nameKey && key === q.nameKey;
    if (nameSame) reasons.push(identityEvidence(birthDate, q.birthDate));
    else if (q.nameKey) reasons.push([SCORE.otherName, '姓名不同']);
    if (q.className && className === q.className) reasons.push([SCORE.sameClass, '班级相同']);
    if (q.sex && sex && sex !== q.sex) reasons.push([SCORE.otherSex, '性别不同']);
    reasons.sort((a, b) => b[0] - a[0]);
    const score = reasons.reduce((sum, [s]) => sum + s, 0);
    scored.push({ score, reasons, row });
  }
  scored.sort((a, b) => b.score - a.score || (a.row[0] < b.row[0] ? -1 : 1));
  return scored.slice(0, Math.max(0, limit)).map(({ row, reasons }) => ({
    student: studentFromRaw(row),
    why: reasons.map(([, w]) => w).join('，'),
  }));
}

/** A STUDENT_COLUMNS row read with .raw() as a Student. */
export function studentFromRaw(r: readonly unknown[]): Student {
  const [student_id, id_card, name, sex, birth_date, school_name, grade_name, class_name] = r;
  return toStudent({ student_id, id_card, name, sex, birth_date, school_name, grade_name, class_name } as StudentRow);
}

/** Roster ids sharing id's head or tail that are at most two edits from it, and id itself. */
function nearInSql(db: Database.Database, id: string, out: Map<string, [number, string]>): void {
  const nearby = new Set<string>();
  if (id.length > ID_HEAD) {
    for (const other of ids(db, PREFIX_RANGE, prefixBounds(id.slice(0, ID_HEAD)))) nearby.add(other);
  }
  if (id.length > ID_TAIL) for (const other of ids(db, TAIL_EQUALS, [id.slice(-ID_TAIL)])) nearby.add(other);
  nearby.add(id);
  for (const other of nearby) {
    const kind = editKind(id, other);
    if (kind) out.set(other, EDIT_WHY[kind]);
  }
}

const otherCodes = new Uint16Array(19);

/** nearInSql on the index: the same two lookups and caps; an id becomes a string only if it is near. */
function nearInIndex(index: IdIndex, id: string, out: Map<string, [number, string]>): void {
  const query = new Uint16Array(id.length);
  for (let i = 0; i < id.length; i++) query[i] = id.charCodeAt(i);
  let [headStart, headEnd] = [0, 0];
  if (id.length > ID_HEAD) {
    [headStart, headEnd] = index.prefixRange(id.slice(0, ID_HEAD));
    headEnd = Math.min(headEnd, headStart + SCAN_CAP);
    // These share id's first ID_HEAD characters: only the rest is decoded and compared.
    for (let pos = headStart; pos < headEnd; pos++) {
      index.codesAt(pos, otherCodes, ID_HEAD);
      const kind = editKindOfCodes(query, id.length, otherCodes, otherCodes.length, ID_HEAD);
      if (kind) out.set(index.idAt(pos), EDIT_WHY[kind]);
    }
  }
  if (id.length > ID_TAIL) {
    const tail = index.tailPositions(id.slice(-ID_TAIL));
    for (let k = 0; k < tail.length && k < SCAN_CAP; k++) {
      const pos = tail[k]!;
      if (pos >= headStart && pos < headEnd) continue;
      index.codesAt(pos, otherCodes, 0);
      const kind = editKindOfCodes(query, id.length, otherCodes, otherCodes.length, 0);
      if (kind) out.set(index.idAt(pos), EDIT_WHY[kind]);
    }
  }
  out.set(id, EDIT_WHY.same);
}

/** ids(db, PREFIX_RANGE, prefixBounds(prefix)) on the index. */
function idsInIndex(index: IdIndex, prefix: string): string[] {
  const [start, end] = index.prefixRange(prefix);
  const out: string[] = [];
  for (let pos = start; pos < end && pos < start + SCAN_CAP; pos++) out.push(index.idAt(pos));
  return out;
}

function ids(db: Database.Database, where: string, params: string[]): string[] {
  return cached(db, `SELECT student_id FROM students WHERE ${where} LIMIT ${SCAN_CAP}`)
    .pluck()
    .all(...params) as string[];
}

// Candidates are asked for once per unmatched row: keep each statement prepared per connection.
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function cached(db: Database.Database, sql: string): Database.Statement {
  let bySql = statements.get(db);
  if (!bySql) statements.set(db, (bySql = new Map()));
  let stmt = bySql.get(sql);
  if (!stmt) bySql.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

function identityEvidence(rosterBirth: string | null, queryBirth: string | undefined): [number, string] {
  if (!queryBirth || !rosterBirth) return [SCORE.nameNoBirth, '姓名相同'];
  if (rosterBirth === queryBirth) return [SCORE.nameAndBirth, '姓名与出生日期相同'];
  return [SCORE.nameOtherBirth, '姓名相同、出生日期不同'];
}

/** [prefix, first string after every string starting with prefix] for an index range scan. */
function prefixBounds(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/**
 * True when Excel, storing `id` (18 characters) as a number, keeps exactly `kept` (its first 15
 * significant digits, rounded half up). An id ending in X was never a number cell, so it never fits.
 */
function excelKeeps(id: string, kept: string): boolean {
  if (!/^\d{18}$/.test(id)) return false;
  return ((BigInt(id) + 500n) / 1000n).toString() === kept;
}
