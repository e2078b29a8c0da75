// Operating-system failures the user can act on, turned into ShiliErrors (SQLite ones: db/errors.ts).
import { fromSqlite } from './db/errors.js';
import { ShiliError } from './errors.js';

export function fromSystemError(err: unknown): ShiliError | null {
  const e = err as { code?: string; path?: string; message?: string };
  // SQLite errors are mapped where the database is used; one that escaped gets the same words.
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) return fromSqlite(err);
  const file = e?.path;
  const loc = file ? { file } : {};
  switch (e?.code) {
    case 'ENOENT':
      return new ShiliError('FILE_NOT_FOUND', '找不到文件或文件夹', { location: loc, hint: '请检查路径是否写对', cause: err });
    case 'EACCES':
    case 'EPERM':
      return new ShiliError('PERMISSION', '没有权限读写', { location: loc, hint: '请检查文件和文件夹的权限，或用 --out 换一个文件夹', cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new ShiliError('DISK_FULL', '磁盘空间不足，没有写出任何结果文件', { location: loc, hint: '请清理磁盘空间，或用 --out 换到空间充足的位置后重试', cause: err });
    case 'EISDIR':
      return new ShiliError('IS_DIRECTORY', '这是一个文件夹，不是文件', { location: loc, hint: '请给出文件的路径', cause: err });
    default:
      return null;
  }
}
