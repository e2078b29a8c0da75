// Pass 1 on two threads. The conversion thread and a helper thread each open the same .xlsx, find
// the same header, and classify the data rows of alternate blocks of row numbers: the parser skips
// the other thread's rows without tokenising their cells (SheetParser.keep), so the two cores
// share the tokenising, normalising, matching and spilling that bound a conversion. The helper's
// spill and duplicate table come back to the conversion thread, which merges them with its own
// (MergedSpills, DuplicateTracker.merge) and writes every output in pass 2, as before.
//
// A helper thread serves one file and ends with its first pass, so that its heap (tens of MB once
// it has read half a district) is given back before pass 2 writes the outputs. Files under
// SPLIT_MIN_BYTES get none: starting a thread (~0.2 s) would cost more than it saves. It has its
// own read-only roster connection and the conversion thread's heap limits.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import type { CleanupChannel } from '../io/cleanup.js';
import type { OpenOptions } from '../io/open.js';
import type { HeaderMapping } from '../templates/headerMatch.js';
import { fromWire, type WireError } from '../threads/wire.js';
import { convertHeapLimits, threadError } from './convertThread.js';
import type { DuplicateTable } from './duplicates.js';
import type { HandedOverSpill } from './spill.js';

/** Rows per block: the threads take alternate blocks of row numbers (block 0 holds the header). */
export const SPLIT_BLOCK_ROWS = 256;

/** Files smaller than this (about 8,000 rows of a national template) are read by one thread. */
export const SPLIT_MIN_BYTES = 1024 * 1024;

/**
 * Threads for pass 1: SHILI_PASS1_THREADS (1 or 2), else 2 on a machine with four or more cores
 * and 1 below. On two cores the second thread does not pay (BENCHMARKS.md): pass 1 already keeps
 * ~1.6 cores busy with the garbage collector's and zlib's threads, so a 200k file gained ~10% of
 * wall time for ~25% more CPU and ~30–80 MB more memory, and a 50k file lost time.
 */
export function pass1Threads(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): 1 | 2 {
  const raw = env['SHILI_PASS1_THREADS']?.trim();
  if (raw === undefined || raw === '') return cores >= 4 ? 2 : 1;
  if (raw === '1' || raw === '2') return raw === '1' ? 1 : 2;
  throw new UsageError(`环境变量 SHILI_PASS1_THREADS 的值“${raw}”无效`, `只能是 1 或 2（第一遍读文件用几个线程）；不设置时，4 核及以上的机器用 2 个，否则用 1 个`);
}

/** The rows of `thread` (0: the conversion thread, 1: the helper). */
export function splitKeep(blockRows: number, thread: 0 | 1): (rowNumber: number) => boolean {
  return (rowNumber) => Math.floor(rowNumber / blockRows) % 2 === thread;
}

/** What both threads must have found, or their rows would not fit together. */
export function layoutKey(sheet: string, mapping: HeaderMapping): string {
  return `${sheet}\u0000${mapping.lastHeaderRow}\u0000${mapping.columns.map((c) => `${c.index}:${c.spec.field}`).join(',')}`;
}

export interface HelperWorkerData {
  dbPath: string;
  cleanup: CleanupChannel;
}

/** Conversion thread → helper. */
export type HelperRequest =
  /** Start opening `file` (header search, shared strings) while the conversion thread does the same. */
  | { op: 'open'; id: number; file: string; open: OpenOptions }
  /** Classify the helper's rows, if its layout has this key. */
  | { op: 'go'; id: number; key: string; blockRows: number; examDate: string | undefined }
  /**
   * Stop job `id` (the conversion failed or does not split); a spill handed over already is removed.
   * With `untilRow`, the helper first classifies its rows up to that row (see firstPass.ts).
   */
  | { op: 'abort'; id: number; untilRow?: number | undefined }
  /** The conversion thread adopted the spill at `path`: the helper no longer answers for it. */
  | { op: 'release'; path: string }
  | { op: 'close' };

/** The helper's share of pass 1 (see Pass1Result). */
export interface HelperResult {
  rowsRead: number;
  noData: number;
  hiddenRows: number[];
  /** Row numbers seen out of order (a row number not above the one before): the split cannot hold. */
  outOfOrder: boolean;
  spill: HandedOverSpill;
  duplicates: DuplicateTable;
}

/** Helper → conversion thread. */
export type HelperReply =
  | { type: 'progress'; id: number; rows: number }
  | { type: 'done'; id: number; result: HelperResult }
  /** Stopped by 'abort' before the end. */
  | { type: 'aborted'; id: number }
  | { type: 'failed'; id: number; error: WireError };

let nextJobId = 0;

/** A file's pass 1 on the helper, seen from the conversion thread. */
export class HelperJob {
  readonly id = ++nextJobId;
  rows = 0;
  #settled: Promise<HelperResult | null>;
  #resolve!: (r: HelperResult | null) => void;
  #reject!: (e: Error) => void;
  #finished = false;
  #abandoned = false;

