// Suggestions for rows that matched no student, for a person to choose from. Never a match by itself.
import type Database from 'better-sqlite3';
import type { Student } from '../model/record.js';
import { editKind, type EditKind } from './idDistance.js';
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

interface Row extends StudentRow {
  name_key: string;
}

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

export function findCandidates(db: Database.Database, q: CandidateQuery, limit: number): Candidate[] {
  // Ids first (index-only reads), full rows only for the few that qualify.
  const idReasons = new Map<string, [number, string]>();
  const id = q.studentId ?? '';
  if (id.length >= MIN_FUZZY_ID) {
    const nearby = new Set<string>();
    if (id.length > ID_HEAD) {
      for (const other of ids(db, PREFIX_RANGE, prefixBounds(id.slice(0, ID_HEAD)))) nearby.add(other);
    }
    if (id.length > ID_TAIL) for (const other of ids(db, TAIL_EQUALS, [id.slice(-ID_TAIL)])) nearby.add(other);
    nearby.add(id);
    for (const other of nearby) {
      const kind = editKind(id, other);
      if (kind) idReasons.set(other, EDIT_WHY[kind]);
    }
  }
  const digits = q.damagedDigits ?? '';
  if (/^\d+$/.test(digits) && digits.length >= MIN_DAMAGED_DIGITS) {
    const why: [number, string] = [SCORE.truncated, `学籍号前${digits.length}位相同（Excel截断）`];
    // Excel rounds its 15th significant digit (…1|8… is kept as …2), so the stored id may carry the
    // last surviving digit as written or one less.
    const prefixes = [digits];
    if (digits.length === 15) prefixes.push(digits.slice(0, 14) + String((Number(digits[14]) + 9) % 10));
    for (const letter of ID_LETTERS) {
      for (const prefix of prefixes) {
        for (const other of ids(db, PREFIX_RANGE, prefixBounds(letter + prefix))) {
          if (digits.length === 15 && !excelKeeps(other.slice(1), digits)) continue;
          if ((idReasons.get(other)?.[0] ?? 0) < why[0]) idReasons.set(other, why);
        }
      }
    }
  }

  const rows = new Map<string, Row>();
  const fetch = cached(db, `SELECT ${ROW_COLUMNS} FROM students WHERE student_id IN (SELECT value FROM json_each(?))`);
  for (const r of fetch.all(JSON.stringify([...idReasons.keys()])) as Row[]) rows.set(r.student_id, r);
  if (q.nameKey) {
    const byName = cached(db, `SELECT ${ROW_COLUMNS} FROM students WHERE name_key = ? LIMIT ${SCAN_CAP}`);
    for (const r of byName.all(q.nameKey) as Row[]) rows.set(r.student_id, r);
  }

  const scored: { score: number; why: string; row: Row }[] = [];
  for (const row of rows.values()) {
    const reasons: [number, string][] = [];
    const idReason = idReasons.get(row.student_id);
    if (idReason) reasons.push(idReason);
    const nameSame = !!q.nameKey && row.name_key === q.nameKey;
    if (nameSame) reasons.push(identityEvidence(row.birth_date, q.birthDate));
    else if (q.nameKey) reasons.push([SCORE.otherName, '姓名不同']);
    if (q.className && row.class_name === q.className) reasons.push([SCORE.sameClass, '班级相同']);
    if (q.sex && row.sex && row.sex !== q.sex) reasons.push([SCORE.otherSex, '性别不同']);
    reasons.sort((a, b) => b[0] - a[0]);
    const score = reasons.reduce((sum, [s]) => sum + s, 0);
    scored.push({ score, why: reasons.map(([, w]) => w).join('，'), row });
  }
  scored.sort((a, b) => b.score - a.score || (a.row.student_id < b.row.student_id ? -1 : 1));
  return scored.slice(0, Math.max(0, limit)).map(({ row, why }) => ({ student: toStudent(row), why }));
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
