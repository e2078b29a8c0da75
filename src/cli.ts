// The CLI entry: builds the command tree and is the one place that turns errors into output and exit codes.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { convertNationalToCityCommand } from './commands/convertNationalToCity.js';
import { inspectCommand } from './commands/inspect.js';
import { reportFailure } from './commands/report.js';
import { rosterCommand } from './commands/rosterImport.js';
import { ExitCode, ShiliError, UsageError } from './errors.js';
import { configureColor } from './ui/terminal.js';
import { fromSystemError } from './systemErrors.js';

const TITLES: Record<string, string> = {
  'Usage:': '用法：',
  'Options:': '选项：',
  'Commands:': '命令：',
  'Arguments:': '参数：',
  'Global Options:': '全局选项：',
};

const COMMANDER_MESSAGES: Record<string, (m: string) => string> = {
  'commander.unknownOption': (m) => `不认识的选项 ${quoted(m)}`,
  'commander.unknownCommand': (m) => `不认识的命令 ${quoted(m)}`,
  'commander.missingArgument': (m) => `缺少参数 ${quoted(m)}`,
  'commander.optionMissingArgument': (m) => `选项 ${quoted(m)} 需要一个值`,
  'commander.missingMandatoryOptionValue': (m) => `缺少必需的选项 ${quoted(m)}`,
  'commander.excessArguments': () => '参数太多',
  'commander.invalidArgument': invalidArgument,
  'commander.conflictingOption': (m) => `选项冲突：${m.replace(/^error: /, '')}`,
};

/** "option '--encoding <编码>' argument 'big5' is invalid. Allowed choices are a, b." → Chinese. */
function invalidArgument(m: string): string {
  const option = m.match(/option '([^ ']+)/)?.[1];
  const value = m.match(/argument '([^']*)'/)?.[1];
  const choices = m.match(/Allowed choices are (.*?)\.?$/)?.[1]?.split(/,\s*/);
  if (!option || value === undefined) return '选项的值不对';
  return `选项 ${option} 不接受“${value}”${choices ? `，可选：${choices.join('、')}` : ''}`;
}

function quoted(m: string): string {
  return m.match(/'([^']+)'/)?.[1] ?? m.replace(/^error: /, '');
}

/** Terminal columns a string takes: CJK and full-width characters take two, so help text lines up. */
function displayWidth(str: string): number {
  let w = 0;
  for (const ch of str.replace(/\x1b\[[0-9;]*m/g, '')) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x20000 ? 2 : 1;
  }
  return w;
}

const USAGE_WORDS: [RegExp, string][] = [
  [/\[options\]/g, '[选项]'],
  [/\[command\]/g, '[命令]'],
];

function usageText(s: string): string {
  return USAGE_WORDS.reduce((t, [re, zh]) => t.replace(re, zh), s);
}

function localise(cmd: Command): Command {
  cmd
    .configureHelp({
      styleTitle: (s: string) => TITLES[s] ?? s,
      styleUsage: usageText,
      styleSubcommandTerm: usageText,
      displayWidth,
      // Chinese has no spaces to break at; commander would break at the few there are, mid-phrase.
      boxWrap: (str: string) => str,
      sortSubcommands: false,
      optionDescription: (o) => {
        const extra: string[] = [];
        if (o.argChoices) extra.push(`可选：${o.argChoices.join('、')}`);
        if (o.defaultValue !== undefined && !o.isBoolean()) extra.push(`默认：${String(o.defaultValue)}`);
        return extra.length ? `${o.description}（${extra.join('；')}）` : o.description;
      },
    })
    .helpOption('-h, --help', '显示帮助')
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  for (const sub of cmd.commands) localise(sub);
  return cmd;
}

export function buildProgram(): Command {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  const program = new Command('shili')
    .description('视力筛查数据表格转换：国家视力模板、北京市体检系统、西湖区五好平台')
    .version(pkg.version, '-V, --version', '显示版本号')
    .option('--verbose', '出错时显示详细信息（含调用栈），名单导入时显示被跳过行的具体值')
    .helpCommand('help [命令]', '显示某个命令的帮助')
    .showHelpAfterError(false);
  program.addCommand(rosterCommand());
  program.addCommand(inspectCommand());
  program.addCommand(new Command('convert').description('在不同平台的模板之间转换').addCommand(convertNationalToCityCommand()));
  return localise(program);
}

/** `shili … | head` closes the pipe early: that is the reader's choice, not an error. */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  configureColor();
  quietOnClosedPipe();
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
      const msg = COMMANDER_MESSAGES[err.code]?.(err.message) ?? err.message.replace(/^error: /, '');
      reportFailure(new UsageError(msg, '运行 shili --help 查看用法'), { json, verbose });
      return ExitCode.usage;
    }
    const e = err instanceof ShiliError ? err : fromSystemError(err);
    reportFailure(e ?? err, { json, verbose });
    return e ? e.exitCode : ExitCode.failed;
  }
}
