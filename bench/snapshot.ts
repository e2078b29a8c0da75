// The shili under test, frozen for the whole benchmark: a copy of bin/, dist/src/, templates/ and
// package.json in bench-data/shili-under-test/. A rebuild of dist/ while the benchmark runs (a
// 30-minute job on a shared checkout) then cannot mix two versions of the code in one table.
// Dependencies still resolve from the checkout's node_modules, one folder up the tree.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Snapshot {
  /** bin/shili.js inside the copy. */
  shili: string;
  /** SHA-256 over the copied dist/src/**.js, to tell two results' code apart. */
  codeHash: string;
  git: { commit: string; dirtyFiles: number } | null;
}

export function snapshotShili(root: string, dataDir: string): Snapshot {
  const dest = join(dataDir, 'shili-under-test');
  if (!existsSync(join(root, 'dist/src/cli.js'))) throw new Error('dist/src/cli.js is missing: run npm run build first');
  rmSync(dest, { recursive: true, force: true });
  for (const part of ['bin', 'dist/src', 'templates', 'package.json']) cpSync(join(root, part), join(dest, part), { recursive: true });
  return { shili: join(dest, 'bin/shili.js'), codeHash: hashTree(join(dest, 'dist/src')), git: gitState(root) };
}

function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.js')) hash.update(relative(dir, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/** Read-only git queries: the commit and how many files differ from it. */
function gitState(root: string): Snapshot['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' });
    return { commit, dirtyFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return null;
  }
}
