// The readable part: per-size table of medians, ratios measured in the same run, and the issue's targets.
import type { BenchInput } from './data.js';
import type { BaselineSample, BatchSample, ConvertSample, ExceljsSample, FloorSample, RosterSample } from './jobs.js';
import { stats, type Sample, type Stats } from './measure.js';

export interface SizeResult {
  input: BenchInput;
  roster: RosterSample[];
  convert: ConvertSample[];
  /** The same rows as school files, converted in one command (absent in results saved before it existed). */
  batch?: BatchSample[];
  floor: FloorSample[];
  exceljs: ExceljsSample[];
  baseline: BaselineSample[];
  baselineSkipped?: string;
}

export interface Line {
  label: string;
  /** Wall milliseconds. */
  wall: Stats | null;
  rowsPerS: number | null;
  /** Peak RSS, KiB. */
  rss: Stats | null;
  /** User + system CPU milliseconds of the process, all threads. Less sensitive than wall time to a busy machine. */
  cpu: Stats | null;
  /** Median CPU seconds per wall second: above 1, threads worked in parallel; well below 1, the job waited (for I/O or for a core). */
  cpuPerWall: number | null;
  note?: string;
}

const wallOf = (xs: readonly Sample[]): Stats | null => stats(xs.map((x) => x.wallMs));
const rssOf = (xs: readonly Sample[]): Stats | null => stats(xs.filter((x) => x.peakRssKb !== null).map((x) => x.peakRssKb!));
const cpuMsOf = (xs: readonly Sample[]): Stats | null => stats(xs.filter((x) => x.cpuS !== null).map((x) => x.cpuS! * 1000));
const cpuOf = (xs: readonly Sample[]): number | null =>
  stats(xs.filter((x) => x.cpuS !== null).map((x) => (x.cpuS! * 1000) / x.wallMs))?.median ?? null;

export function lines(r: SizeResult): Line[] {
  const out: Line[] = [];
  const per = (w: Stats | null, n: number): number | null => (w ? n / (w.median / 1000) : null);
  if (r.roster.length) {
    const w = wallOf(r.roster);
    out.push({ label: 'shili roster import', wall: w, rowsPerS: per(w, r.roster[0]!.students), rss: rssOf(r.roster), cpu: cpuMsOf(r.roster), cpuPerWall: cpuOf(r.roster) });
  }
  if (r.convert.length) {
    const w = wallOf(r.convert);
    const c = r.convert[0]!.result;
    out.push({
      label: 'shili convert national-to-city',
      wall: w,
      rowsPerS: per(w, c.rows),
      rss: rssOf(r.convert),
      cpu: cpuMsOf(r.convert), cpuPerWall: cpuOf(r.convert),
      note: `${c.matched} upload, ${c.matchedByIdentity} by identity, ${c.unmatched} unmatched, ${c.merged} merged`,
    });
  }
  if (r.batch?.length) {
    const w = wallOf(r.batch);
    const b = r.batch[0]!;
    const single = wallOf(r.convert);
    const perFile = w ? `${((w.median / b.files) | 0).toLocaleString('en-US')} ms a file` : '';
    out.push({
      label: `shili convert, ${b.files} school files`,
      wall: w,
      rowsPerS: per(w, b.rows),
      rss: rssOf(r.batch),
      cpu: cpuMsOf(r.batch), cpuPerWall: cpuOf(r.batch),
      note: `${fmtInt(b.rows / b.files)} rows each, ${perFile}${single && w ? `; ${(w.median / single.median).toFixed(2)}× the time of the same number of rows in one file` : ''}; ${b.unmatched} unmatched`,
    });
  }
  if (r.baseline.length) {
    const w = wallOf(r.baseline);
    const b = r.baseline[0]!.result;
    const sec = (k: string): string => (stats(r.baseline.map((x) => x.result.seconds[k] ?? 0))!.median).toFixed(1);
    out.push({
      label: 'baseline pandas + openpyxl',
      wall: w,
      rowsPerS: per(w, b.rows),
      rss: rssOf(r.baseline),
      cpu: cpuMsOf(r.baseline), cpuPerWall: cpuOf(r.baseline),
      note: `read roster ${sec('readRoster')} s, national ${sec('readNational')} s, join ${sec('join')} s, write ${sec('write')} s`,
    });
  } else if (r.baselineSkipped) {
    out.push({ label: 'baseline pandas + openpyxl', wall: null, rowsPerS: null, rss: null, cpu: null, cpuPerWall: null, note: `skipped: ${r.baselineSkipped}` });
  }
  if (r.exceljs.length) {
    const w = wallOf(r.exceljs);
    out.push({ label: 'exceljs stream read + write', wall: w, rowsPerS: per(w, r.exceljs[0]!.result.rows), rss: rssOf(r.exceljs), cpu: cpuMsOf(r.exceljs), cpuPerWall: cpuOf(r.exceljs) });
  }
  if (r.floor.length) {
    // The floor is the zlib work alone, timed inside its process (no start-up, no preparation).
    const w = stats(r.floor.map((f) => f.result.floorMs));
    const f = r.floor[0]!.result;
    const med = (k: 'inflateMs' | 'deflateMs' | 'sharedStringsInflateMs'): string => (stats(r.floor.map((x) => x.result[k]))!.median / 1000).toFixed(2);
    out.push({
      label: 'floor: zlib inflate + deflate',
      wall: w,
      rowsPerS: per(w, r.input.rows),
      rss: null,
      // Sequential zlib calls: the CPU time is the time.
      cpu: w,
      cpuPerWall: null,
      note:
        `inflate ${mb(f.inputXmlBytes)} sheet XML ${med('inflateMs')} s + deflate ${mb(f.outputXmlBytes)} ` +
        `${f.outputSource === 'shili-outputs' ? "of shili's output XML" : 'of input XML again'} at level ${f.level} ${med('deflateMs')} s` +
        ` (shared strings ${mb(f.sharedStringsBytes)}: ${med('sharedStringsInflateMs')} s, not counted)`,
    });
  }
  return out;
}

