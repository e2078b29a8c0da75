// The package parts written at close: workbook, relationships, content types, document
// properties. docProps carry no creator or editor names (the files hold personal data).

import { xmlText } from './xml.js';

const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';

export interface WrittenSheet {
  name: string;
  /** Absolute range such as $A$2:$S$200001 when the sheet has an autofilter. */
  filterRange?: string;
}

export function sheetPartName(index: number): string {
  return `xl/worksheets/sheet${index + 1}.xml`;
}

export function workbookXml(sheets: WrittenSheet[]): string {
  const list = sheets
    .map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('');
  // Excel keeps an autofilter's range in this hidden name and expects it to be there.
  const names = sheets
    .map((s, i) =>
      s.filterRange
        ? `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">` +
          `${xmlText(quoteSheet(s.name))}!${s.filterRange}</definedName>`
        : '',
    )
    .join('');
  return (
    `${DECL}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><workbookPr/>` +
    '<bookViews><workbookView activeTab="0"/></bookViews>' +
    `<sheets>${list}</sheets>` +
    (names ? `<definedNames>${names}</definedNames>` : '') +
    '</workbook>'
  );
}

export function workbookRelsXml(sheetCount: number): string {
  let rels = '';
  for (let i = 0; i < sheetCount; i++) {
    rels += `<Relationship Id="rId${i + 1}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`;
  }
  rels += `<Relationship Id="rId${sheetCount + 1}" Type="${NS_REL}/styles" Target="styles.xml"/>`;
  return `${DECL}<Relationships xmlns="${NS_PKG_REL}">${rels}</Relationships>`;
}

export const ROOT_RELS_XML =
  `${DECL}<Relationships xmlns="${NS_PKG_REL}">` +
  `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>` +
  `<Relationship Id="rId2" Type="${NS_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>` +
  `<Relationship Id="rId3" Type="${NS_REL}/extended-properties" Target="docProps/app.xml"/>` +
  '</Relationships>';

export function contentTypesXml(sheetCount: number): string {
  let sheets = '';
  for (let i = 0; i < sheetCount; i++) {
    sheets += `<Override PartName="/${sheetPartName(i)}" ContentType="${CT}.spreadsheetml.worksheet+xml"/>`;
  }
  return (
    `${DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/xl/workbook.xml" ContentType="${CT}.spreadsheetml.sheet.main+xml"/>` +
    sheets +
    `<Override PartName="/xl/styles.xml" ContentType="${CT}.spreadsheetml.styles+xml"/>` +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    `<Override PartName="/docProps/app.xml" ContentType="${CT}.extended-properties+xml"/>` +
    '</Types>'
  );
}

export function coreXml(now: Date): string {
  const when = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `${DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"' +
    ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

export const APP_XML =
  `${DECL}<Properties xmlns="${NS_REL.replace('relationships', 'extended-properties')}"` +
  ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
  '<Application>shili</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>' +
  '</Properties>';

/** 'Sheet name' as a formula reference: always quoted, inner quotes doubled. */
function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}
