// Sphere and cylinder in dioptres (DOMAIN.md "Values"): signed, two decimals, each with its own range.
import type { Cell } from '../io/table.js';
import { CYLINDER_MAX, CYLINDER_MIN, SPHERE_MAX, SPHERE_MIN } from '../vision/rules.js';
import { compactValue, excelErrorProblem, isPlaceholder, shown } from './cellInput.js';
import { EMPTY, ok, problem, type Normalized } from './result.js';
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
  const r = roundTo(v, 2);
  if (r >= kind.min && r <= kind.max) return ok(r);
  return problem('INVALID_VALUE', `${kind.name}「${shown(raw)}」超出范围：${accepted(kind)}`);
}

function accepted(kind: DioptreKind): string {
  return `${kind.name}请填写 ${formatDioptre(kind.min)} 到 ${formatDioptre(kind.max)} 之间的屈光度（如 -1.25、+0.50、平光）`;
}

/** Two decimals, sign written for positive values: "+0.50", "-1.25", "0.00". */
export function formatDioptre(v: number | null): string {
  if (v === null) return '';
  const s = roundTo(v, 2).toFixed(2);
  return v > 0 && s !== '0.00' ? `+${s}` : s;
}
