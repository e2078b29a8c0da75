// The main thread's side of a conversion that runs on a worker thread (convertWorker.ts).
//
// Why a thread: V8 lets a heap grow with the allocation rate, not with what is alive. A
// conversion keeps ~20 MiB alive however large the file, but an unlimited heap peaks at 5–8 times
// that and grows with the file. A worker can be given heap limits (command-line flags could too,
// but they cannot be set once node runs); see BENCHMARKS.md "Memory".
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { ShiliError, UsageError } from '../errors.js';
import { WorkerCleanups, type CleanupChannel } from '../io/cleanup.js';
import { fromWire, type WireError } from '../threads/wire.js';
import type { TemplateSpec } from '../templates/spec.js';
import type { ConvertOptions, ConvertSummary } from './nationalToCity.js';
import { pass1Threads } from './pass1Thread.js';

/**
 * Heap limits of the conversion thread. Old generation: ~10× what a conversion keeps alive, for
 * files with many merged cells or hidden rows; SHILI_HEAP_MB raises it for a file that needs more.
 * Young generation: 12 MB. At 200k rows, 6 MB meant ~830 scavenges and ~1.0 s of GC pauses, 12 MB
 * ~420 and ~0.77 s for ~5 MB more RSS; 24–48 MB saved no more time and cost more memory.
 */
export const DEFAULT_HEAP_MB = 192;
const YOUNG_GENERATION_MB = 12;

/**
 * Old generation below which the conversion thread's heap does no full collection, for a batch of
 * files. Under a cap as small as ours V8 lets the heap grow only 1.3× past what survived the last
 * full collection, so a conversion keeping 13 MB alive collected at every ~4 MB promoted: two full
 * collections per 2,000-row school file, ~30% of a batch's CPU. With a 48 MB floor a batch of 100
 * such files took ~30% less CPU. A single file gains less (~8% CPU at 200k) and a big one pays in
 * memory (+12–16 MB at 500k, which broke the 500k/50k flat-memory target), so one file gets no
 * floor; 64 MB cost 17–25 MB more again (BENCHMARKS.md).
 */
const OLD_GENERATION_FLOOR_MB = 48;

/** The floor for a heap capped at `maxOldMb`: at most half the cap, so the cap still means what it says. */
export function oldGenerationFloorMb(maxOldMb: number): number {
  return Math.min(OLD_GENERATION_FLOOR_MB, Math.floor(maxOldMb / 2));
}

let floorSet = -1;

/**
 * Sets the floor for isolates created from now on. V8 reads --initial-old-space-size when it
 * creates an isolate, and resource limits cannot carry it, so it is set process-wide just before a
 * batch's conversion thread starts (its pass-1 helpers, started later, get it too); threads
 * already running keep theirs.
 */
export function applyOldGenerationFloor(maxOldMb: number): void {
  const mb = oldGenerationFloorMb(maxOldMb);
  if (mb === floorSet) return;
  setFlagsFromString(`--initial-old-space-size=${mb}`);
  floorSet = mb;
}

