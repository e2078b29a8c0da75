// shili inspect <file>
import { Command } from 'commander';
import { ExitCode, ShiliError } from '../errors.js';
import { mapRow } from '../read/mapRow.js';
import { isRepeatedHeader, openLayout, type OpenedLayout } from '../read/openLayout.js';
import { coverage } from '../templates/headerMatch.js';
import { allTemplates, loadTemplateFile } from '../templates/registry.js';
import type { TemplateSpec } from '../templates/spec.js';
import { chalk, say } from '../ui/terminal.js';
import { addInputOptions, addJsonOption, openOptions, type CommonOpts } from './options.js';

const HELP = `
只读取、不写任何文件：识别文件属于哪种模板、表头在第几行、每一列对应什么，
统计数据行数，并列出发现的问题（带单元格位置）。

例子：
  shili inspect 视力.xlsx
  shili inspect 名单.csv --json`;

const SHOW_PROBLEMS = 30;

export function inspectCommand(): Command {
  const cmd = new Command('inspect').description('查看文件的模板、表头、列对应关系和问题（不写文件）').argument('<文件>', '.xlsx 或 .csv 文件');
  addInputOptions(cmd);
  addJsonOption(cmd);
  cmd.addHelpText('after', HELP + '\n');
  cmd.action(async (file: string, _o: CommonOpts, command: Command) => {
    process.exitCode = await run(file, command.optsWithGlobals<CommonOpts>());
  });
  return cmd;
}

/** Tries every layout and keeps the one whose header the file matches best. */
async function detect(file: string, specs: TemplateSpec[], o: CommonOpts): Promise<OpenedLayout> {
  let best: OpenedLayout | undefined;
  let firstError: unknown;
  for (const spec of specs) {
    try {
      const l = await openLayout(file, spec, openOptions(o));
      const better = !best || l.mapping.columns.length > best.mapping.columns.length ||
        (l.mapping.columns.length === best.mapping.columns.length && coverage(l.mapping) > coverage(best.mapping));
      if (better) {
        await best?.close();
        best = l;
      } else await l.close();
    } catch (err) {
      if (!(err instanceof ShiliError) || !err.code.startsWith('HEADER_')) throw err;
      firstError ??= err;
    }
  }
  if (!best) {
    throw new ShiliError('HEADER_NOT_FOUND', '没有认出这是哪一种模板：前 10 行里没有找到已知模板的表头', {
      location: { file },
      hint: `已知模板：${specs.map((s) => s.title).join('、')}。请确认表头文字，或用 --template-file 提供自己的模板说明`,
      cause: firstError,
    });
  }
  return best;
}

async function run(file: string, o: CommonOpts): Promise<ExitCode> {
  const specs = o.templateFile ? [loadTemplateFile(o.templateFile), ...allTemplates()] : allTemplates();
  const layout = await detect(file, specs, o);
  const { mapping } = layout;
  let rows = 0;
  let hidden = 0;
  const problems: { cell: string; header: string; code: string; message: string }[] = [];
  const byCode: Record<string, number> = {};
  for await (const row of layout.dataRows) {
    if (isRepeatedHeader(row, mapping)) continue;
    const m = mapRow(row, mapping.columns);
    if (m.empty) continue;
    rows++;
    if (row.hidden) hidden++;
    for (const p of m.problems) {
      byCode[p.code] = (byCode[p.code] ?? 0) + 1;
      if (problems.length < 1000) problems.push({ cell: p.cell, header: p.header, code: p.code, message: p.message });
    }
  }
  const merges = layout.source.merges().filter((m) => m.bottom > mapping.lastHeaderRow);
  const report = {
    input: file,
    format: layout.source.format,
    sheet: layout.source.sheet,
    template: { id: mapping.spec.id, title: mapping.spec.title, provisional: mapping.spec.provisional },
    headerRows: [mapping.firstHeaderRow, mapping.lastHeaderRow],
    columns: mapping.columns.map((c) => ({ cell: c.cell, header: c.headerText, field: c.spec.field, type: c.spec.type })),
    unmappedColumns: mapping.unmapped.map((u) => ({ cell: u.cell, header: u.headerText })),
    missingColumns: mapping.spec.columns.filter((c) => !mapping.byField.has(c.field as never)).map((c) => c.header),
    rows,
    hiddenRows: hidden,
    mergedRangesInData: merges.length,
    problems: byCode,
    problemCells: problems,
  };
  if (o.json) {
    process.stdout.write(JSON.stringify(report) + '\n');
    return ExitCode.ok;
  }
  const out = { json: false };
  say(chalk.bold(`${file}`), out);
  say(`  模板：${mapping.spec.title}（${mapping.spec.id}）${mapping.spec.provisional ? '，暂定版' : ''}`, out);
  say(`  工作表「${layout.source.sheet}」，表头在第 ${mapping.firstHeaderRow === mapping.lastHeaderRow ? mapping.firstHeaderRow : `${mapping.firstHeaderRow}–${mapping.lastHeaderRow}`} 行，数据 ${rows} 行${hidden ? `（其中隐藏 ${hidden} 行）` : ''}`, out);
  say('  列：', out);
  for (const c of report.columns) say(`    ${c.cell.padEnd(5)} ${c.header} → ${c.field}`, out);
  for (const u of report.unmappedColumns) say(`    ${u.cell.padEnd(5)} ${u.header} → ${chalk.yellow('未识别，忽略')}`, out);
  if (report.missingColumns.length) say(`  文件中没有的列：${report.missingColumns.map((h) => (typeof h === 'string' ? h : h.join('/'))).join('、')}`, out);
  if (merges.length) say(chalk.yellow(`  数据区有 ${merges.length} 处合并单元格：合并区域中只有左上角的格子有值`), out);
  const total = Object.values(byCode).reduce((a, b) => a + b, 0);
  say(total ? `  发现 ${total} 个问题：` : `  ${chalk.green('没有发现问题')}`, out);
  for (const p of problems.slice(0, SHOW_PROBLEMS)) say(`    ${p.cell}（${p.header}）：${p.message}`, out);
  if (total > SHOW_PROBLEMS) say(`    ……另有 ${total - SHOW_PROBLEMS} 个问题（加 --json 可得到列表）`, out);
  return ExitCode.ok;
}
