// national-to-city: one national vision template in, up to three files out (DOMAIN.md "Beijing").
//   tier 1 → <stem>.city-upload.xlsx   学籍号 in the roster: national columns + 体检日期
//   tier 2 → <stem>.city-template.xlsx matched by 姓名 + 出生日期: the city's own template
//   tier 3 → <stem>.unmatched.xlsx     everything a person must look at, with reasons and candidates
import type { RosterStore } from '../db/roster.js';
import { ShiliError } from '../errors.js';
import type { OpenOptions } from '../io/open.js';
import { OutputSet } from '../io/outputFile.js';
import { openLayout, type OpenedLayout } from '../read/openLayout.js';
import { getTemplate } from '../templates/registry.js';
import type { TemplateSpec } from '../templates/spec.js';
import { firstPass, type Pass1 } from './firstPass.js';
import type { Pass1Helper } from './pass1Thread.js';
import { decide, EXAM_VALUE_FIELDS, type ClassifiedRow } from './classify.js';
import { cleanCells, type CleanLine } from './spill.js';
import { UploadLayout } from './uploadRow.js';
import { a1 } from '../io/a1.js';
import type { MergeRange } from '../io/table.js';
import type { FieldName } from '../model/record.js';
import type { HeaderMapping } from '../templates/headerMatch.js';
import { assertOutputsFree, outputPaths, removeStale, type OutputKind } from './outputs.js';
import { primaryReason, type ReasonCode, type RowReason } from './reasons.js';
import { TierWriters } from './tierWriters.js';

export interface ConvertOptions {
  roster: RosterStore;
  outDir?: string;
  /** YYYY-MM-DD, used where the file has no 体检日期. */
  examDate?: string;
  force: boolean;
  open?: OpenOptions;
  /** Layout for tier 2; the bundled provisional beijing-city unless --template-file. */
  cityTemplate?: TemplateSpec;
  onProgress?: (rowsRead: number) => void;
  /** Classifies half of an .xlsx's rows on another thread during pass 1 (pass1Thread.ts); optional. */
  pass1Helper?: Pass1Helper;
  /** Rows per block of the two threads' alternate blocks (tests make it small). */
  splitBlockRows?: number;
  /** Smallest file given to the helper (pass1Thread.ts SPLIT_MIN_BYTES; tests make it 0). */
  splitMinBytes?: number;
}

export interface ConvertSummary {
  input: string;
  /** Worksheet read ("" for CSV). */
  sheet: string;
  rows: number;
  matched: number;
  matchedByIdentity: number;
  unmatched: number;
  /** Identical duplicate rows folded into their first occurrence. */
  merged: number;
  /** Rows without any screening value: nothing to upload. */
  noData: number;
  /** Rows hidden in the workbook (uploaded like the others, listed so nobody is surprised). */
  hiddenRows: number[];
  reasons: Partial<Record<ReasonCode, number>>;
  outputs: Record<OutputKind, string | null>;
}

