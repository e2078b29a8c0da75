// Handcrafted .xlsx packages for reader tests: every part is written by hand so
// a test can imitate one generator's quirk (prefixes, odd part names, targets).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTable, type OpenOptions } from '../../../src/io/open.js';
import type { Row } from '../../../src/io/table.js';
import { buildZip, type TestZipEntry } from './zip.js';

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface TestSheet {
  name: string;
  /** Complete worksheet XML (use worksheet()). */
  xml: string;
  state?: 'hidden' | 'veryHidden';
  chart?: boolean;
  /** Uncompressed size to claim in the zip directory (zip-bomb and damage tests). */
  declaredSize?: number;
}

export interface TestBook {
  sheets: TestSheet[];
  /** Plain strings become <si><t>…</t></si>; a string is used as the whole part. */
  sharedStrings?: string[] | string;
  sharedStringsName?: string;
  styles?: string;
  date1904?: boolean;
  /** Namespace prefix for workbook and rels ("x" → <x:workbook>), as the OpenXML SDK writes. */
  prefix?: string;
  absoluteTargets?: boolean;
  extra?: TestZipEntry[];
  zip64?: boolean;
}

export function worksheet(sheetData: string, after = '', prefix = ''): string {
  const p = prefix ? `${prefix}:` : '';
  const ns = prefix ? `xmlns:${prefix}="${MAIN_NS}"` : `xmlns="${MAIN_NS}"`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${p}worksheet ${ns} xmlns:r="${REL_NS}"><${p}sheetData>${sheetData}</${p}sheetData>${after}</${p}worksheet>`;
}

/** styles.xml whose cellXfs use the given numFmtIds in order; custom codes by id. */
export function stylesXml(xfNumFmts: number[], custom: Record<number, string> = {}): string {
  const fmts = Object.entries(custom)
    .map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${code.replace(/"/g, '&quot;')}"/>`)
    .join('');
  const xfs = xfNumFmts.map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0"/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN_NS}"><numFmts count="1">${fmts}</numFmts><cellStyleXfs count="1"><xf numFmtId="22"/></cellStyleXfs><cellXfs count="${xfNumFmts.length}">${xfs}</cellXfs></styleSheet>`;
}

export function buildXlsx(book: TestBook): Buffer {
  const p = book.prefix ? `${book.prefix}:` : '';
  const mainNs = book.prefix ? `xmlns:${book.prefix}="${MAIN_NS}"` : `xmlns="${MAIN_NS}"`;
  const target = (t: string): string => (book.absoluteTargets ? `/xl/${t}` : t);
  const entries: TestZipEntry[] = [];
  const rels: string[] = [];
  const sheetEls: string[] = [];
  book.sheets.forEach((s, i) => {
    const dir = s.chart ? 'chartsheets' : 'worksheets';
    const type = s.chart ? 'chartsheet' : 'worksheet';
    entries.push({ name: `xl/${dir}/sheet${i + 1}.xml`, data: s.xml, ...(s.declaredSize === undefined ? {} : { declaredSize: s.declaredSize }) });
    rels.push(`<Relationship Id="rId${i + 1}" Type="${REL_NS}/${type}" Target="${target(`${dir}/sheet${i + 1}.xml`)}"/>`);
    const state = s.state ? ` state="${s.state}"` : '';
    sheetEls.push(`<${p}sheet name="${s.name}" sheetId="${i + 1}"${state} r:id="rId${i + 1}"/>`);
  });
  if (book.sharedStrings !== undefined) {
    const name = book.sharedStringsName ?? 'xl/sharedStrings.xml';
    const xml =
      typeof book.sharedStrings === 'string'
        ? book.sharedStrings
        : `<sst xmlns="${MAIN_NS}" count="${book.sharedStrings.length}">${book.sharedStrings.map((s) => `<si><t xml:space="preserve">${s}</t></si>`).join('')}</sst>`;
    entries.push({ name, data: xml });
    rels.push(`<Relationship Id="rIdS" Type="${REL_NS}/sharedStrings" Target="${target(name.replace(/^xl\//, ''))}"/>`);
  }
  if (book.styles !== undefined) {
    entries.push({ name: 'xl/styles.xml', data: book.styles });
    rels.push(`<Relationship Id="rIdT" Type="${REL_NS}/styles" Target="${target('styles.xml')}"/>`);
  }
  const pr = book.date1904 ? `<${p}workbookPr date1904="1"/>` : '';
  entries.push({
    name: 'xl/workbook.xml',
    data: `<?xml version="1.0" encoding="UTF-8"?><${p}workbook ${mainNs} xmlns:r="${REL_NS}">${pr}<${p}sheets>${sheetEls.join('')}</${p}sheets></${p}workbook>`,
  });
  entries.push({ name: 'xl/_rels/workbook.xml.rels', data: `<Relationships xmlns="${PKG_REL_NS}">${rels.join('')}</Relationships>` });
  entries.push({
    name: '_rels/.rels',
    data: `<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  });
  entries.push({ name: '[Content_Types].xml', data: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' });
  entries.push(...(book.extra ?? []));
  return buildZip(entries, { zip64: book.zip64 ?? false });
}

/** A temporary folder per test file, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; file(name: string, data: Buffer | string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `shili-${prefix}-`));
  return {
    dir,
    file(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function readAll(path: string, opts?: OpenOptions): Promise<Row[]> {
  const source = await openTable(path, opts);
  const rows: Row[] = [];
  for await (const row of source.rows()) rows.push(row);
  return rows;
}

/** Rows as plain arrays of values, for compact expectations. */
export function values(rows: Row[]): unknown[][] {
  return rows.map((r) => Array.from(r.cells, (c) => c?.v));
}
