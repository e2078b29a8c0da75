// Temp files a killed shili left behind (SIGKILL, power loss: no chance to clean up). Each name
// carries the pid that wrote it; a later run removes those whose writer is gone and which nobody
// has touched for an hour. The hour covers a folder shared between machines or containers,
// where a live writer elsewhere looks dead from here: a running shili writes its temps
// continuously, so its files are never that old.
import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export const STALE_AFTER_MS = 60 * 60 * 1000;

const swept = new Set<string>();

/**
 * Removes files in `dir` whose name matches `pattern` (group 1: the writer's pid), once per folder
 * and process. Never throws: a folder we cannot read or a file we cannot remove is left alone.
 * Returns how many files were removed.
 */
export function sweepStaleTemps(dir: string, pattern: RegExp, now = Date.now()): number {
  const key = `${dir}\0${pattern.source}`;
  if (swept.has(key)) return 0;
  swept.add(key);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  const uid = process.getuid?.();
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isFile() || (uid !== undefined && st.uid !== uid) || now - st.mtimeMs < STALE_AFTER_MS) continue;
      unlinkSync(path);
      removed++;
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
