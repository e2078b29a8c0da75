// One place that removes scratch and temp files when shili is interrupted (SIGINT, SIGTERM) or
// exits: the files hold student data. Handlers run synchronously, newest first; then the signal's
// default outcome (exit 128+n) happens as if shili had not been listening.
import { rmSync } from 'node:fs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;

function runAll(): void {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // Best effort while the process is going down.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  uninstall();
  // Re-raise: with no listener left, the default action ends the process with 128+n. Another
  // listener (a spinner restoring the cursor) keeps the say over what happens next.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', runAll);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/** Runs `fn` on SIGINT, SIGTERM or exit, unless the returned function is called first. */
function onCleanup(fn: Cleanup): () => void {
  cleanups.add(fn);
  install();
  return () => {
    cleanups.delete(fn);
    if (cleanups.size === 0) uninstall();
  };
}

/** Removes a file, ignoring one that is gone already. */
function removeFileSync(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Best effort while the process is going down.
  }
}

// --- Temp files across threads ---------------------------------------------------------------
// Signals reach only the main thread, so a worker thread (the conversion runs in one, under a
// heap limit) cannot remove its own temp files on Ctrl-C. A worker set up with forwardCleanups()
// registers each path with the main thread instead, and waits for the main thread to acknowledge
// it before the file is created: there is no moment at which a file exists that Ctrl-C would miss.

/** What a worker needs to register its temp files with the main thread. */
export interface CleanupChannel {
  port: MessagePort;
  /** One Int32: 0 while a registration waits, 1 once the main thread has it. */
  ack: SharedArrayBuffer;
}

type CleanupMessage = { add: string } | { release: string };

/** How long a worker waits for the main thread before creating the file anyway. */
const ACK_TIMEOUT_MS = 10_000;

let forward: { port: MessagePort; ack: Int32Array } | undefined;

/** In a worker thread: from now on removeOnExit() registers paths with the main thread. */
export function forwardCleanups(channel: CleanupChannel): void {
  forward = { port: channel.port, ack: new Int32Array(channel.ack) };
}

/**
 * Removes `path` (a temp file: it holds student data) on SIGINT, SIGTERM or exit, unless the
 * returned function is called first. Call it before creating the file.
 */
export function removeOnExit(path: string): () => void {
  const f = forward;
  if (!f) return onCleanup(() => removeFileSync(path));
  Atomics.store(f.ack, 0, 0);
  f.port.postMessage({ add: path } satisfies CleanupMessage);
  Atomics.wait(f.ack, 0, 0, ACK_TIMEOUT_MS);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    f.port.postMessage({ release: path } satisfies CleanupMessage);
  };
}

/** The main thread's side of a worker's temp files. */
export class WorkerCleanups {
  readonly channel: CleanupChannel;
  private readonly port: MessagePort;
  private readonly ack: Int32Array;
  private readonly held = new Map<string, () => void>();

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.ack = new Int32Array(new SharedArrayBuffer(4));
    this.channel = { port: port2, ack: this.ack.buffer as SharedArrayBuffer };
    port1.on('message', (m: CleanupMessage) => {
      if ('add' in m) {
        this.held.set(m.add, removeOnExit(m.add));
        Atomics.store(this.ack, 0, 1);
        Atomics.notify(this.ack, 0);
      } else {
        this.held.get(m.release)?.();
        this.held.delete(m.release);
      }
    });
    // The worker keeps the process alive while it runs; this port must not.
    port1.unref();
  }

  /** After the worker ended in any way: its temps that were not released are removed now. */
  removeAll(): void {
    for (const [path, release] of this.held) {
      removeFileSync(path);
      release();
    }
    this.held.clear();
  }

  close(): void {
    this.port.close();
  }
}
