// Which cell styles format numbers as dates. xlsx has no date type: a date is a
// number whose style's number format looks like a date.
import { scanXml } from './xmlScan.js';

/**
 * Built-in number formats that show dates or times: 14–22 everywhere, 27–36 and
 * 50–58 in East Asian locales (年/月/日 formats), 45–47 (mm:ss, [h]:mm:ss, mm:ss.0).
 */
function isBuiltInDateFormat(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/** True when a custom format code shows a date or time (d, m, y, h or s outside quotes and brackets). */
export function isDateFormatCode(code: string): boolean {
  const lower = code.toLowerCase();
  if (lower === 'general' || lower === '@') return false;
  let inQuote = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower[i];
    if (inQuote) {
      if (c === '"') inQuote = false;
      continue;
    }
    switch (c) {
      case '"':
        inQuote = true;
        break;
      case '\\': // next character is a literal
      case '_': // next character only reserves its width
      case '*': // next character is a fill
        i++;
        break;
      case '[': {
        const close = lower.indexOf(']', i);
        const inner = close === -1 ? '' : lower.slice(i + 1, close);
        // [h], [mm], [ss]: elapsed time. Anything else ([Red], [$-804], [DBNum1], [>100]) is not.
        if (/^(h+|m+|s+)$/.test(inner)) return true;
        i = close === -1 ? lower.length : close;
        break;
      }
      case 'd':
      case 'm':
      case 'y':
      case 'h':
      case 's':
        return true;
    }
  }
  return false;
}

/** For each cellXfs index (the `s` attribute of a cell), whether it is a date format. */
export function parseDateStyles(xml: string): boolean[] {
  const customCodes = new Map<number, string>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  scanXml(xml, {
    open(name, a, selfClosing) {
      if (name === 'numFmt' && a.numFmtId !== undefined) customCodes.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = !selfClosing;
      else if (name === 'xf' && inCellXfs) xfFormats.push(Number(a.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return xfFormats.map((id) => {
    const custom = customCodes.get(id);
    return custom !== undefined ? isDateFormatCode(custom) : isBuiltInDateFormat(id);
  });
}
