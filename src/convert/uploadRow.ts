// The tier-1 upload row (<stem>.city-upload.xlsx): the national columns in the input's order,
// with 体检日期 last when the input has none. One place builds its cells, so pass 1 (clean rows,
// formatted once and parked) and pass 2 (every other tier-1 row) cannot disagree.
import type { FieldName } from '../model/record.js';
import { VALUE_TYPE_HANDLERS, type ValueTypeHandler } from '../normalize/valueTypes.js';
import type { HeaderMapping } from '../templates/headerMatch.js';
import type { ColumnSpec } from '../templates/spec.js';

export interface UploadColumn {
  spec: ColumnSpec;
  header: string;
  field: FieldName;
  handler: ValueTypeHandler;
}

export class UploadLayout {
  readonly columns: UploadColumn[];

  constructor(mapping: HeaderMapping) {
    const column = (spec: ColumnSpec, header: string): UploadColumn => ({
      spec,
      header,
      field: spec.field as FieldName,
      handler: VALUE_TYPE_HANDLERS[spec.type],
    });
    this.columns = mapping.columns.map((c) => column(c.spec, c.headerText));
    if (!mapping.byField.has('examDate')) {
      const examDate = mapping.spec.columns.find((c) => c.field === 'examDate')!;
      this.columns.push(column(examDate, examDate.header as string));
    }
  }

  /** Cell texts of one upload row; "" where the row has no value. */
  cells(values: Partial<Record<FieldName, unknown>>, examDate: string | null): string[] {
    return this.cellsInto(this.scratch(), values, examDate);
  }

  /** An array for cellsInto, one entry per column. */
  scratch(): string[] {
    return new Array<string>(this.columns.length).fill('');
  }

  /** cells() written into `out` (from scratch()), for a caller that uses each row's cells before the next. */
  cellsInto(out: string[], values: Partial<Record<FieldName, unknown>>, examDate: string | null): string[] {
    const cols = this.columns;
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i]!;
      const v = col.field === 'examDate' ? examDate : values[col.field];
      out[i] = v === null || v === undefined ? '' : col.handler.format(v, col.spec);
    }
    return out;
  }
}
