// Temp files of a worker thread: the main thread removes them when the worker dies (out of memory
// here), and leaves alone the ones the worker released. The worker runs the built module, as the
// CLI's conversion thread does (npm test builds first); this side runs the source.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerCleanups } from '../../src/io/cleanup.js';
import { tempDir } from '../helpers/cli.js';

const cleanupModule = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../../dist/src/io/cleanup.js')).href;

/** A worker that registers `kept` and `released`, creates both, releases one, then runs `then`. */
function startWorker(cleanups: WorkerCleanups, kept: string, released: string, then: string): Worker {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { writeFileSync } = require('node:fs');
    import(${JSON.stringify(cleanupModule)}).then(({ forwardCleanups, removeOnExit }) => {
      forwardCleanups(workerData.cleanup);
      removeOnExit(workerData.kept);
      writeFileSync(workerData.kept, 'student data');
      const release = removeOnExit(workerData.released);
      writeFileSync(workerData.released, 'finished output');
      release();
      parentPort.postMessage('made');
      ${then}
    });`;
  return new Worker(code, {
    eval: true,
    workerData: { cleanup: cleanups.channel, kept, released },
    transferList: [cleanups.channel.port],
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
}

let cleanups: WorkerCleanups | undefined;
afterEach(() => cleanups?.close());

describe('WorkerCleanups', () => {
  it('removes the temps of a worker that ran out of memory, and keeps the one it released', async () => {
    const dir = tempDir('shili-wc-');
    const kept = join(dir, 'kept.tmp');
    const released = join(dir, 'released.tmp');
    cleanups = new WorkerCleanups();
    const worker = startWorker(cleanups, kept, released, 'const hog = []; for (;;) hog.push(new Array(1e5).fill({}));');
    let made = false;
    worker.on('message', () => (made = true));
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => worker.once('error', resolve));
    expect(err.code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    expect(made).toBe(true);
    expect(existsSync(kept)).toBe(true);
    cleanups.removeAll();
    expect(existsSync(kept)).toBe(false);
    expect(existsSync(released)).toBe(true);
  });

  it('holds the worker until the main thread has the path, so the file never exists unregistered', async () => {
    const dir = tempDir('shili-wc-');
    const kept = join(dir, 'kept.tmp');
    const released = join(dir, 'released.tmp');
    cleanups = new WorkerCleanups();
    const worker = startWorker(cleanups, kept, released, 'setTimeout(() => process.exit(0), 10);');
    await new Promise((resolve) => worker.once('exit', resolve));
    // The worker exited on its own, without removing anything: the main thread still knows the path.
    writeFileSync(join(dir, 'unrelated.tmp'), 'x');
    cleanups.removeAll();
    expect(existsSync(kept)).toBe(false);
    expect(existsSync(released)).toBe(true);
    expect(existsSync(join(dir, 'unrelated.tmp'))).toBe(true);
  });
});
