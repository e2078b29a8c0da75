// Open file descriptors of this process (Linux), for tests that a reader closes what it opened.
import { readdirSync } from 'node:fs';

export const openFds = (): number => readdirSync('/proc/self/fd').length;

/**
 * Closing is asynchronous (a stream's close runs on the thread pool), and a loaded machine can
 * take a while: wait until the count is back to `before`, at most `ms`, then return it. A leak
 * never comes back, so the assertion after this still fails on one.
 */
export async function fdsSettled(before: number, ms = 5000): Promise<number> {
  const deadline = Date.now() + ms;
  while (openFds() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return openFds();
}
