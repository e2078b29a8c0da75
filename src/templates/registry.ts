// The one registry of template specs: the bundled files in templates/, plus any --template-file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ShiliError } from '../errors.js';
import { projectRoot } from '../projectRoot.js';
import type { z } from 'zod';
import { TemplateSpecSchema, type TemplateSpec } from './spec.js';

let bundled: Map<string, TemplateSpec> | undefined;

/** zod's English issue, said in Chinese. Our own refinements already carry Chinese messages. */
function issueText(issue: z.core.$ZodIssue): string {
  if (/[\u4e00-\u9fff]/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? '缺少这一项' : `类型不对，应为 ${issue.expected}`;
    case 'invalid_format':
    case 'invalid_string' as string:
      return '格式不对（id 只能用小写字母、数字和 -）';
    case 'invalid_value':
      return `值不对，可选：${(issue as { values?: unknown[] }).values?.join('、') ?? ''}`;
    case 'too_small':
      return '内容太少（不能为空）';
    case 'too_big':
      return '内容太多';
    case 'unrecognized_keys':
      return `有不认识的项：${(issue as { keys?: string[] }).keys?.join('、') ?? ''}`;
    default:
      return '不符合模板说明的格式';
  }
}

/** Parse and validate one spec file; every problem becomes one Chinese message naming the file. */
export function loadTemplateFile(path: string): TemplateSpec {
  let text: string;
  try {
    // A named pipe would block the read forever.
    if (statSync(path).isFIFO()) throw Object.assign(new Error('not a regular file'), { code: 'EFIFO' });
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const [message, hint] =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? ['找不到模板说明文件', '请检查路径']
        : code === 'EISDIR'
          ? ['这是一个文件夹，不是模板说明文件', '请用 --template-file 指定一个 .json 文件']
          : code === 'EFIFO'
            ? ['这不是一个普通文件（是管道）', '请用 --template-file 指定一个 .json 文件']
            : [`无法读取模板说明文件（${code ?? String(err)}）`, '请检查文件是否存在、是否有读取权限'];
    throw new ShiliError('TEMPLATE_FILE', message, { location: { file: path }, hint, cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ShiliError('TEMPLATE_FILE', '模板说明文件不是有效的 JSON', {
      location: { file: path },
      hint: '请用 JSON 格式编写，可参照 shili 自带的 templates/*.json',
      cause: err,
    });
  }
  const parsed = TemplateSpecSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new ShiliError('TEMPLATE_FILE', `模板说明文件有误：${first.path.join('.') || '(根)'} ${issueText(first)}`, {
      location: { file: path },
      hint: '请对照 shili 自带的 templates/*.json 修改',
    });
  }
  return parsed.data;
}

function loadBundled(): Map<string, TemplateSpec> {
  if (bundled) return bundled;
  const dir = join(projectRoot(), 'templates');
  bundled = new Map();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const spec = loadTemplateFile(join(dir, f));
    if (spec.id !== basename(f, '.json')) throw new Error(`template ${f}: id ${spec.id} must match the file name`);
    bundled.set(spec.id, spec);
  }
  return bundled;
}

export function allTemplates(): TemplateSpec[] {
  return [...loadBundled().values()];
}

/** A bundled template by id; an unknown id is one error listing the valid ones. */
export function getTemplate(id: string): TemplateSpec {
  const spec = loadBundled().get(id);
  if (spec) return spec;
  const list = allTemplates()
    .map((t) => `${t.id}（${t.title}）`)
    .join('、');
  throw new ShiliError('TEMPLATE_UNKNOWN', `没有名为 ${id} 的模板`, { hint: `可用的模板：${list}` });
}

/**
 * The spec a command should use for `role`: the user's --template-file when given (it must be
 * of the same kind), else the bundled default.
 */
export function resolveTemplate(defaultId: string, templateFile?: string): TemplateSpec {
  const fallback = getTemplate(defaultId);
  if (!templateFile) return fallback;
  const spec = loadTemplateFile(templateFile);
  if (spec.kind !== fallback.kind) {
    throw new ShiliError('TEMPLATE_FILE', `模板说明文件的 kind 是 ${spec.kind}，这里需要 ${fallback.kind}`, {
      location: { file: templateFile },
    });
  }
  return spec;
}
