// Typed errors. Only the CLI entry (cli.ts) turns them into output and exit codes.

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  rowsUnmatched: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a problem is: file, sheet and cell (A1 notation) when known. */
export interface Location {
  file?: string;
  sheet?: string;
  /** A1 notation, e.g. "K12"; or a row reference like "第12行" built by formatLocation. */
  cell?: string;
  /** 1-based Excel/CSV row number when no single cell applies. */
  row?: number;
}

/**
 * A failure the user can act on. `message` is Chinese and says what is wrong;
 * `hint` (Chinese) says what to do. Never includes student names.
 */
export class ShiliError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: Location;
  readonly exitCode: ExitCode;

  constructor(
    code: string,
    message: string,
    opts: { hint?: string; location?: Location; exitCode?: ExitCode; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ShiliError';
    this.code = code;
    this.hint = opts.hint;
    this.location = opts.location ?? {};
    this.exitCode = opts.exitCode ?? ExitCode.failed;
  }
}

export class UsageError extends ShiliError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, { exitCode: ExitCode.usage, ...(hint ? { hint } : {}) });
    this.name = 'UsageError';
  }
}

/** "文件 a.xlsx，工作表 Sheet1，单元格 K12" — the prefix every located message starts with. */
export function formatLocation(loc: Location): string {
  const parts: string[] = [];
  if (loc.file) parts.push(`文件 ${loc.file}`);
  if (loc.sheet) parts.push(`工作表「${loc.sheet}」`);
  if (loc.cell) parts.push(`单元格 ${loc.cell}`);
  else if (loc.row !== undefined) parts.push(`第 ${loc.row} 行`);
  return parts.join('，');
}

/** One line for the user: location, message, fix. */
export function formatError(err: ShiliError): string {
  const where = formatLocation(err.location);
  const head = where ? `${where}：${err.message}` : err.message;
  return err.hint ? `${head}。${err.hint}` : head;
}
