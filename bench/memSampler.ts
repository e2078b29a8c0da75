// Preloaded with `node --import` into one shili run: samples process.memoryUsage() every 50 ms
// and, at exit, writes the sample with the highest RSS to SHILI_BENCH_MEM_FILE. Splits peak RSS
// into the V8 heap, memory V8 knows of outside it (Buffers), and the rest: native allocations
// such as SQLite's page cache and zlib's state, plus code and thread stacks.
import { writeFileSync } from 'node:fs';

export interface MemPeak {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** rss − heapTotal − external: native memory V8 does not account for. */
  native: number;
  /** Milliseconds after start when the peak was seen. */
  atMs: number;
}

const file = process.env.SHILI_BENCH_MEM_FILE;
if (file) {
  const t0 = performance.now();
  let peak: MemPeak | undefined;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (!peak || m.rss > peak.rss) {
      peak = { ...m, native: m.rss - m.heapTotal - m.external, atMs: performance.now() - t0 };
    }
  };
  setInterval(sample, 50).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(file, JSON.stringify(peak));
  });
}
