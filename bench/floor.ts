// The floor: what the data itself costs with node's zlib and nothing else.
//   timed 1: inflate the input worksheet XML, streamed from the file, output discarded;
//   timed 2: deflate the output XML at the level shili's writer uses.
// The output XML is the worksheets inside shili's own outputs when given (inflated into memory
// before the clock starts), else the input XML again. Shared strings are inflated and timed
// separately for information; they are not part of the floor.
// Usage: node dist/bench/floor.js --input national.xlsx --level 1 [--output a.xlsx ...]
// Prints one JSON object on stdout.
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createDeflateRaw, createInflateRaw } from 'node:zlib';
import { compressedStream, inflateWhole, listEntries, worksheetEntries, type ZipEntry } from './zipEntries.js';

const CHUNK = 256 * 1024;

export interface FloorResult {
  inflateMs: number;
  deflateMs: number;
  /** inflate + deflate: the floor. */
  floorMs: number;
  sharedStringsInflateMs: number;
  inputXmlBytes: number;
  sharedStringsBytes: number;
  outputXmlBytes: number;
  outputSource: 'shili-outputs' | 'input-again';
  level: number;
}

async function inflateMs(path: string, entry: ZipEntry): Promise<{ ms: number; bytes: number }> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done();
    },
  });
  const t0 = performance.now();
  await pipeline(compressedStream(path, entry), createInflateRaw({ chunkSize: CHUNK }), sink);
  return { ms: performance.now() - t0, bytes };
}

async function deflateMs(buffers: readonly Buffer[], level: number): Promise<number> {
  const deflate = createDeflateRaw({ level, chunkSize: CHUNK });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const t0 = performance.now();
  const piped = pipeline(deflate, sink);
  for (const buf of buffers) {
    for (let off = 0; off < buf.length; off += CHUNK) {
      if (!deflate.write(buf.subarray(off, Math.min(off + CHUNK, buf.length)))) {
        await new Promise<void>((resolve) => deflate.once('drain', () => resolve()));
      }
    }
  }
  deflate.end();
  await piped;
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { input: { type: 'string' }, level: { type: 'string', default: '1' }, output: { type: 'string', multiple: true } },
  });
  if (!values.input) throw new Error('--input is required');
  const level = Number(values.level);
  const entries = await listEntries(values.input);
  const sheet = worksheetEntries(entries)[0];
  if (!sheet) throw new Error(`${values.input}: no worksheet`);
  const sst = entries.find((e) => e.name.toLowerCase() === 'xl/sharedstrings.xml');

  // Untimed: the bytes to deflate.
  let outputs: Buffer[] = [];
  let outputSource: FloorResult['outputSource'] = 'shili-outputs';
  for (const file of values.output ?? []) {
    for (const e of worksheetEntries(await listEntries(file))) outputs.push(inflateWhole(file, e));
  }
  if (outputs.length === 0) {
    outputs = [inflateWhole(values.input, sheet)];
    outputSource = 'input-again';
  }

  const sstRun = sst ? await inflateMs(values.input, sst) : { ms: 0, bytes: 0 };
  const inflated = await inflateMs(values.input, sheet);
  const deflated = await deflateMs(outputs, level);
  const result: FloorResult = {
    inflateMs: inflated.ms,
    deflateMs: deflated,
    floorMs: inflated.ms + deflated,
    sharedStringsInflateMs: sstRun.ms,
    inputXmlBytes: inflated.bytes,
    sharedStringsBytes: sstRun.bytes,
    outputXmlBytes: outputs.reduce((n, b) => n + b.length, 0),
    outputSource,
    level,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

await main();
