// Preloaded with `node --import` into node children when GNU time is missing: at exit, writes
// the process's own peak RSS and CPU time (process.resourceUsage, i.e. getrusage) for measure.ts.
import { writeFileSync } from 'node:fs';

const file = process.env.SHILI_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 }));
  });
}
