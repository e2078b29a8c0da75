// Private scratch files (they hold student data): created 0600, removed on success, failure, Ctrl-C and exit.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShiliError } from '../errors.js';
import { removeOnExit } from './cleanup.js';
import { sweepStaleTemps } from './staleTemps.js';

/** shili-<label>-<pid>-<hex>.tmp */
export const TEMP_FILE_PATTERN = /^shili-[a-z]+-(\d+)-[0-9a-f]+\.tmp$/;

/** Scratch files of this process, each with the cleanup that removes it on Ctrl-C, kill or exit. */
const live = new Map<string, () => void>();

/** Creates an empty scratch file readable by its owner only; returns its path and an open fd. */
export function createTempFile(label: string): { path: string; fd: number } {
  sweepStaleTemps(tmpdir(), TEMP_FILE_PATTERN);
  const path = join(tmpdir(), `shili-${label}-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  // Registered before it exists, so that no Ctrl-C can leave it behind.
  const release = removeOnExit(path);
  let fd: number;
  try {
    fd = openSync(path, 'wx+', 0o600);
  } catch (err) {
    release();
    throw tempFolderError(err);
  }
  live.set(path, release);
  return { path, fd };
}

/** A failure writing scratch data, said so the user can act: --out does not move the temp folder. */
export function tempFolderError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const dir = tmpdir();
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ShiliError('DISK_FULL', `磁盘空间不足，无法写入临时文件夹 ${dir}，没有写出任何结果文件`, {
      hint: '请清理该文件夹所在的磁盘，或把环境变量 TMPDIR（Windows：TEMP）设为空间充足的文件夹；--out 不改变临时文件的位置',
      cause: err,
    });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT') {
    return new ShiliError('TEMP_UNWRITABLE', `无法在临时文件夹 ${dir} 中写文件`, {
      hint: '请检查该文件夹是否存在、是否有写权限，或把环境变量 TMPDIR 设为可写的文件夹',
      cause: err,
    });
  }
  return err;
}

export function removeTempFile(path: string, fd?: number): void {
  if (fd !== undefined) {
    try {
      closeSync(fd);
    } catch {
      /* closed already */
    }
  }
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
  live.get(path)?.();
  live.delete(path);
}

/**
 * Takes over a scratch file another thread created (createTempFile there) and handed over: from now
 * on this thread removes it (removeTempFile), on Ctrl-C and exit too. Opened for reading.
 */
export function adoptTempFile(path: string): number {
  const release = removeOnExit(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    release();
    throw tempFolderError(err);
  }
  live.set(path, release);
  return fd;
}

/** After another thread adopted `path` (adoptTempFile): this thread no longer answers for it. */
export function releaseTempFile(path: string): void {
  live.get(path)?.();
  live.delete(path);
}
