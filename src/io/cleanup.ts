// One place that removes scratch and temp files when shili is interrupted (SIGINT, SIGTERM) or
// exits: the files hold student data. Handlers run synchronously, newest first; then the signal's
// default outcome (exit 128+n) happens as if shili had not been listening.

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
export function onCleanup(fn: Cleanup): () => void {
  cleanups.add(fn);
  install();
  return () => {
    cleanups.delete(fn);
    if (cleanups.size === 0) uninstall();
  };
}
