// How a failure reaches the user: one Chinese line (or one JSON object), a stack trace only with --verbose.
import { formatError, ShiliError } from '../errors.js';
import { chalk } from '../ui/terminal.js';

export function reportFailure(err: unknown, opts: { json: boolean; verbose: boolean; input?: string }): void {
  const e = err instanceof ShiliError ? err : null;
  if (opts.json) {
    const obj = {
      ...(opts.input ? { input: opts.input } : {}),
      error: e
        ? { code: e.code, message: formatError(e), ...(e.location.file ? { file: e.location.file } : {}), ...(e.location.cell ? { cell: e.location.cell } : {}) }
        : { code: 'INTERNAL', message: internalMessage(err) },
    };
    process.stdout.write(JSON.stringify(obj) + '\n');
  } else {
    process.stderr.write(`${chalk.red('错误：')}${e ? formatError(e) : internalMessage(err)}\n`);
  }
  if (opts.verbose && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
}

function internalMessage(err: unknown): string {
  const detail = err instanceof Error ? err.message : String(err);
  return `shili 内部错误（${detail}）。输入文件和数据库没有被修改。请加 --verbose 重新运行，并把输出报告给维护者`;
}
