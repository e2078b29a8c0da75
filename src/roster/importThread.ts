// The roster import transaction on a worker thread (importWorker.ts): SQLite inserts one batch
// of students while the main thread reads and normalises the next. The binding and B-tree work
// is about half of an import's CPU time, so on two cores this is the largest single saving.
//
// One reply per request, in order; at most MAX_IN_FLIGHT batches wait in the worker's queue, so
// memory stays flat when SQLite is the slower side.
import { Worker } from 'node:worker_threads';
import { packStudents, type ImportResult } from '../db/roster.js';
import { fromWire, type WireError } from '../threads/wire.js';
import type { Student } from '../model/record.js';

const MAX_IN_FLIGHT = 8;

export type Request =
  | { op: 'open'; dbPath: string }
  | { op: 'begin'; sourceFile: string }
  /** PACKED_FIELDS values per student, one after another. */
  | { op: 'add'; packed: (string | null)[] }
  | { op: 'commit' }
  | { op: 'rollback' }
  | { op: 'close' };

export type Reply = { ok: true; value?: ImportResult } | { ok: false; error: WireError };

/** The main thread's side: an ImportSink whose work happens in the worker. */
export class ImportThread {
  readonly #worker: Worker;
  readonly #waiting: { resolve: (r: ImportResult | undefined) => void; reject: (e: unknown) => void }[] = [];
  readonly #inFlight: Promise<unknown>[] = [];
  /** Reused for every batch: postMessage copies it. */
  readonly #packed: (string | null)[] = [];
  #dead: Error | undefined;

  private constructor() {
    this.#worker = new Worker(new URL('./importWorker.js', import.meta.url));
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

  /**
   * Starts the worker thread: it loads its modules (~0.2 s) while the caller opens the roster
   * file. Then open() it; close() it in any case.
   */
  static start(): ImportThread {
    return new ImportThread();
  }

  /** Opens the database in the worker (created and migrated already by the caller). */
  async open(dbPath: string): Promise<void> {
    await this.#request({ op: 'open', dbPath });
  }

  async begin(info: { sourceFile: string }): Promise<this> {
    await this.#request({ op: 'begin', sourceFile: info.sourceFile });
    return this;
  }

  /** Queues a batch (copied at once: the caller may reuse the array); waits only when the worker is behind. */
  async add(students: readonly Student[]): Promise<void> {
    const packed = this.#packed;
    packStudents(students, packed);
    const sent = this.#request({ op: 'add', packed });
    packed.length = 0;
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
