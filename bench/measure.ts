// Runs one command as a child process and measures it from outside: wall time around the spawn,
// peak RSS and CPU time from GNU time (`/usr/bin/time -f`), which reads them from wait4's rusage.
// Without GNU time, node children report process.resourceUsage() from an exit hook (rssHook.ts)
// and the Python baseline reports its own getrusage; see peakRssSource.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export type RssSource = 'gnu-time' | 'child-self-report' | 'none';

export interface Sample {
  wallMs: number;
  /** Peak resident set size of the child, in KiB. */
  peakRssKb: number | null;
  /** User + system CPU seconds of the child (all its threads): above wall time means work ran in parallel. */
  cpuS: number | null;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunSpec {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that count as success (shili exits 3 when some rows need a person). */
  okCodes?: number[];
}

export function rssSource(): RssSource {
  return existsSync(GNU_TIME) ? 'gnu-time' : 'child-self-report';
}

export async function measure(spec: RunSpec): Promise<Sample> {
  const scratch = mkdtempSync(join(tmpdir(), 'shili-bench-'));
  const timeFile = join(scratch, 'time.txt');
  const rssFile = join(scratch, 'rss.txt');
  const useGnuTime = rssSource() === 'gnu-time';
  const [command, args] = useGnuTime
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, spec.command, ...spec.args]]
    : [spec.command, spec.args];
  const env = { ...process.env, ...spec.env, SHILI_BENCH_RSS_FILE: rssFile, NO_COLOR: '1', CI: '1' };
  try {
    const t0 = process.hrtime.bigint();
    const { code, stdout, stderr } = await run(command, args, { cwd: spec.cwd, env });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const ok = spec.okCodes ?? [0];
    if (!ok.includes(code)) {
      throw new Error(`${spec.command} ${spec.args.join(' ')} exited with ${code}\n${stdout.slice(-1000)}${stderr.slice(-2000)}`);
    }
    let peakRssKb: number | null = null;
    let cpuS: number | null = null;
    if (useGnuTime) {
      // GNU time writes "Command exited with non-zero status 3" above the format line in that case.
      const line = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
      const [m, u, s] = line.split(/\s+/).map(Number);
      peakRssKb = Number.isFinite(m) ? m! : null;
      cpuS = Number.isFinite(u) && Number.isFinite(s) ? u! + s! : null;
    } else if (existsSync(rssFile)) {
      const self = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKb: number; cpuS: number };
      peakRssKb = self.maxRssKb;
      cpuS = self.cpuS;
    }
    return { wallMs, peakRssKb, cpuS, exitCode: code, stdout, stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], opts: { cwd?: string | undefined; env: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stats(values: readonly number[]): Stats | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}
