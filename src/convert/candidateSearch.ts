// Candidate students for the error workbook, searched on a thread of their own while the
// conversion thread is still in pass 1.
//
// Why: a conversion runs on one thread (convertWorker.ts) while the machine's other core waits.
// Searching candidates is ~45 µs a row (SQLite and the id index): at 200k rows with 7% unmatched,
// ~0.9 s of pass 2. It depends on nothing but the row and the roster, so pass 1 sends the rows
// likely to end in the error workbook to a candidate thread (candidateWorker.ts, started on the
// first such row), which answers with its own read-only connection while pass 1 goes on. Not the
// main thread: its heap has no limit and grew by the file's size doing this (+48 MB at 500k rows).
// Answers are parked in a temp file (memory stays flat) and read back in row order in pass 2. A row
// without an answer (a duplicate found later, a failed search thread) is searched in pass 2 as
// before: the results are the same either way.
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CandidateQuery } from '../db/candidates.js';
import { openDatabase } from '../db/open.js';
import { RosterStore } from '../db/roster.js';
import { nameKey } from '../normalize/name.js';
import type { ClassifiedRow } from './classify.js';
import type { Candidate } from './errorWorkbook.js';
import { Spill } from './spill.js';

/** The suggestions shown per row (errorWorkbook.ts has three candidate column groups). */
export const CANDIDATE_LIMIT = 3;

/** Queries sent per message: ~10 ms of work on the main thread, so its spinner stays live. */
const BATCH = 256;

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

/** Conversion thread → candidate thread. */
export type CandidateThreadMessage = CandidateRequest | { type: 'close' };

export interface CandidateRequest {
  type: 'candidates';
  id: number;
  queries: CandidateQuery[];
}

/** Candidate thread → conversion thread: each query's Candidate[] as JSON, or null when the search failed. */
export interface CandidateAnswer {
  op: 'candidates';
  id: number;
  answers: string[] | null;
}

/** The candidate thread's side: answers requests with the roster it opens (read-only) on first use. */
export class CandidateServer {
  #db: Database.Database | undefined;
  #roster: RosterStore | undefined;
  #failed = false;

  constructor(private readonly dbPath: string) {}

  answer(req: CandidateRequest): CandidateAnswer {
    if (this.#failed) return { op: 'candidates', id: req.id, answers: null };
    try {
      if (!this.#roster) {
        this.#db = openDatabase(this.dbPath, { mustExist: true, readonly: true });
        // 1 MiB of page cache (default 8): ~8 MB less memory for a thread off the critical path.
        this.#db.pragma('cache_size = -1024');
        this.#roster = new RosterStore(this.#db);
        // A whole file's unmatched rows are coming: the ids in memory from the first query.
        this.#roster.loadIdIndex();
      }
      const roster = this.#roster;
      return { op: 'candidates', id: req.id, answers: req.queries.map((q) => JSON.stringify(roster.candidates(q, CANDIDATE_LIMIT))) };
    } catch {
      // The conversion thread searches these rows itself; nothing is lost but time.
      this.#failed = true;
      return { op: 'candidates', id: req.id, answers: null };
    }
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
    this.#roster = undefined;
  }
}

type Parked = { r: number; c: Candidate[] };

/**
 * Request ids, unique across files: answers to a file that failed can still arrive while the next
 * file's prefetch waits, and must not be taken for its own.
 */
let nextRequestId = 0;

/** The conversion thread's side, for one file. */
export class CandidatePrefetch {
  #rows: number[] = [];
  #queries: CandidateQuery[] = [];
  /** Row numbers of each request sent and not yet answered, by request id. */
  readonly #waiting = new Map<number, number[]>();
  #spill: Spill<Parked> | undefined;
  #drained: (() => void) | undefined;
  #failed = false;
  #disposed = false;

  constructor(private readonly post: (req: CandidateRequest) => void) {}

  /** Pass 1, in row order: the candidates of this row will probably be shown. */
  ask(rowNumber: number, q: CandidateQuery): void {
    if (this.#failed) return;
    this.#rows.push(rowNumber);
    this.#queries.push(q);
    if (this.#rows.length >= BATCH) this.#send();
  }

  /** An answer from the candidate thread (answers arrive in the order of the requests). */
  receive(a: CandidateAnswer): void {
    const rows = this.#waiting.get(a.id);
    if (!rows || this.#disposed) return;
    this.#waiting.delete(a.id);
    if (a.answers === null) this.#failed = true;
    else {
      this.#spill ??= new Spill<Parked>();
      for (let i = 0; i < rows.length; i++) this.#spill.pushJson(`{"r":${rows[i]},"c":${a.answers[i]}}`);
    }
    if (this.#waiting.size === 0) this.#drained?.();
  }

  /**
   * End of pass 1: waits for the outstanding answers. The lookup takes row numbers in increasing
   * order (pass 2's order) and returns undefined for a row that has no answer.
   */
  async done(): Promise<(rowNumber: number) => Candidate[] | undefined> {
    if (this.#rows.length > 0) this.#send();
    if (this.#waiting.size > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    if (this.#failed || !this.#spill) return () => undefined;
    const items = this.#spill.items();
    let next = items.next();
    return (rowNumber) => {
      while (!next.done && !next.value.clean && next.value.row.r < rowNumber) next = items.next();
      if (next.done || next.value.clean || next.value.row.r !== rowNumber) return undefined;
      return next.value.row.c;
    };
  }

  /** The candidate thread is gone: pass 2 searches every row itself. */
  fail(): void {
    this.#failed = true;
    this.#waiting.clear();
    this.#drained?.();
  }

  dispose(): void {
    this.#disposed = true;
    this.#spill?.dispose();
    this.#spill = undefined;
  }

  #send(): void {
    const id = nextRequestId++;
    this.#waiting.set(id, this.#rows);
    this.post({ type: 'candidates', id, queries: this.#queries });
    this.#rows = [];
    this.#queries = [];
  }
}

/** Heap limits of the candidate thread: it keeps the id index (typed arrays, outside the heap) and one batch. */
const CANDIDATE_HEAP = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 };

/**
 * The conversion thread's handle on the candidate thread, kept for a whole batch of files and
 * started on the first row that needs candidates (a class file with none starts nothing).
 */
export class CandidateThread {
  #worker: Worker | undefined;
  #current: CandidatePrefetch | undefined;
  #dead = false;

  constructor(private readonly dbPath: string) {}

  /** The prefetch of the next file (one file at a time). */
  prefetch(): CandidatePrefetch {
    const p = new CandidatePrefetch((req) => this.#post(req));
    this.#current = p;
    if (this.#dead) p.fail();
    return p;
  }

  /**
   * Ends the thread after it has closed its connection: call before closing the conversion's own,
   * so the last connection to close is a writer, which removes the -wal and -shm files.
   */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    this.#dead = true;
    if (!w) return;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage({ type: 'close' } satisfies CandidateThreadMessage);
    await exited;
  }

  #post(req: CandidateRequest): void {
    if (this.#dead) return this.#current?.fail();
    this.#start().postMessage(req);
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./candidateWorker.js', import.meta.url), { workerData: { dbPath: this.dbPath }, resourceLimits: CANDIDATE_HEAP });
    w.on('message', (a: CandidateAnswer) => this.#current?.receive(a));
    // Out of memory, a crash: pass 2 searches for itself. Nothing the user must know.
    const fail = () => {
      this.#dead = true;
      this.#worker = undefined;
      this.#current?.fail();
    };
    w.on('error', fail);
    w.on('exit', fail);
    return (this.#worker = w);
  }
}
