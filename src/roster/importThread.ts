// The roster import transaction on a worker thread (importWorker.ts): SQLite inserts one batch
// of students while the main thread reads and normalises the next. The binding and B-tree work
// is about half of an import's CPU time, so on two cores this is the largest single saving.
//
// One reply per request, in order; at most MAX_IN_FLIGHT batches wait in the worker's queue, so
// memory stays flat when SQLite is the slower side.
import { Worker } from 'node:worker_threads';
import type { ImportResult } from '../db/roster.js';
import { fromWire, type WireError } from '../threads/wire.js';
import type { Student } from '../model/record.js';

const MAX_IN_FLIGHT = 8;

/** The fields the database stores, in this order (the worker adds the name key). */
export type StudentTuple = [string | null, string | null, string | null, string | null, string | null, string | null, string | null, string | null];

export function toTuple(s: Student): StudentTuple {
  return [s.studentId, s.idCardNumber, s.name, s.sex, s.birthDate, s.schoolName, s.gradeName, s.className];
}

export function fromTuple(t: StudentTuple): Student {
  return {
    studentId: t[0], idCardNumber: t[1], name: t[2], sex: t[3] as Student['sex'], birthDate: t[4],
    ethnicityCode: null, address: null, schoolName: t[5], gradeCode: null, gradeName: t[6], classCode: null, className: t[7],
  };
}

export type Request =
  | { op: 'begin'; sourceFile: string }
  | { op: 'add'; rows: StudentTuple[] }
  | { op: 'commit' }
  | { op: 'rollback' }
  | { op: 'close' };

export type Reply = { ok: true; value?: ImportResult } | { ok: false; error: WireError };

/** The main thread's side: an ImportSink whose work happens in the worker. */
export class ImportThread {
  readonly #worker: Worker;
  readonly #waiting: { resolve: (r: ImportResult | undefined) => void; reject: (e: unknown) => void }[] = [];
  readonly #inFlight: Promise<unknown>[] = [];
  #dead: Error | undefined;

  private constructor(dbPath: string) {
    this.#worker = new Worker(new URL('./importWorker.js', import.meta.url), { workerData: { dbPath } });
    this.#worker.on('message', (reply: Reply) => {
      const w = this.#waiting.shift();
      if (reply.ok) w?.resolve(reply.value);
      else w?.reject(fromWire(reply.error));
    });
    const die = (err: Error) => {
      this.#dead ??= err;
      for (const w of this.#waiting.splice(0)) w.reject(err);
    };
    this.#worker.on('error', die);
    this.#worker.on('exit', () => die(new Error('roster import worker exited')));
  }

  /** Starts the worker, which opens the database (created and migrated already by the caller). */
  static async open(dbPath: string): Promise<ImportThread> {
    const thread = new ImportThread(dbPath);
    try {
      await thread.#reply();
    } catch (err) {
      await thread.close();
      throw err;
    }
    return thread;
  }

  async begin(info: { sourceFile: string }): Promise<this> {
    await this.#request({ op: 'begin', sourceFile: info.sourceFile });
    return this;
  }

  /** Queues a batch (copied at once: the caller may reuse the array); waits only when the worker is behind. */
  async add(students: readonly Student[]): Promise<void> {
    const sent = this.#request({ op: 'add', rows: students.map(toTuple) });
    sent.catch(() => undefined); // surfaces when awaited below or by commit()
    this.#inFlight.push(sent);
    while (this.#inFlight.length > MAX_IN_FLIGHT) await this.#inFlight.shift();
  }

  async commit(): Promise<ImportResult> {
    for (const p of this.#inFlight.splice(0)) await p;
    return (await this.#request({ op: 'commit' }))!;
  }

  async rollback(): Promise<void> {
    await Promise.allSettled(this.#inFlight.splice(0));
    if (!this.#dead) await this.#request({ op: 'rollback' });
  }

  /** Closes the worker's database (rolling back anything uncommitted) and ends the thread. */
  async close(): Promise<void> {
    if (!this.#dead) await this.#request({ op: 'close' }).catch(() => undefined);
    await this.#worker.terminate();
  }

  #request(req: Request): Promise<ImportResult | undefined> {
    if (this.#dead) return Promise.reject(this.#dead);
    this.#worker.postMessage(req);
    return this.#reply();
  }

  #reply(): Promise<ImportResult | undefined> {
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }
}
