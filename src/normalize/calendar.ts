// Calendar arithmetic on canonical YYYY-MM-DD strings, without Date objects (parsers run per cell).

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!;
}

/** True for a real calendar day in years 1000–9999 (4-digit years keep the canonical form sortable). */
export function isValidYmd(y: number, m: number, d: number): boolean {
  return y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/*
 * The strings isoDate gave last, direct-mapped by day: a district file's dates are a few thousand
 * birthdays and a handful of exam days, so nearly every date cell finds its string here instead of
 * building it (two date cells a row were a tenth of pass 1's garbage).
 */
const ISO_CACHE_SLOTS = 8192;
const isoCacheKey = new Int32Array(ISO_CACHE_SLOTS).fill(-1);
const isoCacheText: string[] = new Array<string>(ISO_CACHE_SLOTS).fill('');

/** "YYYY-MM-DD" from parts the caller has validated. */
export function isoDate(y: number, m: number, d: number): string {
  const key = (y * 16 + m) * 32 + d;
  const slot = key & (ISO_CACHE_SLOTS - 1);
  if (isoCacheKey[slot] === key) return isoCacheText[slot]!;
  const iso = `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
  isoCacheKey[slot] = key;
  isoCacheText[slot] = iso;
  return iso;
}

// Days since 1970-01-01 <-> civil date (H. Hinnant's algorithms, proleptic Gregorian).
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function isoFromDays(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return isoDate(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

/** Parts of a canonical "YYYY-MM-DD"; throws on anything else (a programming error, not user input). */
export function isoParts(iso: string): { y: number; m: number; d: number } {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  if (iso.length !== 10 || iso[4] !== '-' || iso[7] !== '-' || !isValidYmd(y, m, d)) {
    throw new TypeError(`not a canonical YYYY-MM-DD date: ${iso}`);
  }
  return { y, m, d };
}

export function isoToDays(iso: string): number {
  const { y, m, d } = isoParts(iso);
  return daysFromCivil(y, m, d);
}

export function addDays(iso: string, n: number): string {
  return isoFromDays(isoToDays(iso) + n);
}

/** Today on the machine's local calendar (users and their sheets are in China time). */
export function localToday(now: Date = new Date()): string {
  return isoDate(now.getFullYear(), now.getMonth() + 1, now.getDate());
}
