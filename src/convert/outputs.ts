// Where a conversion writes, and the guard that nothing is overwritten without --force.
import { existsSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ShiliError } from '../errors.js';

export const OUTPUT_KINDS = {
  cityUpload: 'city-upload',
  cityTemplate: 'city-template',
  unmatched: 'unmatched',
} as const;
export type OutputKind = keyof typeof OUTPUT_KINDS;

/** Final paths of a conversion's outputs: <out>/<stem>.<kind>.xlsx, beside the input by default. */
export function outputPaths(input: string, outDir?: string): Record<OutputKind, string> {
  const dir = resolve(outDir ?? dirname(input));
  const stem = basename(input, extname(input));
  const paths = {} as Record<OutputKind, string>;
  for (const [kind, suffix] of Object.entries(OUTPUT_KINDS) as [OutputKind, string][]) {
    paths[kind] = join(dir, `${stem}.${suffix}.xlsx`);
  }
  return paths;
}

/** Refuses to start when an output already exists, unless --force. Runs before anything is read or written. */
export function assertOutputsFree(input: string, paths: Record<OutputKind, string>, force: boolean): void {
  if (force) return;
  const existing = Object.values(paths).filter((p) => existsSync(p));
  if (existing.length) {
    throw new ShiliError('OUTPUT_EXISTS', `输出文件已存在：${existing.join('、')}`, {
      location: { file: input },
      hint: '为避免覆盖，shili 没有写任何文件。确认可以覆盖时加 --force，或用 --out 指定别的文件夹',
    });
  }
}

/** With --force, an output this run did not write is removed so the folder shows only this run's result. */
export function removeStale(paths: Record<OutputKind, string>, written: Partial<Record<OutputKind, string>>): void {
  for (const kind of Object.keys(paths) as OutputKind[]) {
    if (!written[kind] && existsSync(paths[kind])) unlinkSync(paths[kind]);
  }
}
