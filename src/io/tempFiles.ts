// Private scratch files (they hold student data): created 0600, removed on success, failure, Ctrl-C and exit.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const p of live) {
    try {
      unlinkSync(p);
    } catch {
      /* already gone */
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  process.removeListener(signal, onSignal);
  // Keep the default outcome (exit 128+n) unless another part of shili handles the signal too.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Creates an empty scratch file readable by its owner only; returns its path and an open fd. */
export function createTempFile(label: string): { path: string; fd: number } {
  hook();
  const path = join(tmpdir(), `shili-${label}-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(path, 'wx+', 0o600);
  live.add(path);
  return { path, fd };
}

export function removeTempFile(path: string, fd?: number): void {
  if (fd !== undefined) {
    try {
      closeSync(fd);
    } catch {
      /* closed already */
    }
  }
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
  live.delete(path);
}
