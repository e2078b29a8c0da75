// Where the installed package lives, so bundled templates are found from src/ (tests) and dist/src/ (built CLI) alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('shili: package root not found');
    dir = up;
  }
}
