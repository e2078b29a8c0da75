// Sphere and cylinder in dioptres (DOMAIN.md "Values"): signed, two decimals, each with its own range.
import type { Cell } from '../io/table.js';
import { CYLINDER_MAX, CYLINDER_MIN, SPHERE_MAX, SPHERE_MIN } from '../vision/rules.js';
import { compactValue, excelErrorProblem, isPlaceholder, quickDecimal, shown } from './cellInput.js';
import { EMPTY, ok, problem, SLOW, type Normalized, type Quick } from './result.js';
import { roundTo } from './round.js';

/** Sign, number, optional unit D / DS / DC; on upper-cased text. */
const DIOPTRE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:D[SC]?)?$/;
/** Dashes people type for minus; NFKC already folds the full-width ones. */
const MINUS_LIKE = /[\u2010-\u2015\u2212\uFE63]/g;
const PLANO = new Set(['平光', 'PL', 'PLANO']);

interface DioptreKind {
  name: string;
  min: number;
  max: number;
}
const SPHERE: DioptreKind = { name: '球镜', min: SPHERE_MIN, max: SPHERE_MAX };
const CYLINDER: DioptreKind = { name: '柱镜', min: CYLINDER_MIN, max: CYLINDER_MAX };

export function parseSphere(cell: Cell | undefined): Normalized<number> {
  return parseDioptre(cell, SPHERE);
}

export function parseCylinder(cell: Cell | undefined): Normalized<number> {
  return parseDioptre(cell, CYLINDER);
}

/** parseSphere's value for the common cells (a number, or text like "-1.25"), without a result object; SLOW otherwise. */
export function quickSphere(cell: Cell): Quick<number> {
  return quickDioptre(cell, SPHERE);
}

export function quickCylinder(cell: Cell): Quick<number> {
  return quickDioptre(cell, CYLINDER);
}

function quickDioptre(cell: Cell, kind: DioptreKind): Quick<number> {
  if (cell.t === 'n') return dioptreOf(cell.v, kind);
  if (cell.t !== 's') return SLOW;
  const v = quickDecimal(cell.v);
  return v === SLOW ? SLOW : dioptreOf(v, kind);
}

function parseDioptre(cell: Cell | undefined, kind: DioptreKind): Normalized<number> {
  if (cell === undefined) return EMPTY;
  switch (cell.t) {
    case 'e':
      return excelErrorProblem(cell.v);
    case 'b':
    case 'd':
      return problem('INVALID_VALUE', `单元格不是数值：${accepted(kind)}`);
    case 'n':
      return inRange(cell.v, String(cell.v), kind);
    case 's': {
      const t = compactValue(cell.v);
      if (isPlaceholder(t)) return EMPTY;
      let m = DIOPTRE.exec(t);
      if (m === null) {
        let u = t.toUpperCase().replace(MINUS_LIKE, '-');
        if (PLANO.has(u)) return inRange(0, cell.v, kind);
        if (!u.includes('.')) u = u.replace(',', '.'); // decimal comma: -2,25
        m = DIOPTRE.exec(u);
        if (m === null) return problem('INVALID_VALUE', `${kind.name}「${shown(cell.v)}」不是屈光度：${accepted(kind)}`);
      }
      const n = Number(m[2]);
      return inRange(m[1] === '-' ? -n : n, cell.v, kind);
    }
  }
}

function inRange(v: number, raw: string, kind: DioptreKind): Normalized<number> {
  const r = dioptreOf(v, kind);
  if (r !== SLOW) return ok(r);
  return problem('INVALID_VALUE', `${kind.name}「${shown(raw)}」超出范围：${accepted(kind)}`);
}

/** The value rounded to two decimals, or SLOW when outside the kind's range. */
function dioptreOf(v: number, kind: DioptreKind): number | typeof SLOW {
  const r = roundTo(v, 2);
  return r >= kind.min && r <= kind.max ? r : SLOW;
}

function accepted(kind: DioptreKind): string {
  return `${kind.name}请填写 ${formatDioptre(kind.min)} 到 ${formatDioptre(kind.max)} 之间的屈光度（如 -1.25、+0.50、平光）`;
}

/** Two decimals, sign written for positive values: "+0.50", "-1.25", "0.00". */
export function formatDioptre(v: number | null): string {
  if (v === null) return '';
  // Parsed values are whole hundredths: their texts are kept in a table instead of calling toFixed
  // (a slow runtime call) for every cell, filled as values first appear.
  const k = Math.round(v * 100);
  if (k >= -TEXTS_SPAN && k <= TEXTS_SPAN && k / 100 === v) {
    const i = k + TEXTS_SPAN;
    let s = DIOPTRE_TEXTS[i]!;
    if (s === '') s = DIOPTRE_TEXTS[i] = dioptreText(v);
    return s;
  }
  return dioptreText(v);
}

function dioptreText(v: number): string {
  const s = roundTo(v, 2).toFixed(2);
  return v > 0 && s !== '0.00' ? `+${s}` : s;
}

/** Hundredths either side of zero with a table entry: ±40.00, past both ranges. */
const TEXTS_SPAN = 4000;
/** dioptreText(k / 100) at k + TEXTS_SPAN; '' until first needed ('' is no dioptre's text). */
const DIOPTRE_TEXTS: string[] = new Array<string>(2 * TEXTS_SPAN + 1).fill('');
