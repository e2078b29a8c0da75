// Preloaded with `node --import` into node children when GNU time is missing: at exit, writes
// the process's own peak RSS and CPU time (process.resourceUsage, i.e. getrusage) for measure.ts.
// Workers inherit the preload; only the main thread reports (getrusage covers every thread).
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.SHILI_BENCH_RSS_FILE;
if (file && isMainThread) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 }));
  });
}
