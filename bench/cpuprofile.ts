// Turns a V8 .cpuprofile (node --cpu-prof) into where the main thread's milliseconds go:
// self time per function, and per stage of the conversion and per src file. For stages and files,
// time in native and node code (JSON.parse, a SQLite call, a Buffer write, stream plumbing) is
// charged to the nearest shili frame that called it, so "JSON.parse in spill.ts" counts as spilling.
// zlib's inflate/deflate run on libuv's thread pool and never appear here: while the main thread
// waits for them it shows as "(idle)".
// Usage: node dist/bench/cpuprofile.js <file.cpuprofile> [--top 15]
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { originalLine } from './sourceMap.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Hotspot {
  function: string;
  /** src-relative file and 1-based line, or "native (in <caller>)". */
  where: string;
  stage: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  totalMs: number;
  hotspots: Hotspot[];
  /** Time by stage: a function's own time, plus that of native and node code it called. */
  stages: { stage: string; ms: number; pct: number }[];
  /** The same, by shili source file. */
  files: { file: string; ms: number; pct: number }[];
}

/** Stages, by the path of the file a function lives in (first match wins). */
const STAGES: [RegExp, string][] = [
  [/\/src\/io\/xlsx\/(zipReader|zipDirectory|utf8Chunks)\./, 'read: unzip + UTF-8 decode'],
  [/\/src\/io\/xlsx\/(writer|zipWriter)|\/src\/io\/xlsx\/writer\/|\/src\/io\/(outputFile|csvWriter)\./, 'write: XML + deflate hand-off'],
  [/\/src\/io\/xlsx\//, 'read: XML tokenise (sheet, shared strings)'],
  [/\/src\/io\//, 'read: other (open, cell text)'],
  [/\/src\/(read|templates)\//, 'normalise: map columns'],
  [/\/src\/(normalize|vision)\//, 'normalise: parse values'],
  [/\/src\/db\/|\/better-sqlite3\//, 'sqlite (lookups, inserts)'],
  [/\/src\/roster\//, 'roster: rows to students, duplicates'],
  [/\/src\/convert\/spill\./, 'spill: pass-1 rows to a temp file and back'],
  [/\/src\/convert\/(duplicates)\./, 'classify: duplicates'],
  [/\/src\/convert\/(classifyRows|classify|reasons|nationalToCity)\./, 'classify: rows'],
  [/\/src\/convert\/(tierWriters|errorWorkbook|outputs)\./, 'write: rows to cells'],
  [/\/src\//, 'shili: other'],
  [/node_modules\//, 'dependencies'],
  [/^node:internal\/(streams|zlib)|^node:(zlib|stream)/, 'node: streams + zlib glue'],
  [/^node:internal\/(fs|modules|process)|^node:(fs|internal)/, 'node: fs, modules, process'],
  [/^node:/, 'node: other'],
];

const SPECIAL: Record<string, string> = {
  '(garbage collector)': 'GC',
  '(idle)': 'idle (waiting for I/O and zlib threads)',
  '(program)': 'V8 / native, unattributed',
  '(root)': 'V8 / native, unattributed',
};

function stageOf(url: string): string {
  for (const [re, stage] of STAGES) if (re.test(url)) return stage;
  return 'other';
}

/** file:///…/dist/src/io/x.js → src/io/x.ts; node_modules paths shortened. */
function shortFile(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const dist = path.match(/\/dist\/((?:src|bench|fixtures)\/.*)\.js$/);
  if (dist) return `${dist[1]}.ts`;
  const mod = path.match(/node_modules\/(.*)$/);
  if (mod) return mod[1]!;
  return path;
}

export function summarise(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // A sample's time is the gap to the next sample (the last one gets the mean gap).
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  const total = profile.endTime - profile.startTime;
  const mean = samples.length ? total / samples.length : 0;
  for (let i = 0; i < samples.length; i++) {
    const us = i + 1 < timeDeltas.length ? timeDeltas[i + 1]! : mean;
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + Math.max(0, us));
  }

  /** The nearest frame, this one or a caller, whose url passes `test`. */
  const nearest = (id: number, test: (url: string) => boolean): ProfileNode | undefined => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (test(n.callFrame.url)) return n;
    }
    return undefined;
  };
  const hasFile = (url: string): boolean => url !== '';
  const inShili = (url: string): boolean => /\/dist\/src\//.test(url);

  const fns = new Map<string, Hotspot>();
  const stages = new Map<string, number>();
  const files = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number): void => void m.set(k, (m.get(k) ?? 0) + us / 1000);
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    let where: string;
    if (SPECIAL[name] && !url) where = '';
    else if (url) where = `${shortFile(url)}:${originalLine(url, lineNumber, columnNumber) ?? lineNumber + 1}`;
    else {
      const caller = nearest(id, hasFile);
      where = caller ? `native, in ${caller.callFrame.functionName || '(anonymous)'} ${shortFile(caller.callFrame.url)}` : 'native';
    }
    // Stages and files: charged to the shili code that caused the work, else to what ran.
    const owner = nearest(id, inShili) ?? nearest(id, hasFile);
    const stage = SPECIAL[name] && !url ? SPECIAL[name]! : owner ? stageOf(owner.callFrame.url) : 'V8 / native, unattributed';
    const key = `${name}\u0000${where}`;
    const h = fns.get(key) ?? { function: name, where, stage, ms: 0, pct: 0 };
    h.ms += us / 1000;
    fns.set(key, h);
    add(stages, stage, us);
    add(files, owner ? shortFile(owner.callFrame.url) : stage, us);
  }
  const totalMs = total / 1000;
  const pct = (ms: number): number => (totalMs ? (100 * ms) / totalMs : 0);
  const hotspots = [...fns.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((h) => ({ ...h, pct: pct(h.ms) }));
  return {
    totalMs,
    hotspots,
    stages: [...stages].sort((a, b) => b[1] - a[1]).map(([stage, ms]) => ({ stage, ms, pct: pct(ms) })),
    files: [...files].sort((a, b) => b[1] - a[1]).slice(0, top).map(([file, ms]) => ({ file, ms, pct: pct(ms) })),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const lines: string[] = [];
  lines.push(`${(s.totalMs / 1000).toFixed(2)} s profiled`);
  lines.push('');
  lines.push('  by stage                                         ms      %');
  for (const st of s.stages) lines.push(`  ${st.stage.padEnd(44)} ${st.ms.toFixed(0).padStart(7)} ${st.pct.toFixed(1).padStart(6)}`);
  lines.push('');
  lines.push('  by file                                          ms      %');
  for (const f of s.files) lines.push(`  ${f.file.padEnd(44)} ${f.ms.toFixed(0).padStart(7)} ${f.pct.toFixed(1).padStart(6)}`);
  lines.push('');
  lines.push('  top functions (self time)                        ms      %   where');
  s.hotspots.forEach((h, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}. ${h.function.slice(0, 40).padEnd(40)} ${h.ms.toFixed(0).padStart(7)} ${h.pct.toFixed(1).padStart(6)}   ${h.where}  [${h.stage}]`);
  });
  return lines.join('\n');
}

function main(): void {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpuprofile.js <file.cpuprofile> [--top N]');
  const topAt = rest.indexOf('--top');
  const top = topAt >= 0 ? Number(rest[topAt + 1]) : 15;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(formatSummary(summarise(profile, top)) + '\n');
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