  constructor(
    private readonly helper: Pass1Helper,
    readonly onProgress: () => void,
  ) {
    this.#settled = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Nobody may be waiting yet when it fails (the conversion thread is still reading its own rows).
    this.#settled.catch(() => undefined);
  }

  /** The layout the conversion thread found; the helper starts on its rows. */
  go(key: string, blockRows: number, examDate: string | undefined): void {
    this.helper.post({ op: 'go', id: this.id, key, blockRows, examDate });
  }

  /** The helper's result, or its error (a ShiliError located where its reading failed). */
  async result(): Promise<HelperResult> {
    const r = await this.#settled;
    if (!r) throw new Error('pass-1 helper job was abandoned');
    return r;
  }

  /** Once the helper has stopped working on this job; rejects with its error if it failed. */
  async stopped(): Promise<void> {
    await this.#settled;
  }

  /**
   * The spill of result() is now the conversion thread's (new Spill(result.spill)): the helper
   * ends. Resolves once it has, its heap given back before pass 2 allocates the writers.
   */
  adopted(path: string): Promise<void> {
    this.helper.post({ op: 'release', path });
    return this.helper.close();
  }

  /**
   * Stops the job (after its rows up to `untilRow`, when given); whatever it wrote is removed by the
   * helper. Safe to call at any time, more than once.
   */
  abandon(untilRow?: number): void {
    if (this.#abandoned) return;
    this.#abandoned = true;
    this.helper.post({ op: 'abort', id: this.id, untilRow });
  }

  settle(reply: { type: 'done'; result: HelperResult } | { type: 'aborted' } | { type: 'failed'; error: Error }): void {
    if (this.#finished) return;
    this.#finished = true;
    if (reply.type === 'failed') this.#reject(reply.error);
    else this.#resolve(reply.type === 'done' ? reply.result : null);
  }
}

/** The conversion thread's handle on one file's helper thread, started by start(). */
export class Pass1Helper {
  #worker: Worker | undefined;
  #exited: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #jobs = new Map<number, HelperJob>();

  constructor(private readonly data: HelperWorkerData) {}

  /**
   * Starts the helper on `file` when it is a zip (an .xlsx; CSV is read by the conversion thread
   * alone) of at least `minBytes`, so the helper opens it while the conversion thread does too.
   * Undefined otherwise. One file per helper.
   */
  start(file: string, open: OpenOptions | undefined, onProgress: () => void, minBytes = SPLIT_MIN_BYTES): HelperJob | undefined {
    if (this.#dead || this.#worker || !looksLikeZip(file) || sizeOf(file) < minBytes) return undefined;
    const job = new HelperJob(this, onProgress);
    this.#jobs.set(job.id, job);
    this.post({ op: 'open', id: job.id, file, open: open ?? {} });
    return job;
  }

  post(req: HelperRequest): void {
    if (!this.#dead && !this.#closing) this.#spawn().postMessage(req);
  }

  #spawn(): Worker {
    if (this.#worker) return this.#worker;
    // In a batch, the old-generation floor set process-wide for the conversion thread applies here too.
    const limits = convertHeapLimits();
    const worker = new Worker(new URL('./pass1Worker.js', import.meta.url), {
      workerData: this.data satisfies HelperWorkerData,
      // The cleanup port can cross only once: a helper that died is not started again (see #fail).
      transferList: [this.data.cleanup.port],
      resourceLimits: limits,
    });
    this.#worker = worker;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (reply: HelperReply) => {
      const job = this.#jobs.get(reply.id);
      if (!job) return;
      if (reply.type === 'progress') {
        job.rows = reply.rows;
        job.onProgress();
        return;
      }
      this.#jobs.delete(reply.id);
      job.settle(reply.type === 'failed' ? { type: 'failed', error: fromWire(reply.error) } : reply);
    });
    worker.on('error', (err) => this.#fail(threadError(err, limits.maxOldGenerationSizeMb)));
    worker.on('exit', () => this.#fail(new Error('pass-1 helper thread exited')));
    return worker;
  }

  #fail(err: Error): void {
    if (this.#dead) return;
    this.#dead = err;
    for (const job of this.#jobs.values()) job.settle({ type: 'failed', error: err });
    this.#jobs.clear();
  }

  /** Set once the helper died (out of memory, say): the main thread removes what it left. */
  #dead: Error | undefined;

  /**
   * Closes the helper's roster connection and ends the thread, after the messages posted before.
   * Safe to call more than once.
   */
  close(): Promise<void> {
    if (!this.#worker) return Promise.resolve();
    if (!this.#closing) {
      if (!this.#dead) this.#worker.postMessage({ op: 'close' } satisfies HelperRequest);
      this.#closing = this.#exited!;
    }
    return this.#closing;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The zip signature ("PK\x03\x04") at the start of the file; false when it cannot be read. */
function looksLikeZip(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
