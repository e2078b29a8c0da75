// The parts of a worksheet around the streamed rows: views, columns, header rows, and the
// elements that follow <sheetData> (autofilter, merges), in the order the schema requires.

import { columnLetter } from '../../a1.js';
import type { MergeRange } from '../../table.js';
import { STYLE_HEADER, STYLE_NOTE } from './styles.js';
import { textElement } from './xml.js';

const NS =
  'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

export function sheetHead(opts: { widths: number[]; frozenRows: number; selected: boolean; textStyle: number }): string {
  const first = opts.frozenRows + 1;
  const pane =
    opts.frozenRows > 0
      ? `<pane ySplit="${opts.frozenRows}" topLeftCell="A${first}" activePane="bottomLeft" state="frozen"/>` +
        `<selection pane="bottomLeft" activeCell="A${first}" sqref="A${first}"/>`
      : '';
  // Empty cells in these columns are text-formatted too, so what a user types later stays text.
  const cols = opts.widths
    .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" style="${opts.textStyle}" customWidth="1"/>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<worksheet ${NS}>` +
    `<sheetViews><sheetView workbookViewId="0"${opts.selected ? ' tabSelected="1"' : ''}>${pane}</sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols ? `<cols>${cols}</cols>` : '') +
    '<sheetData>'
  );
}

/**
 * A row of styled text cells as a byte string (see textElement). In header rows, undefined entries
 * become empty styled cells so borders and fill cover merged areas.
 */
export function styledRow(rowNumber: number, texts: (string | undefined)[], header: boolean): string {
  const style = header ? STYLE_HEADER : STYLE_NOTE;
  let xml = `<row r="${rowNumber}">`;
  // A plain loop: header grids are sparse and forEach would skip the holes.
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    const ref = `${columnLetter(i)}${rowNumber}`;
    if (t !== undefined && t !== '') {
      xml += `<c r="${ref}" s="${style}" t="inlineStr"><is>${textElement(t)}</t></is></c>`;
    } else if (header) {
      xml += `<c r="${ref}" s="${style}"/>`;
    }
  }
  return `${xml}</row>`;
}

export function sheetTail(opts: { autoFilter?: string; merges: MergeRange[] }): string {
  const filter = opts.autoFilter ? `<autoFilter ref="${opts.autoFilter}"/>` : '';
  const refs = opts.merges.map((m) => `<mergeCell ref="${rangeRef(m)}"/>`).join('');
  const merges = refs ? `<mergeCells count="${opts.merges.length}">${refs}</mergeCells>` : '';
  return (
    `</sheetData>${filter}${merges}` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>'
  );
}

/** "A1:C2" from 0-based columns and 1-based rows. */
export function rangeRef(m: MergeRange, absolute = false): string {
  const d = absolute ? '$' : '';
  return `${d}${columnLetter(m.left)}${d}${m.top}:${d}${columnLetter(m.right)}${d}${m.bottom}`;
}
