// Maps a position in built JS (dist/…/x.js) back to its TypeScript line through x.js.map, so the
// profile summary names src/…/x.ts:line as the lead reads it. Only what tsc emits: one source per
// file, no sections, no index maps.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** Per generated line: [generated column, original line] pairs, by column. */
type Lines = [number, number][][];

function decode(mappings: string): Lines {
  const lines: Lines = [];
  let srcLine = 0;
  for (const text of mappings.split(';')) {
    const segs: [number, number][] = [];
    let genCol = 0;
    for (const seg of text.split(',')) {
      if (!seg) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.get(ch) ?? 0;
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += fields[0] ?? 0;
      if (fields.length >= 4) {
        srcLine += fields[2]!;
        segs.push([genCol, srcLine]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

const cache = new Map<string, Lines | null>();

/** 1-based TypeScript line for a 0-based JS line and column, or null without a map. */
export function originalLine(url: string, line: number, column: number): number | null {
  if (!url.startsWith('file://')) return null;
  let lines = cache.get(url);
  if (lines === undefined) {
    const map = fileURLToPath(url) + '.map';
    lines = existsSync(map) ? decode((JSON.parse(readFileSync(map, 'utf8')) as { mappings: string }).mappings) : null;
    cache.set(url, lines);
  }
  const segs = lines?.[line];
  if (!segs?.length) return null;
  let best = segs[0]!;
  for (const s of segs) if (s[0] <= column) best = s;
  return best[1] + 1;
}
