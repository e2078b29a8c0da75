// shili convert national-to-city <file...>
import { Command } from 'commander';
import { basename } from 'node:path';
import { ConvertThread } from '../convert/convertThread.js';
import type { ConvertSummary } from '../convert/nationalToCity.js';
import { outputPaths } from '../convert/outputs.js';
import { REASON_CODES, REASONS } from '../convert/reasons.js';
import { ExitCode, ShiliError, UsageError } from '../errors.js';
import { checkOutputFolder } from '../io/outputFile.js';
import { parseDateOption } from '../normalize/date.js';
import { resolveTemplate } from '../templates/registry.js';
import { chalk, say, startProgress } from '../ui/terminal.js';
import { reportFailure } from './report.js';
import { addDbOption, addInputOptions, addJsonOption, addOutputOptions, dbPath, openOptions, type CommonOpts } from './options.js';

const HELP = `
把国家视力导入模板（含本学期数据）转换成北京市体检系统能导入的文件：
  <文件名>.city-upload.xlsx    学籍号在名单中的学生：国家模板各列 + 最后一列“体检日期”，可直接上传
  <文件名>.city-template.xlsx  学籍号对不上、但姓名和出生日期唯一对应名单中一名学生：市体检系统的上传模板
  <文件名>.unmatched.xlsx      需要人工处理的行，写明原因、单元格和候选学生
任何一行有平台会拒收的值（超范围、无法识别、同一学生数据矛盾、没有体检日期），都不会进入上传文件。

退出码：0 全部行都已写入上传文件；3 有行写入了 unmatched 文件；1 运行失败；2 用法错误。

例子：
  shili convert national-to-city 视力.xlsx --exam-date 2025/09/15
  shili convert national-to-city 各班/*.xlsx --out 输出 --json`;

interface Opts extends CommonOpts {
  examDate?: string;
}

export function convertNationalToCityCommand(): Command {
  const cmd = new Command('national-to-city')
    .description('国家视力模板 → 北京市体检系统上传文件（按学籍号匹配，匹配不上的单独列出）')
    .argument('<文件...>', '国家视力导入模板（.xlsx 或 .csv），可以多个')
    .option('--exam-date <日期>', '体检日期（YYYY/MM/DD），用于文件中没有“体检日期”列或该列为空的行');
  addDbOption(cmd);
  addOutputOptions(cmd);
  addInputOptions(cmd);
  addJsonOption(cmd);
  cmd.addHelpText('after', HELP + '\n');
  cmd.action(async (files: string[], _opts: Opts, command: Command) => {
    const all = command.optsWithGlobals<Opts>();
    process.exitCode = await run(files, all);
  });
  return cmd;
}

async function run(files: string[], o: Opts): Promise<ExitCode> {
  const json = !!o.json;
  let examDate: string | undefined;
  if (o.examDate !== undefined) {
    const d = parseDateOption(o.examDate);
    // The parser's own words say what is wrong (no such day, out of range, unreadable) and how to write it.
    if (!d.ok || d.value === null) {
      throw new UsageError(`--exam-date 的值“${o.examDate}”不是有效的体检日期：${d.ok ? '没有给出日期' : d.message}`);
    }
    examDate = d.value;
  }
  // --out is checked before anything is read: a file there would fail every output.
  if (o.out !== undefined) checkOutputFolder(o.out);
  assertDistinctOutputs(files, o.out);
  const open = { dbPath: dbPath(o), cityTemplate: resolveTemplate('beijing-city', o.templateFile) };
  const batch = { batch: files.length > 1 };
  let thread = await ConvertThread.open(open, batch);
  try {
    let exit: ExitCode = ExitCode.ok;
    for (const file of files) {
      const progress = await startProgress(`${basename(file)}：读取中…`, { json });
      try {
        // A file that ran out of memory took its thread with it; the next file gets a new one.
        if (!thread.alive) thread = await ConvertThread.open(open, batch);
        const s = await thread.convert(
          file,
          {
            force: !!o.force,
            open: openOptions(o),
            ...(o.out !== undefined ? { outDir: o.out } : {}),
            ...(examDate !== undefined ? { examDate } : {}),
          },
          (n) => progress.update(`${basename(file)}：已读 ${n} 行`),
        );
        progress.stop();
        if (json) process.stdout.write(JSON.stringify(toJson(s)) + '\n');
        else printSummary(s);
        if (s.unmatched > 0 && exit === ExitCode.ok) exit = ExitCode.rowsUnmatched;
      } catch (err) {
        progress.stop();
        // One bad file must not stop a night's batch: report it and go on with the next.
        if (files.length === 1 || !(err instanceof ShiliError)) throw err;
        reportFailure(err, { json, verbose: !!o.verbose, input: file });
        exit = ExitCode.failed;
      }
    }
    return exit;
  } finally {
    await thread.close();
  }
}

/** Two inputs with the same file name would write the same outputs into one --out folder. */
function assertDistinctOutputs(files: string[], out: string | undefined): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const key = outputPaths(f, out).cityUpload;
    const other = seen.get(key);
    if (other) throw new UsageError(`${other} 和 ${f} 会写到同一个输出文件 ${key}`, '请分开运行，或给其中一个文件改名');
    seen.set(key, f);
  }
}

function toJson(s: ConvertSummary) {
  return {
    input: s.input,
    rows: s.rows,
    matched: s.matched,
    matchedByIdentity: s.matchedByIdentity,
    unmatched: s.unmatched,
    reasons: Object.fromEntries(REASON_CODES.filter((c) => s.reasons[c]).map((c) => [c, s.reasons[c]])),
    outputs: s.outputs,
    merged: s.merged,
    noData: s.noData,
    hiddenRows: s.hiddenRows.length,
  };
}

function printSummary(s: ConvertSummary): void {
  const out = { json: false };
  const rel = (p: string | null) => (p ? basename(p) : '');
  say(chalk.bold(`${s.input}${s.sheet ? `（工作表「${s.sheet}」）` : ''}：读取 ${s.rows} 行`), out);
  say(`  ${chalk.green('✔')} 学籍号匹配，可直接上传：${s.matched} 行${s.outputs.cityUpload ? ` → ${rel(s.outputs.cityUpload)}` : ''}`, out);
  say(`  ${chalk.green('✔')} 按姓名+出生日期匹配，用市体检系统模板上传：${s.matchedByIdentity} 行${s.outputs.cityTemplate ? ` → ${rel(s.outputs.cityTemplate)}` : ''}`, out);
  const mark = s.unmatched ? chalk.yellow('✖') : chalk.green('✔');
  say(`  ${mark} 需要人工处理：${s.unmatched} 行${s.outputs.unmatched ? ` → ${rel(s.outputs.unmatched)}` : ''}`, out);
  for (const code of REASON_CODES) {
    if (s.reasons[code]) say(`      ${code}（${REASONS[code].label}）：${s.reasons[code]}`, out);
  }
  if (s.merged) say(`  合并了完全相同的重复行：${s.merged} 行`, out);
  if (s.noData) say(`  没有任何视力数据、未写入上传文件：${s.noData} 行`, out);
  if (s.hiddenRows.length) {
    const shown = s.hiddenRows.slice(0, 10).join('、') + (s.hiddenRows.length > 10 ? ' 等' : '');
    say(`  注意：其中 ${s.hiddenRows.length} 行在 Excel 中是隐藏行（第 ${shown} 行），已照常处理；如果它们是不该上传的旧数据，请删除后重新转换`, out);
  }
}
