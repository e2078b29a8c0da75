// Colour and progress, gated so that pipes, CI logs and --json output stay clean.
import chalk from 'chalk';

/** chalk 5 ignores NO_COLOR by design (LIBRARIES.md), so honour it here once. */
export function configureColor(): void {
  if (process.env.NO_COLOR) chalk.level = 0;
}

export { chalk };

export interface Progress {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

const MIN_SPINNER_COLUMNS = 20;

const silent: Progress = { update() {}, succeed() {}, fail() {}, stop() {} };

/**
 * A spinner on stderr only for a person at a terminal: never with --json, in CI, or when piped.
 * ora is loaded only then: it is a seventh of start-up time, which nightly batches pay per file.
 */
export async function startProgress(text: string, opts: { json: boolean }): Promise<Progress> {
  if (opts.json || !process.stderr.isTTY || process.env.CI || process.env.NO_COLOR || process.env.TERM === 'dumb') return silent;
  // A pseudo-terminal can report 0 columns (script, some ssh sessions); ora then clears lines forever.
  if (!(process.stderr.columns >= MIN_SPINNER_COLUMNS)) return silent;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr }).start();
  return {
    update: (t) => void (spinner.text = t),
    succeed: (t) => void spinner.succeed(t),
    fail: (t) => void spinner.fail(t),
    stop: () => void spinner.stop(),
  };
}

/** Where human-readable lines go: stdout, unless --json reserves stdout for JSON. */
export function say(line: string, opts: { json: boolean }): void {
  if (opts.json) process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
}
