// shili roster import <file>
import { Command } from 'commander';
import { openDatabase } from '../db/open.js';
import type { ImportResult } from '../db/roster.js';
import { NewDatabase } from '../db/newDatabase.js';
import { ExitCode, ShiliError } from '../errors.js';
import { importRoster } from '../roster/importRoster.js';
import { ImportThread } from '../roster/importThread.js';
import { openRoster, SKIP_LABELS, SKIP_TODO, type RosterRead } from '../roster/readRoster.js';
import { resolveTemplate } from '../templates/registry.js';
import { chalk, say, startProgress, type Progress } from '../ui/terminal.js';
import { addDbOption, addInputOptions, addJsonOption, dbPath, openOptions, type CommonOpts } from './options.js';

const HELP = `
把学校的学生名单（.xlsx 或 .csv）导入本地数据库，之后的转换按学籍号在这里查找学生。
按表头文字识别列：学籍号/全国学籍号、身份证号、姓名、性别、出生日期、学校/学校名称、年级、班级/班级名称；
至少要有学籍号和姓名。
退出码：0 全部导入；3 有行被跳过；1 运行失败；2 用法错误。同一学籍号再次导入时更新该学生；新文件中为空的字段不会清掉已有的值。
跳过的行会列出行号和原因；整个文件在一个事务中导入，中途失败时数据库保持原样。

数据库文件只有当前用户可读写（权限 0600），不会发送到任何地方。

例子：
  shili roster import 学生名单.xlsx
  shili roster import 名单.csv --db 学校.db`;

const SHOW_SKIPPED = 50;

export function rosterCommand(): Command {
  const roster = new Command('roster').description('学生名单数据库');
  const imp = new Command('import')
    .description('导入学生名单（按学籍号新增或更新）')
    .argument('<文件>', '学生名单（.xlsx 或 .csv）');
  addDbOption(imp);
  addInputOptions(imp);
  addJsonOption(imp);
  imp.addHelpText('after', HELP + '\n');
  imp.action(async (file: string, _o: CommonOpts, command: Command) => {
    process.exitCode = await run(file, command.optsWithGlobals<CommonOpts>());
  });
  roster.addCommand(imp);
  return roster;
}

async function run(file: string, o: CommonOpts): Promise<ExitCode> {
  const json = !!o.json;
  const target = dbPath(o);
  const progress = await startProgress('读取名单…', { json });
  let read: RosterRead;
  let counts: ImportResult;
  try {
    // A new database is built under a temp name and appears only once its first import committed.
    const fresh = NewDatabase.plan(target);
    try {
      ({ read, counts } = await importFile(file, o, fresh?.temp ?? target, progress));
      // Another first import published its database meanwhile: this file goes into that one, as
      // if it had come second (its rows are read again; this only happens to imports started together).
      if (fresh && !fresh.publish()) ({ read, counts } = await importFile(file, o, target, progress));
    } catch (err) {
      throw fresh ? namingFinal(err, fresh.temp, target) : err;
    } finally {
      fresh?.discard();
    }
  } finally {
    progress.stop();
  }
  const summary = {
    input: file,
    sheet: read.sheet,
    rows: read.rows,
    added: counts.added,
    updated: counts.updated,
    unchanged: counts.unchanged,
    merged: read.merged,
    skipped: read.skipped.length,
    skippedRows: read.skipped.map((s) => ({ row: s.row, ...(s.cell ? { cell: s.cell } : {}), reason: s.code })),
    warnings: read.warnings.length,
    db: target,
  };
  // Like convert: 3 means the job was done but some rows need a person.
  const exit = read.skipped.length ? ExitCode.rowsUnmatched : ExitCode.ok;
  if (json) {
    process.stdout.write(JSON.stringify(summary) + '\n');
    return exit;
  }
  const out = { json: false };
  say(chalk.bold(`${file}${read.format === 'csv' ? '' : `（工作表「${read.sheet}」）`}：读取 ${read.rows} 行`), out);
  say(`  新增 ${counts.added} 人，更新 ${counts.updated} 人，未变 ${counts.unchanged} 人，跳过 ${read.skipped.length} 行`, out);
  if (read.merged) say(`  合并了完全相同的重复行：${read.merged} 行`, out);
  for (const s of read.skipped.slice(0, SHOW_SKIPPED)) {
    const where = s.cell ? `单元格 ${s.cell}` : `第 ${s.row} 行`;
    say(`  ${chalk.yellow('跳过')} ${where}：${o.verbose ? s.detail : SKIP_LABELS[s.code]}。${SKIP_TODO[s.code]}`, out);
  }
  if (read.skipped.length > SHOW_SKIPPED) say(`  ……另有 ${read.skipped.length - SHOW_SKIPPED} 行被跳过（加 --json 可得到完整列表）`, out);
  for (const w of read.warnings.slice(0, SHOW_SKIPPED)) {
    say(`  ${chalk.yellow('留空')} 单元格 ${w.cell}（${w.header}）：${o.verbose ? w.detail : '无法识别'}`, out);
  }
  if (read.warnings.length > SHOW_SKIPPED) say(`  ……另有 ${read.warnings.length - SHOW_SKIPPED} 个单元格无法识别、已留空`, out);
  say(`  数据库：${target}`, out);
  return exit;
}

/** Reads the roster and imports it into the database at dbFile (created and migrated when new). */
async function importFile(file: string, o: CommonOpts, dbFile: string, progress: Progress): Promise<{ read: RosterRead; counts: ImportResult }> {
  const spec = resolveTemplate('roster', o.templateFile);
  // The import runs on a worker thread, started now so that it loads while the file is opened.
  const thread = ImportThread.start();
  try {
    const src = { file, spec, open: openOptions(o) };
    const layout = await openRoster(src);
    // The database is opened (and created) only once the file is known to be a roster with a
    // header; the worker then opens it again.
    try {
      openDatabase(dbFile, { mustExist: false }).close();
      await thread.open(dbFile);
    } catch (err) {
      await layout.close();
      throw err;
    }
    return await importRoster(src, layout, (info) => thread.begin(info), (n) => progress.update(`读取名单：${n} 行`));
  } finally {
    await thread.close();
  }
}

/** Messages name the database the user asked for, not the temp file a new one is built in. */
function namingFinal(err: unknown, temp: string, final: string): unknown {
  if (!(err instanceof ShiliError) || !err.message.includes(temp)) return err;
  return new ShiliError(err.code, err.message.replaceAll(temp, final), {
    hint: err.hint,
    location: err.location,
    exitCode: err.exitCode,
    cause: err,
  });
}
