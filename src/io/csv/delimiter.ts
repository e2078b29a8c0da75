// Chooses the field separator. Excel writes ';' in locales with a decimal comma
// and '\t' for "Unicode text", so ',' cannot be assumed.

export type Delimiter = ',' | ';' | '\t';

const CANDIDATES: readonly Delimiter[] = [',', ';', '\t'];

/** The candidate seen most often, outside quotes, on the first line that has any content. Ties keep ','. */
export function detectDelimiter(text: string): Delimiter {
  const counts = new Map<string, number>();
  let inQuotes = false;
  let hasContent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      inQuotes = !inQuotes;
      hasContent = true;
    } else if (inQuotes) continue;
    else if (c === '\n' || c === '\r') {
      if (hasContent) break;
    } else {
      if (c !== ' ' && c !== '\uFEFF') hasContent = true;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  let best: Delimiter = ',';
  for (const d of CANDIDATES) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}
