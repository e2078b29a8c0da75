// The shape of a template spec file (templates/*.json). A layout is data, not code.
import { z } from 'zod';
import { isFieldName } from '../model/record.js';

/** Value types a column can hold; each has one parser and one formatter in normalize/valueTypes.ts. */
export const VALUE_TYPES = [
  'text', // free text, trimmed
  'code', // digits kept as text ("01"); numeric cells padded to `pad` digits
  'studentId', // 全国学籍号
  'idCard', // 居民身份证号
  'name', // 姓名
  'sex', // 男/女/1/2
  'date', // any accepted date form -> YYYY-MM-DD
  'acuity', // 5-point visual acuity
  'dioptre', // sphere/cylinder
  'axis', // 0–180
  'yesNo', // 是/否
  'number', // plain decimal number
] as const;
export const ValueTypeSchema = z.enum(VALUE_TYPES);
export type ValueType = z.infer<typeof ValueTypeSchema>;

/** A header is one cell's text, or a path of texts down multi-row headers (["秋季", "左眼视力"]). */
export const HeaderSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(4)]);
export type Header = z.infer<typeof HeaderSchema>;

export const ColumnSpecSchema = z.object({
  /** Canonical field (model/record.ts). */
  field: z.string().refine(isFieldName, { message: '不是已知的字段名（见 src/model/record.ts）' }),
  /** The header written on output, and the first text recognised on input. */
  header: HeaderSchema,
  /** Other header texts that mean the same column. */
  aliases: z.array(HeaderSchema).default([]),
  type: ValueTypeSchema,
  /** A file of this layout without this column is refused. */
  required: z.boolean().default(false),
  /** Output form: sex "code" (1/2) or "text" (男/女); yesNo "text" (是/否); code: pad width as "pad2". */
  format: z.string().optional(),
  /** Display width in characters for written workbooks. */
  width: z.number().positive().optional(),
});
export type ColumnSpec = z.infer<typeof ColumnSpecSchema>;

export const TemplateSpecSchema = z
  .object({
    /** Stable id used on the command line: "national-vision". */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    /** Chinese name shown to users. */
    title: z.string().min(1),
    description: z.string().optional(),
    /** exam: one row per exam; roster: one row per student. */
    kind: z.enum(['exam', 'roster']),
    /** How many header rows the layout has (2 or 3 for grouped headers). */
    headerRows: z.number().int().min(1).max(4).default(1),
    /** The header row is looked for within this many rows from the top (title rows above it are normal). */
    headerSearchRows: z.number().int().min(1).max(50).default(10),
    /** Sheet name used when writing this layout. */
    sheetName: z.string().default('Sheet1'),
    /** True while the layout is not confirmed against the real system's file. */
    provisional: z.boolean().default(false),
    columns: z.array(ColumnSpecSchema).min(1),
    /** Groups of columns of which a file must have at least one (a national file needs some vision column). */
    requireOneOf: z
      .array(z.object({ label: z.string().min(1), fields: z.array(z.string().refine(isFieldName)).min(1) }))
      .default([]),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of spec.columns.entries()) {
      if (seen.has(c.field)) {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'field'], message: `字段 ${c.field} 出现了两次` });
      }
      seen.add(c.field);
    }
  });
export type TemplateSpec = z.infer<typeof TemplateSpecSchema>;
