// The workbook part: which sheets exist (names, visibility, where their XML is),
// the date system, and where shared strings and styles live.
import { officeNotExcel, xlsxCorrupt } from '../readErrors.js';
import { findPart, readPartText, readRelationships, relType, type Relationship } from './packageParts.js';
import { scanXml } from './xmlScan.js';
import type { ZipReader } from './zipReader.js';

export interface WorkbookSheet {
  name: string;
  hidden: boolean;
  /** Only worksheets hold cells; chartsheets, dialog and macro sheets are listed but not readable. */
  kind: 'worksheet' | 'chartsheet' | 'other';
  /** Zip part of the sheet XML, when the relationship resolves to an existing part. */
  part: string | undefined;
}

export interface WorkbookInfo {
  sheets: WorkbookSheet[];
  /** Serials count from 1904-01-01 (old Mac Excel); readers shift them to the 1900 system. */
  date1904: boolean;
  sharedStringsPart: string | undefined;
  stylesPart: string | undefined;
}

const FALLBACK_WORKBOOK = 'xl/workbook.xml';

export async function readWorkbookInfo(zip: ZipReader): Promise<WorkbookInfo> {
  const rootRels = await readRelationships(zip, '');
  const workbookPart = rootRels.find((r) => relType(r.type) === 'officeDocument')?.part ?? FALLBACK_WORKBOOK;
  // Word and PowerPoint files are the same kind of package: their main part is found
  // the same way, so it has to be told apart before it is read as a workbook.
  const app = otherOfficeApp(workbookPart);
  if (app) throw officeNotExcel(zip.file, app);
  const xml = await readPartText(zip, workbookPart);
  if (xml === undefined) {
    if (zip.find('word/document.xml')) throw officeNotExcel(zip.file, 'Word');
    if (zip.find('ppt/presentation.xml')) throw officeNotExcel(zip.file, 'PowerPoint');
    throw xlsxCorrupt(zip.file, '压缩包里没有 Excel 工作簿');
  }
  const rels = await readRelationships(zip, workbookPart);
  const byId = new Map(rels.map((r) => [r.id, r]));

  const sheets: WorkbookSheet[] = [];
  let date1904 = false;
  let root: string | undefined;
  scanXml(xml, {
    open(name, a) {
      root ??= name;
      if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
      if (name !== 'sheet') return;
      const rel = a.id === undefined ? undefined : byId.get(a.id);
      const part = rel?.part !== undefined && findPart(zip, rel.part) ? rel.part : guessSheetPart(zip, a.sheetId);
      sheets.push({
        name: a.name ?? `Sheet${sheets.length + 1}`,
        hidden: a.state === 'hidden' || a.state === 'veryHidden',
        kind: sheetKind(rel, part),
        part,
      });
    },
  });
  if (root !== 'workbook') {
    // A main part under an unexpected name: its root element still says what it is.
    throw root === 'document' ? officeNotExcel(zip.file, 'Word') : root === 'presentation' ? officeNotExcel(zip.file, 'PowerPoint') : xlsxCorrupt(zip.file, '压缩包里没有 Excel 工作簿');
  }

  return {
    sheets,
    date1904,
    sharedStringsPart: partOfType(zip, rels, 'sharedStrings', 'xl/sharedStrings.xml'),
    stylesPart: partOfType(zip, rels, 'styles', 'xl/styles.xml'),
  };
}

/** "word/document.xml" → Word; the main part's folder is where Office puts each application's content. */
function otherOfficeApp(part: string): 'Word' | 'PowerPoint' | undefined {
  const top = part.slice(0, part.indexOf('/') + 1).toLowerCase();
  return top === 'word/' ? 'Word' : top === 'ppt/' ? 'PowerPoint' : undefined;
}

function sheetKind(rel: Relationship | undefined, part: string | undefined): WorkbookSheet['kind'] {
  const type = rel ? relType(rel.type) : part ? 'worksheet' : '';
  return type === 'worksheet' ? 'worksheet' : type === 'chartsheet' ? 'chartsheet' : 'other';
}

/** Workbooks from minimal generators sometimes lack workbook.xml.rels; Excel's own naming is the best guess. */
function guessSheetPart(zip: ZipReader, sheetId: string | undefined): string | undefined {
  if (sheetId === undefined) return undefined;
  const part = `xl/worksheets/sheet${sheetId}.xml`;
  return zip.find(part) ? part : undefined;
}

function partOfType(zip: ZipReader, rels: Relationship[], type: string, fallback: string): string | undefined {
  const rel = rels.find((r) => relType(r.type) === type && r.part !== undefined);
  if (rel?.part !== undefined && findPart(zip, rel.part)) return rel.part;
  return zip.find(fallback) ? fallback : undefined;
}
