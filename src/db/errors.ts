// Turns SQLite failures into ShiliErrors with a Chinese message that says what to do.
import { ShiliError } from '../errors.js';

const REIMPORT_HINT = '请先运行 shili roster import <名单文件> 导入学生名单，或用 --db 指定数据库文件';

export function dbNotFound(dbPath: string): ShiliError {
  return new ShiliError('DB_NOT_FOUND', `找不到名单数据库 ${dbPath}`, { hint: REIMPORT_HINT });
}

export function dbEmpty(dbPath: string): ShiliError {
  return new ShiliError('DB_EMPTY', `名单数据库 ${dbPath} 是空的，还没有导入过学生名单`, {
    hint: REIMPORT_HINT,
  });
}

export function notSqlite(dbPath: string, cause?: unknown): ShiliError {
  return new ShiliError('DB_NOT_SQLITE', `文件 ${dbPath} 不是 SQLite 数据库，shili 没有改动它`, {
    hint: '请用 --db 指定 shili 的名单数据库（由 shili roster import 创建），或换一个不存在的文件名新建',
    cause,
  });
}

export function notShili(dbPath: string): ShiliError {
  return new ShiliError('DB_NOT_SHILI', `${dbPath} 是 SQLite 数据库，但不是 shili 的名单数据库，shili 没有改动它`, {
    hint: '请用 --db 指定 shili 的名单数据库，或换一个不存在的文件名新建',
  });
}

export function tooNew(dbPath: string, version: number, known: number): ShiliError {
  return new ShiliError(
    'DB_TOO_NEW',
    `名单数据库 ${dbPath} 由更新版本的 shili 创建（数据库结构版本 ${version}，本程序最高支持 ${known}），shili 没有改动它`,
    { hint: '请升级 shili 后再使用这个数据库，或用 --db 指定其他数据库' },
  );
}

/**
 * Any error from SQLite or the file system while using the database at dbPath (unknown only for
 * the CLI's last-resort mapping of an error that escaped the database layer).
 */
export function fromSqlite(err: unknown, dbPath?: string): ShiliError {
  if (err instanceof ShiliError) return err;
  const db = dbPath ? `名单数据库 ${dbPath}` : '名单数据库';
  const code = (err as { code?: unknown } | null)?.code;
  const c = typeof code === 'string' ? code : '';
  if (c === 'SQLITE_NOTADB' && dbPath) return notSqlite(dbPath, err);
  if (c === 'SQLITE_NOTADB') return new ShiliError('DB_NOT_SQLITE', `${db}不是 SQLite 数据库`, { hint: '请用 --db 指定 shili 的名单数据库', cause: err });
  if (c.startsWith('SQLITE_BUSY') || c.startsWith('SQLITE_LOCKED')) {
    return new ShiliError('DB_BUSY', `${db} 正被另一个 shili 进程写入，等待 10 秒后仍未释放`, {
      hint: '请等另一个导入结束后重试',
      cause: err,
    });
  }
  if (c.startsWith('SQLITE_CORRUPT')) {
    return new ShiliError('DB_CORRUPT', `${db} 已损坏`, {
      hint: '请从备份恢复，或用 --db 指定一个新文件后重新导入名单',
      cause: err,
    });
  }
  if (c.startsWith('SQLITE_FULL')) {
    // The same code as any other full disk: a script checking --json needs one answer.
    return new ShiliError('DISK_FULL', `磁盘已满，无法写入${db}`, {
      hint: '请清理磁盘空间后重试；这次写入没有生效',
      cause: err,
    });
  }
  if (c.startsWith('SQLITE_READONLY') || c.startsWith('SQLITE_CANTOPEN') || c.startsWith('SQLITE_PERM') ||
    c === 'EACCES' || c === 'EPERM' || c === 'EROFS') {
    return new ShiliError('DB_CANT_OPEN', `无法打开或写入${db}（${c}）`, {
      hint: '请检查该文件及其所在目录的读写权限，或用 --db 指定其他位置',
      cause: err,
    });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new ShiliError('DB_FAILED', `${db} 出错：${detail}`, {
    hint: '请重试；如果一直出错，请用 --db 指定一个新文件后重新导入名单',
    cause: err,
  });
}
