// Opens a file, finds a layout's header on the right sheet, and hands back the data rows that follow it.
import { ShiliError } from '../errors.js';
import { listSheets, openTable, type OpenOptions } from '../io/open.js';
import { xlsxNoSheet } from '../io/readErrors.js';
import { keptRows, rowsOf, type Row, type SheetSource } from '../io/table.js';
import { coverage, findHeader, headerKey, type HeaderMapping } from '../templates/headerMatch.js';
import type { TemplateSpec } from '../templates/spec.js';

export interface OpenedLayout {
  source: SheetSource;
  mapping: HeaderMapping;
  /** Rows after the header, in order. Iterate once; use this or dataRowBatches, not both. */
  dataRows: AsyncIterable<Row>;
  /** The same rows in batches (see SheetSource.rowBatches): one await per batch. Never an empty batch. */
  dataRowBatches: AsyncIterable<Row[]>;
  /**
   * Leaves out of dataRows/dataRowBatches every row for which keep(rowNumber) is false, so that
   * readers of the same file can share its rows out (see SheetSource.keepRows). Call it before
   * iterating them.
   */
  keepRows(keep: (rowNumber: number) => boolean): void;
  /** See SheetSource.rowsOutOfOrder: once the rows have been read, whether their numbers ever went back. */
  rowsOutOfOrder(): boolean;
  /** Stops reading and releases the file (when dataRows is not iterated to the end). */
  close(): Promise<void>;
}

interface Probe {
  source: SheetSource;
  iterator: AsyncIterator<Row[]>;
  /** Every row read so far, in order: the search window and the rest of the batch it ended in. */
  head: Row[];
  mapping: HeaderMapping | null;
  /** The header of refuse.spec (see openLayout) in the same rows, when one was asked for. */
  refused?: HeaderMapping | null;
}

/**
 * Opens one sheet and looks for the header of each spec in its first rows. One read serves every
 * spec: opening an .xlsx reads its whole shared-string table, so a second probe would read it again.
 */
async function probe(path: string, specs: readonly TemplateSpec[], opts: OpenOptions): Promise<Probe & { mappings: (HeaderMapping | null)[] }> {
  const source = await openTable(path, opts);
  const iterator = source.rowBatches()[Symbol.asyncIterator]();
  const head: Row[] = [];
  // The header is searched in the window plus the header band; rows are numbered, so the window ends once past them.
  const sizes = specs.map((spec) => spec.headerSearchRows + spec.headerRows);
  const windows = specs.map(() => -1);
  let open = specs.length;
  while (open > 0) {
    const next = await iterator.next();
    if (next.done) {
      for (let k = 0; k < windows.length; k++) if (windows[k]! < 0) windows[k] = head.length;
      break;
    }
    for (const row of next.value) {
      head.push(row);
      for (let k = 0; k < windows.length; k++) {
        if (windows[k]! < 0 && (head.length >= sizes[k]! || row.rowNumber >= sizes[k]!)) {
          windows[k] = head.length;
          open--;
        }
      }
    }
  }
  const mappings = specs.map((spec, k) => (windows[k]! > 0 ? findHeader(head.slice(0, windows[k]), spec) : null));
  return { source, iterator, head, mapping: mappings[0]!, mappings };
}

/** Rows looked at when no header is found where it should be, to tell the user where it is. */
const DEEP_SEARCH_ROWS = 60;

/** The row of a header below the search window, or null. Consumes rows: only for error messages. */
async function headerFurtherDown(iterator: AsyncIterator<Row[]>, head: Row[], spec: TemplateSpec): Promise<number | null> {
  const rows: Row[] = [];
  const take = (batch: Row[]): boolean => {
    for (const row of batch) {
      if (rows.length >= DEEP_SEARCH_ROWS || row.rowNumber > DEEP_SEARCH_ROWS) return false;
      rows.push(row);
    }
    return true;
  };
  for (let more = take(head); more; ) {
    const next = await iterator.next();
    more = !next.done && take(next.value);
  }
  const m = findHeader(rows, { ...spec, headerSearchRows: DEEP_SEARCH_ROWS });
  return m && m.missingRequired.length === 0 && m.firstHeaderRow > spec.headerSearchRows ? m.firstHeaderRow : null;
}

