// Sheet names Excel accepts: at most 31 characters, none of []:*?/\, not starting or ending
// with an apostrophe, not "History", unique ignoring case.

const MAX_LEN = 31;

export function sheetName(wanted: string, taken: ReadonlySet<string>, index: number): string {
  let base = wanted
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[[\]:*?/\\]/g, '_')
    .trim()
    .replace(/^'+|'+$/g, '');
  if (base === '') base = `Sheet${index + 1}`;
  if (base.toLowerCase() === 'history') base = `${base}_`;
  base = cut(base, MAX_LEN);
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) {
    const suffix = ` (${n})`;
    name = cut(base, MAX_LEN - suffix.length) + suffix;
  }
  return name;
}

/** Cut to max UTF-16 units without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
