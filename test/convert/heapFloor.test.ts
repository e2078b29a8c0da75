// The conversion thread's old-generation floor (src/convert/convertThread.ts): a thread started
// after applyOldGenerationFloor keeps tens of MB of promoted objects without a full collection,
// where the same thread without it collects again and again (what made batches of small school
// files spend a third of their CPU in GC).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_MB, oldGenerationFloorMb } from '../../src/convert/convertThread.js';

const convertThread = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../../dist/src/convert/convertThread.js')).href;

// Runs in a child process: starts a thread with the conversion thread's heap limits, which keeps
// ~20 MB of small objects alive (promoted to the old generation) and counts its full collections.
const program = (floor: boolean): string => `
const { Worker } = require('node:worker_threads');
import(${JSON.stringify(convertThread)}).then(({ applyOldGenerationFloor, convertHeapLimits }) => {
const limits = convertHeapLimits({});
if (${floor}) applyOldGenerationFloor(limits.maxOldGenerationSizeMb);
const code = \`
  const { parentPort } = require('node:worker_threads');
  const { PerformanceObserver, constants } = require('node:perf_hooks');
  let major = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
  }).observe({ entryTypes: ['gc'] });
  const kept = [];
  for (let i = 0; i < 200000; i++) kept.push({ id: 'G' + i, row: i, cells: [i, i + 1] });
  setTimeout(() => parentPort.postMessage({ major, kept: kept.length }), 50);
\`;
const w = new Worker(code, { eval: true, resourceLimits: limits });
w.once('message', (m) => { console.log(JSON.stringify(m)); w.terminate(); });
});
`;

async function majorCollections(floor: boolean): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', program(floor)]);
  const m = JSON.parse(stdout) as { major: number; kept: number };
  expect(m.kept).toBe(200_000);
  return m.major;
}

describe('old-generation floor of the conversion thread', () => {
  it('is 48 MB under the default cap and never more than half the cap', () => {
    expect(oldGenerationFloorMb(DEFAULT_HEAP_MB)).toBe(48);
    expect(oldGenerationFloorMb(80)).toBe(40);
    expect(oldGenerationFloorMb(1)).toBe(0);
    expect(oldGenerationFloorMb(4096)).toBe(48);
  });

  it('spares a thread holding ~20 MB the full collections it makes without it', async () => {
    const [without, withFloor] = await Promise.all([majorCollections(false), majorCollections(true)]);
    // Without the floor V8 collects each time the old generation grows 1.3× (twice here).
    expect(without).toBeGreaterThan(0);
    expect(withFloor).toBe(0);
  }, 60_000);
});
