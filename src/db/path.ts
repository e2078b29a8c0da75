// Where the roster database lives: --db, then SHILI_DB, then ./shili.db.
import path from 'node:path';

export const DEFAULT_DB_FILE = 'shili.db';

/** Absolute path of the roster database. Empty values count as "not given". */
export function resolveDbPath(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = nonEmpty(option) ?? nonEmpty(env['SHILI_DB']) ?? DEFAULT_DB_FILE;
  return path.resolve(chosen);
}

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== '' ? s : undefined;
}