function expectedHeaders(spec: TemplateSpec): string {
  const cols = spec.columns.filter((c) => c.required);
  const shown = (cols.length ? cols : spec.columns.slice(0, 4)).map((c) => (typeof c.header === 'string' ? c.header : c.header.join('/')));
  return shown.join('、');
}

function isComplete(p: Pick<Probe, 'mapping'>): boolean {
  return !!p.mapping && p.mapping.missingRequired.length === 0 && p.mapping.missingGroups.length === 0;
}

/** A layout the file must not have: openLayout throws `error` when the file would open as `spec`. */
export interface RefusedLayout {
  spec: TemplateSpec;
  error: (sheet: string) => ShiliError;
}

/**
 * Open `path` as layout `spec`. With opts.sheet the named sheet is used; otherwise the first visible
 * sheet whose header matches the layout (title rows above the header are fine).
 *
 * With `refuse`, first throws refuse.error when openLayout(path, refuse.spec, opts) would succeed
 * (a complete refuse.spec header without duplicate columns on the sheet it would choose), from the
 * same reads of the file: each sheet is opened once for both layouts.
 */
export async function openLayout(
  path: string,
  spec: TemplateSpec,
  opts: OpenOptions = {},
  /** Required columns the caller can do without (convert takes 体检日期 from --exam-date). */
  allowMissing: readonly string[] = [],
  refuse?: RefusedLayout,
): Promise<OpenedLayout> {
  if (allowMissing.length) {
    spec = { ...spec, columns: spec.columns.map((c) => (allowMissing.includes(c.field) ? { ...c, required: false } : c)) };
  }
  const specs = refuse ? [spec, refuse.spec] : [spec];
  const look = async (sheet: string | undefined): Promise<Probe> => {
    const p = await probe(path, specs, sheet === undefined ? opts : { ...opts, sheet });
    return refuse ? { ...p, refused: p.mappings[1]! } : p;
  };
  let chosen: Probe | undefined;
  // The first sheet, in the same order, on which refuse.spec's header is complete: the sheet
  // openLayout(path, refuse.spec) would choose. Only whether it exists and how it maps matter.
  let refusedOn: Probe | undefined;
  if (opts.sheet !== undefined) {
    chosen = await look(undefined);
    if (refuse && isComplete({ mapping: chosen.refused ?? null })) refusedOn = chosen;
  } else {
    const sheets = await listSheets(path);
    const order = [...sheets.filter((s) => !s.hidden), ...sheets.filter((s) => s.hidden)];
    let best: Probe | undefined;
    let refuseSettled = !refuse;
    try {
      for (const s of order) {
        if (chosen && refuseSettled) break;
        const p = await look(s.name);
        if (!refuseSettled && isComplete({ mapping: p.refused ?? null })) {
          refusedOn = p;
          refuseSettled = true;
        }
        if (chosen) {
          await p.iterator.return?.();
          continue;
        }
        if (isComplete(p)) {
          chosen = p;
          continue;
        }
        if (!best || (p.mapping && (!best.mapping || coverage(p.mapping) > coverage(best.mapping)))) {
          await best?.iterator.return?.();
          best = p;
        } else {
          await p.iterator.return?.();
        }
      }
    } catch (err) {
      await chosen?.iterator.return?.();
      await best?.iterator.return?.();
      throw err;
    }
    if (chosen) await best?.iterator.return?.();
    chosen ??= best;
  }
  if (refuse && refusedOn && refusedOn.refused!.duplicates.length === 0) {
    await chosen?.iterator.return?.();
    throw refuse.error(refusedOn.source.sheet);
  }
  if (!chosen) {
    // listSheets already refuses chart-only workbooks with their names; here the workbook has no sheet at all.
    throw xlsxNoSheet(path);
  }
  const { source, iterator, head, mapping } = chosen;
  const fail = async (err: ShiliError): Promise<never> => {
    await iterator.return?.();
    throw err;
  };
  const loc = { file: path, sheet: source.sheet };
  if (!mapping) {
    const lower = await headerFurtherDown(iterator, head, spec);
    if (lower) {
      return fail(
        new ShiliError('HEADER_TOO_LOW', `表头在第 ${lower} 行，但表头必须在前 ${spec.headerSearchRows} 行内`, {
          location: { ...loc, row: lower },
          hint: `请删除表头上方多余的行（第 1–${lower - 1} 行中的说明文字或空行），保存后重新运行`,
        }),
      );
    }
    return fail(
      new ShiliError('HEADER_NOT_FOUND', `在前 ${spec.headerSearchRows} 行中没有找到“${spec.title}”的表头`, {
        location: loc,
        hint: `表头应包含 ${expectedHeaders(spec)} 等列。请确认选对了文件；数据在别的工作表时用 --sheet 指定；可用 shili inspect 查看文件的结构`,
      }),
    );
  }
  if (mapping.duplicates.length) {
    const d = mapping.duplicates[0]!;
    return fail(
      new ShiliError('HEADER_DUPLICATE', `表头中有两列都是“${typeof d.spec.header === 'string' ? d.spec.header : d.spec.header.join('/')}”（${d.cells.join('、')}）`, {
        location: loc,
        hint: '请删除或改名多余的一列，只保留要使用的那一列',
      }),
    );
  }
  if (mapping.missingRequired.length) {
    const names = mapping.missingRequired.map((c) => [c.header, ...c.aliases].map((h) => (typeof h === 'string' ? h : h.join('/'))));
    return fail(
      new ShiliError('HEADER_MISSING_COLUMN', `第 ${mapping.firstHeaderRow} 行的表头缺少必需的列：${names.map((n) => n[0]).join('、')}`, {
        location: { ...loc, row: mapping.firstHeaderRow },
        hint: `请补上这一列（可用的列名：${names.map((n) => n.join('/')).join('；')}），或确认文件是“${spec.title}”`,
      }),
    );
  }
  if (mapping.missingGroups.length) {
    return fail(
      new ShiliError('HEADER_MISSING_COLUMN', `第 ${mapping.firstHeaderRow} 行的表头里没有任何${mapping.missingGroups.join('、')}`, {
        location: { ...loc, row: mapping.firstHeaderRow },
        hint: `这个文件不像“${spec.title}”。请确认选对了文件（可用 shili inspect 查看它是哪种文件；学生名单请用 shili roster import 导入）`,
      }),
    );
  }
  const after = head.filter((r) => r.rowNumber > mapping.lastHeaderRow);
  let keep: ((rowNumber: number) => boolean) | null = null;
  async function* dataRowBatches(): AsyncGenerator<Row[]> {
    try {
      // The rows read with the header were read before any filter; the source filters the rest.
      const first = keep === null ? after : keptRows(after, keep);
      if (first.length > 0) yield first;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  const batches = dataRowBatches();
  return {
    source,
    mapping,
    dataRows: rowsOf(batches),
    dataRowBatches: batches,
    keepRows: (k) => {
      keep = k;
      source.keepRows(k);
    },
    rowsOutOfOrder: () => source.rowsOutOfOrder(),
    close: async () => void (await iterator.return?.()),
  };
}

/**
 * True when a row repeats the header (some exports repeat it on every page). Runs on every row, so
 * it looks at one recognised column, and normalises only text short enough to be a header.
 */
export function isRepeatedHeader(row: Row, mapping: HeaderMapping): boolean {
  const probe = mapping.byField.get('studentId') ?? mapping.columns[0];
  if (!probe) return false;
  const cell = row.cells[probe.index];
  if (cell?.t !== 's' || cell.v.length > probe.headerText.length + 8) return false;
  if (cell.v !== probe.headerText && headerKey(cell.v) !== headerKey(probe.headerText)) return false;
  let same = 0;
  for (const c of mapping.columns) {
    const other = row.cells[c.index];
    if (other?.t === 's' && headerKey(other.v) === headerKey(c.headerText)) same++;
  }
  return same >= Math.min(3, mapping.columns.length);
}