export function convertHeapLimits(env: NodeJS.ProcessEnv = process.env): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  const raw = env['SHILI_HEAP_MB'];
  if (raw === undefined || raw === '') return { maxOldGenerationSizeMb: DEFAULT_HEAP_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
  const mb = /^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : 0;
  if (mb < 1) throw new UsageError(`环境变量 SHILI_HEAP_MB 的值“${raw}”不是正整数（单位 MB）`, `例如 SHILI_HEAP_MB=1024；不设置时为 ${DEFAULT_HEAP_MB}`);
  return { maxOldGenerationSizeMb: mb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
}

/** The options that cross to the worker: plain data only. */
export type ThreadConvertOptions = Omit<ConvertOptions, 'roster' | 'cityTemplate' | 'onProgress' | 'pass1Helper'>;

export interface ConvertWorkerData {
  dbPath: string;
  /** Threads for pass 1 (pass1Thread.ts pass1Threads), decided on the main thread, where a bad value can be reported. */
  pass1Threads: 1 | 2;
  /** Tier 2's layout, resolved by the command (plain data, cloned to the worker). */
  cityTemplate: TemplateSpec;
  cleanup: CleanupChannel;
}

export type ConvertRequest =
  /** `helperCleanup`: the temp-file channel of this file's pass-1 helper thread, if it gets one (pass1Thread.ts). */
  | { op: 'convert'; file: string; options: ThreadConvertOptions; helperCleanup: CleanupChannel }
  | { op: 'close' };

export type ConvertReply =
  | { type: 'ready' }
  | { type: 'progress'; rows: number }
  | { type: 'done'; summary: ConvertSummary }
  | { type: 'failed'; error: WireError };

interface Pending {
  resolve: (s: ConvertSummary | undefined) => void;
  reject: (e: unknown) => void;
  onProgress?: ((rows: number) => void) | undefined;
}

export class ConvertThread {
  readonly #worker: Worker;
  readonly #cleanups = new WorkerCleanups();
  /** The temps of the current file's pass-1 helper thread. */
  #helperCleanups: WorkerCleanups | undefined;
  #pending: Pending | undefined;
  #dead: Error | undefined;

  private constructor(data: Omit<ConvertWorkerData, 'cleanup' | 'pass1Threads'>, batch: boolean) {
    const limits = convertHeapLimits();
    const threads = pass1Threads();
    if (batch) applyOldGenerationFloor(limits.maxOldGenerationSizeMb);
    this.#worker = new Worker(new URL('./convertWorker.js', import.meta.url), {
      workerData: { ...data, pass1Threads: threads, cleanup: this.#cleanups.channel } satisfies ConvertWorkerData,
      transferList: [this.#cleanups.channel.port],
      resourceLimits: limits,
    });
    this.#worker.on('message', (reply: ConvertReply) => {
      const p = this.#pending;
      if (!p) return;
      if (reply.type === 'progress') return p.onProgress?.(reply.rows);
      this.#pending = undefined;
      if (reply.type === 'failed') p.reject(fromWire(reply.error));
      else p.resolve(reply.type === 'done' ? reply.summary : undefined);
    });
    this.#worker.on('error', (err) => this.#die(threadError(err, limits.maxOldGenerationSizeMb)));
    this.#worker.on('exit', () => this.#die(new Error('conversion worker exited')));
  }

  /**
   * Starts the worker, which opens the roster and checks it is not empty. `batch`: it will convert
   * more than one file, and gets the old-generation floor (applyOldGenerationFloor).
   */
  static async open(data: Omit<ConvertWorkerData, 'cleanup' | 'pass1Threads'>, { batch = false } = {}): Promise<ConvertThread> {
    const thread = new ConvertThread(data, batch);
    try {
      await thread.#await();
    } catch (err) {
      await thread.close();
      throw err;
    }
    return thread;
  }

  /** False once the worker has died (out of memory, say): open a new one for the next file. */
  get alive(): boolean {
    return !this.#dead;
  }

  async convert(file: string, options: ThreadConvertOptions, onProgress?: (rows: number) => void): Promise<ConvertSummary> {
    if (this.#dead) throw this.#dead;
    const reply = this.#await(onProgress);
    // Each file's helper thread gets a channel of its own: the thread ends with the file (its
    // memory with it), and whatever temps it left are removed once the file is done.
    const helper = (this.#helperCleanups = new WorkerCleanups());
    this.#worker.postMessage({ op: 'convert', file, options, helperCleanup: helper.channel } satisfies ConvertRequest, [helper.channel.port]);
    try {
      return (await reply)!;
    } finally {
      helper.removeAll();
      helper.close();
      this.#helperCleanups = undefined;
    }
  }

  /** Closes the worker's database and ends the thread. */
  async close(): Promise<void> {
    if (!this.#dead) this.#worker.postMessage({ op: 'close' } satisfies ConvertRequest);
    await new Promise<void>((resolve) => {
      if (this.#dead) return resolve();
      this.#worker.once('exit', () => resolve());
    });
    this.#cleanups.removeAll();
    this.#cleanups.close();
  }

  #await(onProgress?: (rows: number) => void): Promise<ConvertSummary | undefined> {
    return new Promise((resolve, reject) => (this.#pending = { resolve, reject, onProgress }));
  }

  #die(err: Error): void {
    if (this.#dead) return;
    this.#dead = err;
    // Whatever the worker was writing is incomplete: its temps go now, not at exit.
    this.#cleanups.removeAll();
    this.#helperCleanups?.removeAll();
    const p = this.#pending;
    this.#pending = undefined;
    p?.reject(err);
  }
}

/** A worker's 'error' event as the user should read it (out of memory is said in Chinese). */
export function threadError(err: Error, heapMb: number): Error {
  if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ShiliError('OUT_OF_MEMORY', `转换时内存不足（上限 ${heapMb} MB），正在转换的文件没有写出任何结果文件`, {
      hint: `请设置环境变量 SHILI_HEAP_MB=${Math.max(1024, heapMb * 2)} 后重新转换这个文件（单位 MB，默认 ${DEFAULT_HEAP_MB}），并把这个情况报告给维护者`,
      cause: err,
    });
  }
  return err;
}