export async function convertNationalToCity(input: string, opts: ConvertOptions): Promise<ConvertSummary> {
  const finals = outputPaths(input, opts.outDir);
  assertOutputsFree(input, finals, opts.force);

  // The helper thread opens the file alongside (pass1Thread.ts); every way out below abandons it.
  let helperRows = 0;
  let ownRows = 0;
  const helper = opts.pass1Helper?.start(
    input,
    opts.open,
    () => {
      helperRows = helper!.rows;
      opts.onProgress?.(ownRows + helperRows);
    },
    opts.splitMinBytes,
  );
  let layout: OpenedLayout;
  try {
    layout = await openLayout(input, getTemplate('beijing-city-upload'), opts.open, ['examDate']);
  } catch (err) {
    helper?.abandon();
    throw err;
  }
  const { mapping } = layout;
  if (!mapping.byField.has('examDate') && !opts.examDate) {
    helper?.abandon();
    await layout.close();
    throw new ShiliError('MISSING_EXAM_DATE', '文件里没有“体检日期”列，也没有用 --exam-date 指定体检日期', {
      location: { file: input, sheet: layout.source.sheet },
      hint: '市体检系统按体检日期划分学期，必须有体检日期。请加上 --exam-date 2025/09/15 这样的参数，或在文件最后加一列“体检日期”',
    });
  }

  const upload = new UploadLayout(mapping);
  // A whole file is about to be matched: hold the roster's ids in memory from the first row.
  opts.roster.loadIdIndex();
  let pass1: Pass1;
  try {
    pass1 = await firstPass(input, layout, upload, opts, helper, (rows) => {
      ownRows = rows;
      opts.onProgress?.(ownRows + helperRows);
    });
  } catch (err) {
    helper?.abandon();
    throw err;
  }
  const summary: ConvertSummary = {
    input,
    sheet: layout.source.format === 'csv' ? '' : layout.source.sheet,
    rows: pass1.rowsRead,
    matched: 0,
    matchedByIdentity: 0,
    unmatched: 0,
    merged: 0,
    noData: pass1.noData,
    hiddenRows: pass1.hiddenRows,
    reasons: {},
    outputs: { cityUpload: null, cityTemplate: null, unmatched: null },
  };

  const outputs = new OutputSet({ force: opts.force });
  const writers = new TierWriters(outputs, finals, input, mapping, upload, opts.cityTemplate ?? getTemplate('beijing-city'), opts.roster);
  try {
    // Merges are known only once the whole sheet has been read (they follow the data in the file).
    const merged = mergedValueCells(layout.source.merges(), mapping);
    for (const item of pass1.rows.items()) {
      const rowNumber = item.row.rowNumber;
      const mergeReasons = merged.size > 0 ? merged.get(rowNumber) : undefined;
      // Fast path for clean rows: unless a duplicate elsewhere says otherwise, they go straight to tier 1.
      if (item.clean && !mergeReasons) {
        // The 学籍号 is looked up by its bytes: no string per row.
        const line = item.row;
        const occurrence = pass1.duplicates.occurrenceAt(line.bytes, line.idStart, line.idEnd, rowNumber);
        if (occurrence !== 'conflict') {
          if (occurrence === 'first') {
            summary.matched++;
            const p = writers.uploadClean(line);
            if (p) await p;
          } else summary.merged++;
          continue;
        }
      }
      const c = item.clean ? expandClean(item.row, upload) : item.row;
      if (mergeReasons) c.valueReasons.push(...mergeReasons);
      const d = decide(c, pass1.duplicates);
      switch (d.tier) {
        case 'merged':
          summary.merged++;
          break;
        case 1:
          summary.matched++;
          await writers.upload(c);
          break;
        case 2:
          summary.matchedByIdentity++;
          await writers.cityTemplate(c, d.studentId);
          break;
        case 3: {
          summary.unmatched++;
          const code = primaryReason(d.reasons).code;
          summary.reasons[code] = (summary.reasons[code] ?? 0) + 1;
          await writers.unmatched(c, d.reasons);
          break;
        }
      }
    }
    const written = await writers.finish();
    await outputs.commit();
    if (opts.force) removeStale(finals, written);
    summary.outputs = { cityUpload: written.cityUpload ?? null, cityTemplate: written.cityTemplate ?? null, unmatched: written.unmatched ?? null };
  } catch (err) {
    await writers.abort();
    await outputs.abort();
    throw err;
  } finally {
    pass1.rows.dispose();
  }
  return summary;
}

/** Fields whose value decides what is uploaded: a merge hiding one of them must not pass as an empty cell. */
const MERGE_SENSITIVE = new Set<string>([...EXAM_VALUE_FIELDS, 'examDate', 'orthoK', 'studentId', 'birthDate', 'sex', 'name']);

/**
 * Cells inside a merged range (other than its top-left one) read as empty although Excel shows the
 * range's value there. For the columns that matter, that row goes to the error workbook.
 */
function mergedValueCells(merges: MergeRange[], mapping: HeaderMapping): Map<number, RowReason[]> {
  const out = new Map<number, RowReason[]>();
  for (const m of merges) {
    if (m.bottom <= mapping.lastHeaderRow) continue;
    const range = `${a1(m.left, m.top)}:${a1(m.right, m.bottom)}`;
    for (const col of mapping.columns) {
      if (col.index < m.left || col.index > m.right || !MERGE_SENSITIVE.has(col.spec.field)) continue;
      for (let r = Math.max(m.top, mapping.lastHeaderRow + 1); r <= m.bottom; r++) {
        if (r === m.top && col.index === m.left) continue;
        const list = out.get(r) ?? [];
        list.push({ code: 'INVALID_VALUE', detail: `单元格 ${a1(col.index, r)}（${col.headerText}）在合并单元格 ${range} 中，读不到值：请取消合并，把每个格子分别填好` });
        out.set(r, list);
      }
    }
  }
  return out;
}

/** A clean row back as a full classified row, for the rare clean row a duplicate or a merge sends to tier 3. */
function expandClean(item: CleanLine, upload: UploadLayout): ClassifiedRow {
  const shown: Partial<Record<FieldName, string>> = {};
  const cells = cleanCells(item);
  upload.columns.forEach((col, i) => (shown[col.field] = cells[i]!));
  return {
    rowNumber: item.rowNumber,
    values: {},
    shown,
    raw: { studentId: item.studentId },
    // Only tier 3 uses an expanded row, and it shows 体检日期 from `shown`.
    examDate: null,
    valueReasons: [],
    idState: 'ok',
    idDetail: '',
    studentId: item.studentId,
    inRoster: true,
    identity: { kind: 'none' },
    dupKey: item.studentId,
    contentHash: 0,
    damagedDigits: null,
  };
}