export interface Ratios {
  shiliOverBaseline: number | null;
  shiliOverExceljs: number | null;
  shiliOverFloor: number | null;
  /** The same by CPU time (user + system), which a busy machine disturbs less. */
  cpu: { shiliOverBaseline: number | null; shiliOverExceljs: number | null; shiliOverFloor: number | null };
}

export function ratios(r: SizeResult): Ratios {
  const floorMs = stats(r.floor.map((f) => f.result.floorMs))?.median;
  const over = (shili: number | undefined, other: number | undefined): number | null => (shili !== undefined && other ? shili / other : null);
  const wall = wallOf(r.convert)?.median;
  const cpu = cpuMsOf(r.convert)?.median;
  return {
    shiliOverBaseline: over(wall, wallOf(r.baseline)?.median),
    shiliOverExceljs: over(wall, wallOf(r.exceljs)?.median),
    shiliOverFloor: over(wall, floorMs),
    cpu: {
      shiliOverBaseline: over(cpu, cpuMsOf(r.baseline)?.median),
      shiliOverExceljs: over(cpu, cpuMsOf(r.exceljs)?.median),
      shiliOverFloor: over(cpu, floorMs),
    },
  };
}

export interface Target {
  name: string;
  measured: string;
  holds: boolean | null;
  by: string;
}

const MIB = 1024;

