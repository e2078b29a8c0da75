// Safe outputs: every file is written under a hidden temp name in the same folder and
// renamed into place only after all of them were written, so a crash, a full disk or
// Ctrl-C never leaves a half-written file under a name the user would trust.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ShiliError, UsageError } from '../errors.js';
import { removeOnExit } from './cleanup.js';
import { sweepStaleTemps } from './staleTemps.js';

/** .<final name>.shili-<pid>-<hex>.tmp, in the output's own folder. */
export const OUTPUT_TEMP_PATTERN = /^\..*\.shili-(\d+)-[0-9a-f]{8}\.tmp$/s;

interface Planned {
  final: string;
  temp: string;
  /** Unregisters the Ctrl-C/kill/exit removal of the temp. */
  release: () => void;
}

// A temp name must still fit the 255-byte file name limit of ext4/APFS/NTFS.
const TEMP_BASE_MAX_BYTES = 200;

export class OutputSet {
  private readonly force: boolean;
  readonly mode: number;
  private planned: Planned[] = [];

  constructor(opts: { force: boolean; mode?: number }) {
    this.force = opts.force;
    this.mode = opts.mode ?? 0o600;
  }

  /**
   * Plan a final path; returns the temp path to write to (same folder, so the rename is atomic).
   * Throws OUTPUT_EXISTS when the final exists and !force, OUTPUT_IS_INPUT when it is one of
   * `protectedPaths`.
   */
  plan(finalPath: string, protectedPaths: string[] = []): string {
    const final = path.resolve(finalPath);
    const dir = path.dirname(final);
    const base = path.basename(final);
    const dirStat = statOrUndefined(dir);
    if (!dirStat?.isDirectory()) {
      throw new ShiliError('OUTPUT_DIR_MISSING', `输出文件夹 ${dir} 不存在`, {
        hint: '请先创建这个文件夹，或用 --out 指定一个已有的文件夹',
      });
    }
    const finalStat = statOrUndefined(final);
    if (finalStat && isProtected(final, finalStat, protectedPaths)) {
      throw new ShiliError('OUTPUT_IS_INPUT', `输出文件 ${finalPath} 就是输入文件，不能覆盖输入`, {
        hint: '请用 --out 换一个输出文件名',
      });
    }
    if (finalStat?.isDirectory()) {
      throw new ShiliError('OUTPUT_IS_DIR', `输出路径 ${finalPath} 是一个文件夹`, {
        hint: '请用 --out 指定一个文件名',
      });
    }
    if (finalStat && !this.force) {
      throw outputExists(finalPath);
    }
    if (this.planned.some((p) => p.final === final)) {
      throw new ShiliError('OUTPUT_DUPLICATE', `两个输出都要写到 ${finalPath}`, {
        hint: '请检查学校或班级名称是否重复，或用 --out 分开输出',
      });
    }
    sweepStaleTemps(dir, OUTPUT_TEMP_PATTERN);
    const stem = truncateUtf8(base, TEMP_BASE_MAX_BYTES);
    const temp = path.join(dir, `.${stem}.shili-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    this.planned.push({ final, temp, release: removeOnExit(temp) });
    return temp;
  }

  /** Rename every temp to its final name (after all were written). Returns the final paths. */
  async commit(): Promise<string[]> {
    const done: string[] = [];
    let current: Planned | undefined;
    try {
      for (const p of this.planned) {
        current = p;
        await this.moveIntoPlace(p);
        done.push(p.final);
      }
    } catch (err) {
      for (const p of this.planned) if (done.includes(p.final)) p.release();
      this.planned = this.planned.filter((p) => !done.includes(p.final));
      await this.abort();
      const partly = done.length > 0 ? `（已完成 ${done.length} 个：${done.join('、')}）` : '';
      throw err instanceof ShiliError ? err : toWriteError(err, current?.final ?? '', partly);
    }
    await syncDirs(done);
    for (const p of this.planned) p.release();
    this.planned = [];
    return done;
  }

  /** Delete every temp (on any failure). Safe to call more than once. */
  async abort(): Promise<void> {
    const planned = this.planned;
    this.planned = [];
    await Promise.all(
      planned.map((p) =>
        fs.promises
          .rm(p.temp, { force: true })
          .catch(() => undefined)
          .finally(p.release),
      ),
    );
  }

  private async moveIntoPlace(p: Planned): Promise<void> {
    if (this.force) {
      await fs.promises.rename(p.temp, p.final);
      return;
    }
    if (!moveNoReplace(p.temp, p.final)) throw outputExists(p.final);
  }
}

/**
 * Moves temp to final without ever replacing what is there: false when final exists or appeared
 * meanwhile. link() fails atomically then; file systems without hard links (FAT, some network
 * shares) get a check, then a rename.
 */
export function moveNoReplace(temp: string, final: string): boolean {
  try {
    fs.linkSync(temp, final);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    if (lstatOrUndefined(final)) return false;
    fs.renameSync(temp, final);
    return true;
  }
  fs.unlinkSync(temp);
  return true;
}

/**
 * The output folder's check before anything is read (--out names a folder, created when missing):
 * throws when it is a file, runs through one, or is a link to nowhere.
 */
export function checkOutputFolder(dir: string): void {
  foldersToMake(dir);
}

/**
 * mkdir -p for the output folder (mode 0700 for what it creates). Not Node's `recursive: true`:
 * that never returns when an existing parent cannot hold children, e.g. a link to an unmounted
 * drive or network share (nodejs/node, seen on Node 20 with a path under /proc).
 */
export async function makeOutputFolder(dir: string): Promise<void> {
  for (const folder of foldersToMake(dir)) {
    try {
      await fs.promises.mkdir(folder, { mode: 0o700 });
    } catch (err) {
      if (errorCode(err) === 'EEXIST' && statOrUndefined(folder)?.isDirectory()) continue; // made meanwhile
      if (errorCode(err) === 'EEXIST' || errorCode(err) === 'ENOTDIR') throw notAFolder(folder);
      throw toWriteError(err, path.join(folder, '-'));
    }
  }
}

/** The folders missing on the way to dir, outermost first; one stat per level, no loop. */
function foldersToMake(dir: string): string[] {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    const st = statOrUndefined(p); // follows links
    if (st) {
      if (!st.isDirectory()) throw notAFolder(p);
      return missing.reverse();
    }
    if (lstatOrUndefined(p)?.isSymbolicLink()) {
      throw new ShiliError('OUTPUT_DIR_MISSING', `输出文件夹 ${p} 是一个链接（快捷方式），它指向的位置不存在`, {
        hint: '如果它指向外接磁盘或网络共享上的文件夹，请确认已经连接；或用 --out 换一个文件夹',
      });
    }
    if (path.dirname(p) === p) return missing.reverse(); // a missing drive: mkdir says so
    missing.push(p);
  }
}

function notAFolder(p: string): UsageError {
  return new UsageError(
    `--out 应当是一个文件夹，但 ${p} 是一个文件`,
    '请用 --out 指定一个文件夹（不存在时会自动创建）；输出文件的名字由输入文件名决定，例如 视力.city-upload.xlsx',
  );
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Turn an fs error while writing `filePath` into a ShiliError that names the folder and the fix.
 * Already-typed errors pass through.
 */
export function toWriteError(err: unknown, filePath: string, extra = ''): ShiliError {
  if (err instanceof ShiliError) return err;
  const dir = path.dirname(path.resolve(filePath));
  const code = errorCode(err);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ShiliError('DISK_FULL', `磁盘空间不足，无法写入文件夹 ${dir}${extra}`, {
      hint: '请清理磁盘空间后重试，或用 --out 换一个有空间的位置',
      cause: err,
    });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new ShiliError('OUTPUT_NOT_WRITABLE', `没有权限写入文件夹 ${dir}${extra}`, {
      hint: '请用 --out 换一个自己有写权限的文件夹',
      cause: err,
    });
  }
  if (code === 'EEXIST') return outputExists(filePath);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ShiliError('OUTPUT_DIR_MISSING', `输出文件夹 ${dir} 不存在${extra}`, {
      hint: '请先创建这个文件夹，或用 --out 指定一个已有的文件夹',
      cause: err,
    });
  }
  return new ShiliError('OUTPUT_WRITE_FAILED', `写入文件夹 ${dir} 失败（${code ?? String(err)}）${extra}`, {
    hint: '请检查磁盘和文件夹是否可用，或用 --out 换一个位置',
    cause: err,
  });
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³]|conin\$|conout\$)$/i;
const STEM_MAX_CHARS = 100;
// Room for an extension and the temp-name decoration within 255 bytes.
const STEM_MAX_BYTES = 180;

/** A file name stem from a school or class name that is safe on Linux, macOS and Windows. Never empty. */
export function safeFileStem(name: string): string {
  let s = name
    .normalize('NFC')
    // Control characters, and invisible/bidi marks that could disguise a name.
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[/\\<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/\.{2,}/g, '.')
    .trim()
    // A leading dot hides the file on Linux/macOS.
    .replace(/^[.\s]+/, '');
  s = trimEnd(truncateChars(s, STEM_MAX_CHARS));
  s = trimEnd(truncateUtf8(s, STEM_MAX_BYTES));
  const device = s.split('.')[0]?.trim() ?? '';
  if (WINDOWS_RESERVED.test(device)) s = `_${s}`;
  return s === '' ? '未命名' : s;
}

function trimEnd(s: string): string {
  // Windows drops trailing dots and spaces, which would make two names collide.
  return s.replace(/[.\s]+$/, '');
}

function truncateChars(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max).join('');
}

export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

function outputExists(file: string): ShiliError {
  return new ShiliError('OUTPUT_EXISTS', `输出文件 ${file} 已经存在`, {
    hint: '如需覆盖请加 --force，或用 --out 指定另一个文件名',
  });
}

function isProtected(final: string, finalStat: fs.Stats, protectedPaths: string[]): boolean {
  const real = realOrSelf(final);
  return protectedPaths.some((p) => {
    const st = statOrUndefined(p);
    if (!st) return false;
    // Same inode also catches hard links and case-insensitive spellings.
    return (st.dev === finalStat.dev && st.ino === finalStat.ino) || realOrSelf(p) === real;
  });
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/** Make the renames durable. */
async function syncDirs(files: string[]): Promise<void> {
  for (const dir of new Set(files.map((f) => path.dirname(f)))) syncDir(dir);
}

/** fsyncs a folder so that a rename or link in it survives a crash; folders cannot be opened for fsync on Windows, so this is best effort. */
export function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not supported here; the data itself was already fsynced by the writers.
  }
}
