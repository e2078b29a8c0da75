// Options shared by several commands, defined once.
import { Option, type Command } from 'commander';
import { resolveDbPath } from '../db/path.js';
import type { OpenOptions } from '../io/open.js';

export interface CommonOpts {
  db?: string;
  json?: boolean;
  verbose?: boolean;
  sheet?: string;
  encoding?: string;
  templateFile?: string;
  out?: string;
  force?: boolean;
}

export const ENCODINGS = ['auto', 'utf-8', 'gb18030', 'utf-16le', 'utf-16be'] as const;

export function addDbOption(cmd: Command): Command {
  return cmd.option('--db <路径>', '学生名单数据库文件（默认：环境变量 SHILI_DB，否则当前目录的 shili.db）');
}

export function addJsonOption(cmd: Command): Command {
  return cmd.option('--json', '只在标准输出打印 JSON 结果（供脚本使用）');
}

export function addInputOptions(cmd: Command): Command {
  return cmd
    .option('--sheet <名称>', '读取指定的工作表（默认：第一个表头符合的工作表）')
    .addOption(new Option('--encoding <编码>', 'CSV 文件的编码（默认自动识别）').choices([...ENCODINGS]).default('auto'))
    .option('--template-file <路径>', '使用自己的模板说明文件（JSON），格式见 templates/*.json');
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--out <文件夹>', '输出文件夹（默认：与输入文件相同）')
    .option('--force', '输出文件已存在时覆盖');
}

export function openOptions(o: CommonOpts): OpenOptions {
  const enc = (o.encoding ?? 'auto') as OpenOptions['encoding'];
  return { ...(o.sheet !== undefined ? { sheet: o.sheet } : {}), encoding: enc };
}

export function dbPath(o: CommonOpts): string {
  return resolveDbPath(o.db);
}
