// Operating-system and SQLite failures the user can act on, turned into ShiliErrors.
import { ShiliError } from './errors.js';

export function fromSystemError(err: unknown): ShiliError | null {
  const e = err as { code?: string; path?: string; message?: string };
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
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new ShiliError('DB_BUSY', '数据库正被另一个 shili 进程使用，等待超时', { hint: '请等另一个任务结束后重试', cause: err });
    case 'SQLITE_FULL':
      return new ShiliError('DISK_FULL', '磁盘空间不足，数据库没有被修改', { hint: '请清理磁盘空间后重试', cause: err });
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new ShiliError('DB_CORRUPT', '数据库文件已损坏或不是 shili 的数据库', { hint: '请用 --db 指定正确的数据库，或从备份恢复后重新导入名单', cause: err });
    case 'SQLITE_READONLY':
      return new ShiliError('DB_READONLY', '数据库文件是只读的', { hint: '请检查数据库文件的权限', cause: err });
    default:
      return null;
  }
}
