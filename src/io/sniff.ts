// Decides what a file really is from its bytes. Platforms and users rename files
// freely (.xls that is HTML, .xlsx that is CSV), so the extension is never trusted.
import type { FileHandle } from 'node:fs/promises';
import { binaryFormatOf, hasBinaryNul } from './binarySignatures.js';
import { OLE2_SIGNATURE, ole2EntryNames } from './ole2Directory.js';
import { disguisedSpreadsheet, fileEmpty, notSpreadsheet, xlsUnsupported, xlsxEncrypted } from './readErrors.js';

export type SniffedKind = 'empty' | 'zip' | 'xls' | 'encrypted' | 'html' | 'xml2003' | 'binary' | 'text';

export interface Sniffed {
  kind: SniffedKind;
  /** For 'binary': what the bytes look like ("PNG 图片"), when a signature says so. */
  what?: string;
}

const HEAD_BYTES = 4096;

/** What the first bytes say; OLE2 needs the directory to tell .xls from encrypted .xlsx. */
export function sniffHead(head: Uint8Array): Exclude<SniffedKind, 'xls' | 'encrypted'> | 'ole2' {
  if (head.length === 0) return 'empty';
  // Local file header, or the end record of an empty zip: both mean "a zip".
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) {
    return 'zip';
  }
  if (head.length >= 8 && Buffer.from(head.buffer, head.byteOffset, 8).equals(OLE2_SIGNATURE)) return 'ole2';
  // Before markup and text: read as CSV, a picture would only earn advice about encodings.
  if (binaryFormatOf(head) !== undefined || hasBinaryNul(head)) return 'binary';
  return sniffMarkup(head) ?? 'text';
}

/** HTML tables and Excel 2003 XML are what many school platforms export under an .xls name. */
function sniffMarkup(head: Uint8Array): 'html' | 'xml2003' | undefined {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (head[i] !== 0x3c /* < */) return undefined;
  const text = Buffer.from(head.buffer, head.byteOffset + i, head.length - i).toString('latin1').toLowerCase();
  if (text.includes('urn:schemas-microsoft-com:office:spreadsheet') || /<(ss:)?workbook[\s>]/.test(text)) return 'xml2003';
  if (/<(!doctype html|html|table|head|meta|body)[\s>]/.test(text)) return 'html';
  return undefined;
}

/** Full classification of an open file. */
export async function sniffFile(fh: FileHandle): Promise<Sniffed> {
  const buf = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
  const head = buf.subarray(0, bytesRead);
  const kind = sniffHead(head);
  if (kind === 'binary') return { kind, what: binaryFormatOf(head) };
  if (kind !== 'ole2') return { kind };
  const names = await ole2EntryNames(fh);
  return { kind: names?.some((n) => n === 'EncryptionInfo' || n === 'EncryptedPackage') ? 'encrypted' : 'xls' };
}

/** Turns a kind shili refuses into its error; returns the reader to use otherwise. */
export function readerFor({ kind, what }: Sniffed, file: string): 'xlsx' | 'csv' {
  switch (kind) {
    case 'zip':
      return 'xlsx';
    case 'text':
      return 'csv';
    case 'empty':
      throw fileEmpty(file);
    case 'xls':
      throw xlsUnsupported(file);
    case 'encrypted':
      throw xlsxEncrypted(file);
    case 'html':
    case 'xml2003':
      throw disguisedSpreadsheet(file, kind);
    case 'binary':
      throw notSpreadsheet(file, what);
  }
}