export function targets(results: readonly SizeResult[]): Target[] {
  const out: Target[] = [];
  const at = (n: number): SizeResult | undefined => results.find((r) => r.input.rows === n);
  const ref = at(200_000);
  const pctOver = (value: number, limit: number): string => `${value <= limit ? 'under' : 'over'} by ${Math.abs((100 * (value - limit)) / limit).toFixed(0)}%`;
  if (ref?.convert.length) {
    const w = wallOf(ref.convert)!.median / 1000;
    out.push({ name: '200k national-to-city median wall < 6 s', measured: `${w.toFixed(2)} s`, holds: w < 6, by: pctOver(w, 6) });
    const ra = ratios(ref);
    if (ra.shiliOverBaseline !== null) {
      const x = 1 / ra.shiliOverBaseline;
      const byCpu = ra.cpu.shiliOverBaseline ? `; by CPU time ${(1 / ra.cpu.shiliOverBaseline).toFixed(1)}×` : '';
      out.push({ name: '200k: ≥ 20× faster than pandas baseline', measured: `${x.toFixed(1)}×${byCpu}`, holds: x >= 20, by: x >= 20 ? `${(x / 20).toFixed(2)}× the target` : `needs ${(20 / x).toFixed(2)}× faster` });
    } else out.push({ name: '200k: ≥ 20× faster than pandas baseline', measured: 'not measured', holds: null, by: '' });
    if (ra.shiliOverFloor !== null) {
      const byCpu = ra.cpu.shiliOverFloor ? `; by CPU time ${ra.cpu.shiliOverFloor.toFixed(2)}×` : '';
      out.push({ name: '200k: within 3× of the floor', measured: `${ra.shiliOverFloor.toFixed(2)}×${byCpu}`, holds: ra.shiliOverFloor <= 3, by: pctOver(ra.shiliOverFloor, 3) });
    }
    const rss = rssOf(ref.convert);
    if (rss) {
      const m = rss.median / MIB;
      out.push({ name: '200k: peak RSS < 250 MiB', measured: `${m.toFixed(0)} MiB`, holds: m < 250, by: pctOver(m, 250) });
    }
  }
  const small = at(50_000);
  const big = at(500_000);
  const rs = small && rssOf(small.convert);
  const rb = big && rssOf(big.convert);
  if (rs && rb) {
    const x = rb.median / rs.median;
    out.push({ name: '500k convert peak RSS ≤ 1.3× the 50k run', measured: `${x.toFixed(2)}× (${(rb.median / MIB).toFixed(0)} vs ${(rs.median / MIB).toFixed(0)} MiB)`, holds: x <= 1.3, by: pctOver(x, 1.3) });
  }
  for (const r of results) {
    if (!r.roster.length) continue;
    const w = wallOf(r.roster)!.median / 1000;
    const perS = r.roster[0]!.students / w;
    out.push({ name: `roster import ≥ 100,000 students/s (${fmtInt(r.input.rows)})`, measured: `${fmtInt(perS)}/s`, holds: perS >= 100_000, by: perS >= 100_000 ? `${(perS / 100_000).toFixed(2)}× the target` : `short by ${((100 * (100_000 - perS)) / 100_000).toFixed(0)}%` });
  }
  return out;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

const sec = (ms: number | undefined): string => (ms === undefined ? '' : `${(ms / 1000).toFixed(2)} s`);

export function formatSize(r: SizeResult): string {
  const rows: string[][] = [['', 'median', 'min', 'max', 'n', 'rows/s', 'peak RSS', 'CPU', 'CPU/wall']];
  for (const l of lines(r)) {
    rows.push([
      l.label,
      sec(l.wall?.median),
      sec(l.wall?.min),
      sec(l.wall?.max),
      l.wall ? String(l.wall.n) : '',
      l.rowsPerS === null ? '' : fmtInt(l.rowsPerS),
      l.rss ? `${(l.rss.median / MIB).toFixed(0)} MiB` : '',
      sec(l.cpu?.median),
      l.cpuPerWall === null ? '' : l.cpuPerWall.toFixed(2),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const text = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  const notes = lines(r)
    .filter((l) => l.note)
    .map((l) => `  ${l.label}: ${l.note}`);
  const ra = ratios(r);
  const ratio = (label: string, x: number | null): string => (x === null ? '' : `${label} ${x.toFixed(3)}${x < 1 ? ` (${(1 / x).toFixed(1)}× faster)` : ''}`);
  const ratioLine = [ratio('shili/baseline', ra.shiliOverBaseline), ratio('shili/exceljs', ra.shiliOverExceljs), ratio('shili/floor', ra.shiliOverFloor)]
    .filter(Boolean)
    .join(' · ');
  const cpuLine = [ratio('shili/baseline', ra.cpu.shiliOverBaseline), ratio('shili/exceljs', ra.cpu.shiliOverExceljs), ratio('shili/floor', ra.cpu.shiliOverFloor)]
    .filter(Boolean)
    .join(' · ');
  return [
    `${fmtInt(r.input.rows)} rows — national.xlsx ${mb(r.input.bytes.national)}, roster.xlsx ${mb(r.input.bytes.roster)} (${fmtInt(r.input.students)} students)`,
    ...text.map((t) => `  ${t}`),
    ...(ratioLine ? [`  wall ratios (medians): ${ratioLine}`] : []),
    ...(cpuLine ? [`  CPU ratios (medians):  ${cpuLine}`] : []),
    ...notes,
  ].join('\n');
}

export function formatTargets(ts: readonly Target[]): string {
  return ts
    .map((t) => `  ${t.holds === null ? '  ?' : t.holds ? 'yes' : ' NO'}  ${t.name}: ${t.measured}${t.by ? ` (${t.by})` : ''}`)
    .join('\n');
}
