import { describe, expect, it } from 'vitest';
import type { Cell, Row } from '../../src/io/table.js';
import { findHeader, headerKey } from '../../src/templates/headerMatch.js';
import { allTemplates, getTemplate, loadTemplateFile } from '../../src/templates/registry.js';
import { TemplateSpecSchema } from '../../src/templates/spec.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const s = (v: string): Cell => ({ t: 's', v });
function row(rowNumber: number, texts: (string | null)[]): Row {
  return { rowNumber, cells: texts.map((t) => (t === null ? undefined : s(t))) };
}

const NATIONAL_HEADERS = getTemplate('national-vision').columns.map((c) => c.header as string);

describe('template registry', () => {
  it('ships the four layouts the core needs, each valid against the schema', () => {
    const ids = allTemplates().map((t) => t.id).sort();
    expect(ids).toEqual(['beijing-city', 'beijing-city-upload', 'national-vision', 'roster']);
    for (const t of allTemplates()) expect(TemplateSpecSchema.safeParse(t).success).toBe(true);
  });

  it('national-vision has the 18 columns of DOMAIN.md in order; the city upload adds 体检日期 last', () => {
    expect(NATIONAL_HEADERS).toHaveLength(18);
    expect(NATIONAL_HEADERS[3]).toBe('学籍号');
    expect(NATIONAL_HEADERS[17]).toBe('是否为角膜塑形镜（OK镜）佩戴者');
    const upload = getTemplate('beijing-city-upload').columns.map((c) => c.header);
    expect(upload.slice(0, 18)).toEqual(NATIONAL_HEADERS);
    expect(upload[18]).toBe('体检日期');
  });

  it('answers an unknown id with the list of valid ones', () => {
    expect(() => getTemplate('shanghai')).toThrowError(/没有名为 shanghai 的模板/);
    try {
      getTemplate('nope');
    } catch (e) {
      expect((e as { hint: string }).hint).toContain('national-vision');
    }
  });

  it('rejects a user spec with an unknown field, naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shili-spec-'));
    const f = join(dir, 'x.json');
    writeFileSync(f, JSON.stringify({ id: 'x', title: 'x', kind: 'exam', columns: [{ field: 'bogus', header: 'a', type: 'text' }] }));
    expect(() => loadTemplateFile(f)).toThrowError(/columns\.0\.field/);
    writeFileSync(f, '{ not json');
    expect(() => loadTemplateFile(f)).toThrowError(/不是有效的 JSON/);
    // A path that cannot be read says so, rather than blaming the JSON.
    expect(() => loadTemplateFile(join(dir, 'missing.json'))).toThrowError(/^找不到模板说明文件$/);
    expect(() => loadTemplateFile(join(f, 'y.json'))).toThrowError(/^找不到模板说明文件$/);
    expect(() => loadTemplateFile(dir)).toThrowError(/是一个文件夹/);
    if (process.platform !== 'win32') {
      const fifo = join(dir, 'pipe.json');
      execFileSync('mkfifo', [fifo]);
      expect(() => loadTemplateFile(fifo)).toThrowError(/管道/);
    }
  });
});

describe('findHeader', () => {
  const national = getTemplate('national-vision');

  it('finds the header below title rows and maps every column by text', () => {
    const rows = [row(1, ['2025年秋季学期视力监测数据']), row(2, []), row(3, NATIONAL_HEADERS), row(4, ['11', '1101'])];
    const m = findHeader(rows, national)!;
    expect(m.firstHeaderRow).toBe(3);
    expect(m.columns).toHaveLength(18);
    expect(m.byField.get('studentId')!.cell).toBe('D3');
    expect(m.missingRequired).toEqual([]);
  });

  it('matches by header text, not position, and accepts aliases, full-width and spaces', () => {
    const headers = ['姓 名', '全国学籍号', '左眼裸眼视力', '右眼裸眼视力', '是否为角膜塑形镜(OK镜)佩戴者', '备注'];
    const m = findHeader([row(1, headers)], national)!;
    expect(m.columns.map((c) => c.spec.field)).toEqual(['name', 'studentId', 'leftUcva', 'rightUcva', 'orthoK']);
    expect(m.unmapped).toEqual([{ index: 5, headerText: '备注', cell: 'F1' }]);
  });

  it('reports missing required columns and duplicate columns', () => {
    const m = findHeader([row(1, ['姓名', '右眼裸眼视力', '左眼裸眼视力'])], national)!;
    expect(m.missingRequired.map((c) => c.field)).toEqual(['studentId']);
    const d = findHeader([row(1, ['学籍号', '姓名', '全国学籍号'])], national)!;
    expect(d.duplicates[0]!.cells).toEqual(['A1', 'C1']);
  });

  it('ignores a header below the search window', () => {
    const rows = Array.from({ length: 11 }, (_, i) => row(i + 1, ['说明']));
    rows.push(row(12, NATIONAL_HEADERS));
    expect(findHeader(rows, national)).toBeNull();
  });

  it('reads grouped two-row headers with merged group cells (Xihu layout)', () => {
    const spec = TemplateSpecSchema.parse({
      id: 'xihu-test',
      title: '测试',
      kind: 'exam',
      headerRows: 2,
      columns: [
        { field: 'name', header: '姓名', type: 'name', required: true },
        { field: 'leftUcva', header: ['秋季', '左眼视力'], type: 'acuity' },
        { field: 'rightUcva', header: ['秋季', '右眼视力'], type: 'acuity' },
        { field: 'leftSphere', header: ['春季', '左眼球镜'], type: 'dioptre' },
      ],
    });
    const rows = [
      row(1, ['姓名', '班级', '秋季', null, '春季', null]),
      row(2, [null, null, '左眼视力', '右眼视力', '左眼视力', '左眼球镜']),
    ];
    const m = findHeader(rows, spec)!;
    expect(m.columns.map((c) => [c.spec.field, c.cell])).toEqual([
      ['name', 'A2'],
      ['leftUcva', 'C2'],
      ['rightUcva', 'D2'],
      ['leftSphere', 'F2'],
    ]);
  });

  it('headerKey folds width, spaces, case and required marks', () => {
    expect(headerKey(' 学籍号* ')).toBe('学籍号');
    expect(headerKey('是否为角膜塑形镜（OK镜）佩戴者')).toBe('是否为角膜塑形镜(ok镜)佩戴者');
  });
});
