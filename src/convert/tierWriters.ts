// Pass 2 of a conversion: the three output workbooks, each created only when its first row arrives.
import { dirname } from 'node:path';
import type { RosterStore } from '../db/roster.js';
import { makeOutputFolder, type OutputSet } from '../io/outputFile.js';
import { XlsxWriter, type ColumnDef } from '../io/xlsx/writer.js';
import type { FieldName, Student } from '../model/record.js';
import { formatValue } from '../normalize/valueTypes.js';
import type { HeaderMapping, MappedColumn } from '../templates/headerMatch.js';
import type { ColumnSpec, TemplateSpec } from '../templates/spec.js';
import type { ClassifiedRow } from './classify.js';
import type { CleanLine } from './spill.js';
import type { UploadLayout } from './uploadRow.js';
import { candidateQuery, CANDIDATE_LIMIT } from './candidateSearch.js';
import { UNMATCHED_COLUMNS, unmatchedRow, type Candidate } from './errorWorkbook.js';
import type { OutputKind } from './outputs.js';
import type { RowReason } from './reasons.js';

type Row = ClassifiedRow;

const IDENTITY_FROM_ROSTER: readonly FieldName[] = ['studentId', 'name', 'sex', 'birthDate', 'idCardNumber', 'schoolName', 'gradeName', 'className'];

function fmt(col: ColumnSpec, value: unknown): string | null {
  return value === null || value === undefined ? null : formatValue(col.type, value, col);
}

export class TierWriters {
  private readonly open = new Map<OutputKind, XlsxWriter>();
  private readonly vision: MappedColumn[];
  private readonly specOf: Map<FieldName, ColumnSpec>;

  constructor(
    private readonly outputs: OutputSet,
    private readonly finals: Record<OutputKind, string>,
    private readonly input: string,
    mapping: HeaderMapping,
    private readonly uploadLayout: UploadLayout,
    private readonly city: TemplateSpec,
    private readonly roster: RosterStore,
  ) {
    this.specOf = new Map(mapping.columns.map((c) => [c.spec.field as FieldName, c.spec]));
    this.vision = mapping.columns.filter((c) => !['studentId', 'name', 'sex', 'birthDate', 'className'].includes(c.spec.field));
  }

  private async writer(kind: OutputKind, sheet: string, columns: ColumnDef[]): Promise<XlsxWriter> {
    let w = this.open.get(kind);
    if (!w) {
      // --out may name a folder that does not exist yet; it is created only once there is something to write.
      await makeOutputFolder(dirname(this.finals[kind]));
      const temp = this.outputs.plan(this.finals[kind], [this.input]);
      w = await XlsxWriter.create(temp);
      this.open.set(kind, w);
      await w.startSheet({ name: sheet, columns, freezeHeader: true, autoFilter: kind === 'unmatched' });
    }
    return w;
  }

  private uploadWriter(): Promise<XlsxWriter> | XlsxWriter {
    return (
      this.open.get('cityUpload') ??
      this.writer(
        'cityUpload',
        'Sheet1',
        this.uploadLayout.columns.map((u) => ({ header: u.header, ...(u.spec.width ? { width: u.spec.width } : {}) })),
      )
    );
  }

  async upload(c: Row): Promise<void> {
    const w = await this.uploadWriter();
    const p = w.writeRow(this.uploadLayout.cells(c.values, c.examDate));
    if (p) await p;
  }

  /**
   * Tier 1 from a clean row parked by pass 1: its cells are final, and their bytes go to the sheet
   * as they are. Returns a promise only when the output must catch up (or the workbook is being
   * created), so 200k rows need no 200k awaits.
   */
  uploadClean(item: CleanLine): Promise<void> | void {
    const w = this.open.get('cityUpload');
    if (w) return w.writeTextRow(item.bytes, item.start, item.end);
    return (async () => {
      const p = (await this.uploadWriter()).writeTextRow(item.bytes, item.start, item.end);
      if (p) await p;
    })();
  }

  async cityTemplate(c: Row, studentId: string): Promise<void> {
    // Pass 1 found the student when it matched the row by 姓名 + 出生日期.
    const student = c.identity.kind === 'unique' && c.identity.studentId === studentId ? c.identity.student : this.roster.getByIds([studentId]).get(studentId)!;
    const w = await this.writer(
      'cityTemplate',
      this.city.sheetName,
      this.city.columns.map((col) => ({ header: col.header, ...(col.width ? { width: col.width } : {}) })),
    );
    const values = this.city.columns.map((col) => {
      const f = col.field as FieldName;
      if (f === 'examDate') return fmt(col, c.examDate);
      const fromRoster = IDENTITY_FROM_ROSTER.includes(f) ? student[f as keyof Student] : null;
      return fmt(col, fromRoster ?? c.values[f]);
    });
    await w.writeRow(values);
  }

  async unmatched(c: Row, reasons: RowReason[]): Promise<void> {
    const w = await this.writer('unmatched', '需人工处理', [
      ...UNMATCHED_COLUMNS,
      ...this.vision.map((v) => ({ header: v.headerText, width: 10 })),
    ]);
    // Values as shili understood them where they were readable, else the cell text as it was.
    const show = (f: FieldName): string | null => {
      const shown = c.shown?.[f];
      if (shown !== undefined) return shown || null;
      const col = this.specOf.get(f);
      const value = c.values[f];
      return col && value !== null && value !== undefined ? formatValue(col.type, value, col) : c.raw[f] || null;
    };
    // A row of a known student (a bad value, a conflicting duplicate) needs no candidates. Pass 1 searched
    // for most of the others (candidateSearch.ts); a duplicate it could not foresee is searched here.
    const candidates = c.inRoster ? [] : (c.candidates ?? this.roster.candidates(candidateQuery(c), CANDIDATE_LIMIT));
    await w.writeRow([...unmatchedRow(c, reasons, candidates, show), ...this.vision.map((v) => show(v.spec.field as FieldName))]);
  }

  /** Closes every workbook that was started; returns the final paths they will have after commit. */
  async finish(): Promise<Partial<Record<OutputKind, string>>> {
    const written: Partial<Record<OutputKind, string>> = {};
    for (const [kind, w] of this.open) {
      await w.close();
      written[kind] = this.finals[kind];
    }
    this.open.clear();
    return written;
  }

  async abort(): Promise<void> {
    for (const w of this.open.values()) await w.abort().catch(() => undefined);
    this.open.clear();
  }
}
