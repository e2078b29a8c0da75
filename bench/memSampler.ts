// Preloaded with `node --import` into one shili run: samples process.memoryUsage() every 50 ms
// and, at exit, writes the sample with the highest RSS to SHILI_BENCH_MEM_FILE. Splits peak RSS
// into the V8 heaps, memory V8 knows of outside them (Buffers), and the rest: native allocations
// such as SQLite's page cache and zlib's state, plus code and thread stacks.
//
// The preload runs in every thread (workers inherit --import). Heap figures are per thread, RSS is
// the process's: each worker posts its figures on a BroadcastChannel and the main thread adds
// them to its own at every sample.
import { writeFileSync } from 'node:fs';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

export interface MemPeak {
  rss: number;
  /** The V8 heaps of all threads alive at the peak. */
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** rss − heapTotal − external: native memory V8 does not account for. */
  native: number;
  /** Threads with a V8 heap at the peak (1 + workers). */
  threads: number;
  /** Milliseconds after start when the peak was seen. */
  atMs: number;
}

interface ThreadMem {
  threadId: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  gone?: true;
}

const file = process.env.SHILI_BENCH_MEM_FILE;
if (file) {
  const channel = new BroadcastChannel('shili-bench-mem');
  channel.unref();
  const own = (): ThreadMem => {
    const m = process.memoryUsage();
    return { threadId, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
  };
  if (!isMainThread) {
    setInterval(() => channel.postMessage(own()), 50).unref();
    process.on('exit', () => {
      channel.postMessage({ ...own(), gone: true });
      channel.close();
    });
  } else {
    const workers = new Map<number, ThreadMem>();
    channel.onmessage = (e) => {
      const m = (e as unknown as { data: ThreadMem }).data;
      if (m.gone) workers.delete(m.threadId);
      else workers.set(m.threadId, m);
    };
    const t0 = performance.now();
    let peak: MemPeak | undefined;
    const sample = (): void => {
      const rss = process.memoryUsage.rss();
      if (peak && rss <= peak.rss) return;
      const all = [own(), ...workers.values()];
      const sum = (k: 'heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers') => all.reduce((s, m) => s + m[k], 0);
      const heapTotal = sum('heapTotal');
      const external = sum('external');
      peak = {
        rss,
        heapUsed: sum('heapUsed'),
        heapTotal,
        external,
        arrayBuffers: sum('arrayBuffers'),
        native: rss - heapTotal - external,
        threads: all.length,
        atMs: performance.now() - t0,
      };
    };
    setInterval(sample, 50).unref();
    process.on('exit', () => {
      sample();
      channel.close();
      writeFileSync(file, JSON.stringify(peak));
    });
  }
}
