// Errors as they cross between threads: structured cloning keeps an Error's message and stack but
// drops a ShiliError's code, hint, location and exit code, which decide what the user reads.
import { ShiliError, type ExitCode, type Location } from '../errors.js';
import { fromSystemError } from '../systemErrors.js';

export interface WireError {
  message: string;
  stack?: string | undefined;
  shili?: { code: string; hint: string | undefined; location: Location; exitCode: ExitCode };
}

/** An error, turned into the ShiliError the main thread would have made of it, ready to post. */
export function toWire(err: unknown): WireError {
  const typed = err instanceof ShiliError ? err : (fromSystemError(err) ?? err);
  const e = typed instanceof Error ? typed : new Error(String(typed));
  const wire: WireError = { message: e.message, stack: (err instanceof Error ? err : e).stack };
  if (typed instanceof ShiliError) wire.shili = { code: typed.code, hint: typed.hint, location: typed.location, exitCode: typed.exitCode };
  return wire;
}

/** The error again, on the receiving thread; the original stack is kept for --verbose. */
export function fromWire(w: WireError): Error {
  const cause = Object.assign(new Error(w.message), { stack: w.stack });
  if (!w.shili) return cause;
  const { code, hint, location, exitCode } = w.shili;
  const e = new ShiliError(code, w.message, { ...(hint === undefined ? {} : { hint }), location, exitCode, cause });
  if (w.stack) e.stack = w.stack;
  return e;
}
