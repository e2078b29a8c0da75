// Decimal rounding for parsed values.

/** Half away from zero; the epsilon absorbs binary representation (4.85 * 10 = 48.499…). Never returns -0. */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(Math.abs(x) * f + 1e-7) / f;
  return x < 0 ? -r || 0 : r;
}
