// Optional outside tools (openpyxl, LibreOffice) that write workbooks the way
// other generators do. They exist on developer machines, not on CI: callers
// skip their tests when these return undefined.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A python3 that can import openpyxl (pyenv shims often lack Debian's packages). */
export const pythonWithOpenpyxl: string | undefined = ['python3', '/usr/bin/python3'].find(
  (py) => spawnSync(py, ['-c', 'import openpyxl'], { stdio: 'ignore', timeout: 20_000 }).status === 0,
);

export const soffice: string | undefined = ['soffice', 'libreoffice'].find(
  (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0,
);

/** Runs a Python script with openpyxl; returns its stdout. */
export function runPython(script: string, args: string[] = []): string {
  if (!pythonWithOpenpyxl) throw new Error('openpyxl not available');
  return execFileSync(pythonWithOpenpyxl, ['-c', script, ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Converts with LibreOffice headless in its own profile (parallel runs would clash); returns the output path. */
export function convertWithSoffice(input: string, format: string, outDir: string): string {
  if (!soffice) throw new Error('LibreOffice not available');
  const profile = mkdtempSync(join(tmpdir(), 'lo_'));
  try {
    execFileSync(soffice, [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', format, '--outdir', outDir, input], {
      stdio: 'ignore',
      timeout: 60_000,
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  const ext = format.split(':')[0]!;
  const base = input.split('/').pop()!.replace(/\.[^.]+$/, '');
  const out = readdirSync(outDir).find((f) => f === `${base}.${ext}`);
  if (!out) throw new Error(`LibreOffice did not write ${base}.${ext}`);
  return join(outDir, out);
}
