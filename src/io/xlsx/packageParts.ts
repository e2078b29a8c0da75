// OPC package plumbing: relationship files and part-name resolution. Parts are
// found by following _rels, never by fixed paths, because generators name and
// place them differently (absolute targets, "../" targets, odd capitalisation).
import { xlsxCorrupt } from '../readErrors.js';
import { scanXml } from './xmlScan.js';
import type { ZipEntry, ZipReader } from './zipReader.js';

export interface Relationship {
  id: string;
  /** Type URI; compare with relType(), which ignores transitional vs strict namespaces. */
  type: string;
  /** Resolved part name inside the zip (no leading slash), or undefined for external targets. */
  part: string | undefined;
}

/** Small parts (workbook, rels, styles) are read whole, up to this size. */
const MAX_SMALL_PART = 64 * 1024 * 1024;

/** Last path segment of a relationship type: ".../relationships/worksheet" → "worksheet". */
export function relType(type: string): string {
  return type.slice(type.lastIndexOf('/') + 1);
}

/** "xl/workbook.xml" → "xl/_rels/workbook.xml.rels"; "" (the package) → "_rels/.rels". */
export function relsPathFor(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** Resolves a relationship target against the part that owns the relationship. */
export function resolveTarget(sourcePart: string, target: string): string {
  const base = target.startsWith('/') ? [] : sourcePart.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') base.pop();
    else if (seg !== '.' && seg !== '') base.push(seg);
  }
  return base.join('/');
}

export async function readRelationships(zip: ZipReader, sourcePart: string): Promise<Relationship[]> {
  const xml = await readPartText(zip, relsPathFor(sourcePart));
  if (xml === undefined) return [];
  const rels: Relationship[] = [];
  scanXml(xml, {
    open(name, a) {
      if (name !== 'Relationship' || a.Id === undefined || a.Target === undefined) return;
      const external = a.TargetMode?.toLowerCase() === 'external';
      rels.push({ id: a.Id, type: a.Type ?? '', part: external ? undefined : resolveTarget(sourcePart, a.Target) });
    },
  });
  return rels;
}

/** Finds a part's zip entry; percent-encoded names (%20) are tried decoded too. */
export function findPart(zip: ZipReader, part: string): ZipEntry | undefined {
  const direct = zip.find(part);
  if (direct || !part.includes('%')) return direct;
  try {
    return zip.find(decodeURIComponent(part));
  } catch {
    return undefined;
  }
}

/** A small part as text, or undefined when the package has no such part. */
export async function readPartText(zip: ZipReader, part: string): Promise<string | undefined> {
  const entry = findPart(zip, part);
  if (!entry) return undefined;
  if (entry.uncompressedSize > MAX_SMALL_PART) throw xlsxCorrupt(zip.file, `“${entry.name}”异常地大`);
  return decodeXmlBytes(await zip.readBuffer(entry));
}

/** XML parts are UTF-8 in practice; UTF-16 is allowed by the standard and shows up as a BOM. */
export function decodeXmlBytes(buf: Uint8Array): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf);
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf);
  return new TextDecoder('utf-8').decode(buf);
}
