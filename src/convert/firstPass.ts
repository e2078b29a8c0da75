// Pass 1 of national-to-city, on the conversion thread alone or shared with the helper thread
// (pass1Thread.ts), with the same result either way.
import { ShiliError } from '../errors.js';
import { openLayout, type OpenedLayout } from '../read/openLayout.js';
import { getTemplate } from '../templates/registry.js';
import type { ClassifiedRow } from './classify.js';
import { classifyNationalRows, type Pass1Result } from './classifyRows.js';
import type { ConvertOptions } from './nationalToCity.js';
import { layoutKey, SPLIT_BLOCK_ROWS, splitKeep, type HelperJob, type HelperResult } from './pass1Thread.js';
import { MergedSpills, Spill, type SpilledRows } from './spill.js';
import type { UploadLayout } from './uploadRow.js';

/** Pass 1's result, whichever threads produced it. */
export type Pass1 = Omit<Pass1Result, 'rows'> & { rows: SpilledRows<ClassifiedRow> };

/**
 * Classifies every data row of `layout`. With a helper job, the rows are shared with the helper
 * thread and the two halves merged. The caller abandons the helper job when this throws.
 */
export async function firstPass(
  input: string,
  layout: OpenedLayout,
  upload: UploadLayout,
  opts: ConvertOptions,
  helper: HelperJob | undefined,
  onProgress: (ownRows: number) => void,
): Promise<Pass1> {
  const { mapping } = layout;
  const classify = (l: OpenedLayout): Promise<Pass1Result> =>
    classifyNationalRows(l.dataRowBatches, mapping, opts.roster, upload, opts.examDate, onProgress);

  // A CSV is read here alone: it has no cheap way to skip the other thread's rows.
  if (!helper || layout.source.format !== 'xlsx') {
    helper?.abandon();
    return classify(layout);
  }
  const blockRows = opts.splitBlockRows ?? SPLIT_BLOCK_ROWS;
  helper.go(layoutKey(layout.source.sheet, mapping), blockRows, opts.examDate);
  layout.keepRows(splitKeep(blockRows, 0));

  let own: Pass1Result;
  try {
    own = await classify(layout);
  } catch (err) {
    // The error a single reader would have met first: the helper's, if it failed on an earlier row.
    throw await earlierError(err, helper);
  }
  let theirs: HelperResult;
  try {
    theirs = await helper.result();
  } catch (err) {
    own.rows.dispose();
    throw err;
  }
  if (theirs.outOfOrder || layout.rowsOutOfOrder()) {
    // Row numbers that do not increase (a hand-made file) would make the merged order differ
    // from the file's: read the file again, on this thread alone.
    own.rows.dispose();
    helper.abandon();
    const again = await openLayout(input, getTemplate('beijing-city-upload'), opts.open, ['examDate']);
    return classify(again);
  }
  let theirRows: Spill<ClassifiedRow>;
  try {
    theirRows = new Spill<ClassifiedRow>(theirs.spill);
  } catch (err) {
    own.rows.dispose();
    throw err;
  }
  own.duplicates.merge(theirs.duplicates);
  await helper.adopted(theirs.spill.path);
  return {
    rows: new MergedSpills(own.rows, theirRows),
    rowsRead: own.rowsRead + theirs.rowsRead,
    noData: own.noData + theirs.noData,
    hiddenRows: [...own.hiddenRows, ...theirs.hiddenRows].sort((a, b) => a - b),
    duplicates: own.duplicates,
  };
}

/**
 * `mine` stopped this thread's rows. The helper reads on to that row (it may have failed before
 * it, on a row of its own) and its error wins when it is located on an earlier row.
 */
async function earlierError(mine: unknown, helper: HelperJob): Promise<unknown> {
  const row = rowOf(mine);
  helper.abandon(Number.isFinite(row) ? row : undefined);
  try {
    await helper.stopped();
  } catch (theirs) {
    if (rowOf(theirs) < row) return theirs;
  }
  return mine;
}

/** The row an error is located on (its row, or its cell's row), Infinity for none. */
export function rowOf(err: unknown): number {
  if (!(err instanceof ShiliError)) return Infinity;
  if (err.location.row !== undefined) return err.location.row;
  const cell = /^[A-Z]+(\d+)$/.exec(err.location.cell ?? '');
  return cell ? Number(cell[1]) : Infinity;
}
