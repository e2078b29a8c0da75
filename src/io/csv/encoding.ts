// Picks a CSV's text encoding by rule, not by statistics (detectors guess Big5
// for short GBK files): BOM → valid UTF-8 → GB18030, which is what Chinese
// Excel writes when it saves "CSV" without a BOM.
import { isAscii } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';

export type CsvEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface DetectedEncoding {
  encoding: CsvEncoding;
  /** Bytes of BOM to skip at the start of the file. */
  bomLength: number;
}

const SAMPLE_BYTES = 1 << 20;
/** How far to look for the first non-ASCII byte when the first megabyte is plain ASCII. */
const MAX_SCAN_BYTES = 64 << 20;

export function bomOf(head: Uint8Array): DetectedEncoding | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return undefined;
}

/**
 * UTF-8 or GB18030, from a sample that starts at a character boundary (file
 * start, or the first non-ASCII byte). `stream: true` lets a character cut at
 * the sample's end pass.
 */
export function utf8OrGb18030(sample: Uint8Array): CsvEncoding {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** UTF-16 text saved without a BOM shows NUL in every other byte of its ASCII characters. */
export function utf16WithoutBom(sample: Uint8Array): CsvEncoding | undefined {
  const n = Math.min(sample.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenNul++;
    if (sample[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.3 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.3 && oddNul < pairs * 0.05) return 'utf-16be';
  return undefined;
}

export async function detectEncoding(fh: FileHandle): Promise<DetectedEncoding> {
  const head = Buffer.alloc(SAMPLE_BYTES);
  const { bytesRead } = await fh.read(head, 0, SAMPLE_BYTES, 0);
  const sample = head.subarray(0, bytesRead);
  const known = bomOf(sample) ?? withoutBom(utf16WithoutBom(sample));
  if (known) return known;
  if (!isAscii(sample) || bytesRead < SAMPLE_BYTES) return { encoding: utf8OrGb18030(sample), bomLength: 0 };
  // An ASCII first megabyte says nothing: the Chinese may start later (English headers, IDs first).
  const window = Buffer.alloc(SAMPLE_BYTES);
  for (let pos = bytesRead; pos < MAX_SCAN_BYTES; ) {
    const { bytesRead: got } = await fh.read(window, 0, SAMPLE_BYTES, pos);
    if (got === 0) break;
    const chunk = window.subarray(0, got);
    if (!isAscii(chunk)) {
      const high = chunk.findIndex((b) => b >= 0x80);
      const { bytesRead: n } = await fh.read(window, 0, SAMPLE_BYTES, pos + high);
      return { encoding: utf8OrGb18030(window.subarray(0, n)), bomLength: 0 };
    }
    pos += got;
  }
  return { encoding: 'utf-8', bomLength: 0 };
}

function withoutBom(encoding: CsvEncoding | undefined): DetectedEncoding | undefined {
  return encoding === undefined ? undefined : { encoding, bomLength: 0 };
}
