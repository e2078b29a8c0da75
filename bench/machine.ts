// What the numbers were measured on.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';

export interface Machine {
  cpu: string;
  nproc: number;
  memGiB: number;
  node: string;
  exceljs: string;
  loadAvgStart: number[];
  loadAvgNow: () => number[];
}

export function machineInfo(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? cpu;
  } catch {
    /* not Linux: os.cpus() will do */
  }
  let exceljs = 'unknown';
  try {
    exceljs = (createRequire(import.meta.url)('exceljs/package.json') as { version: string }).version;
  } catch {
    /* exports map may hide package.json */
  }
  const round = (xs: number[]): number[] => xs.map((x) => Math.round(x * 100) / 100);
  return {
    cpu,
    nproc: os.availableParallelism(),
    memGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    exceljs,
    loadAvgStart: round(os.loadavg()),
    loadAvgNow: () => round(os.loadavg()),
  };
}
