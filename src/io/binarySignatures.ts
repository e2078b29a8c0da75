// Leading bytes of formats that people rename to .xlsx or .csv by mistake (a photo
// of the paper form, the PDF the platform sent, a downloaded archive). Knowing
// what it is lets the message say so instead of blaming the text encoding.
import { bomOf, utf16WithoutBom } from './csv/encoding.js';

const SIGNATURES: readonly { bytes: readonly number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'PNG 图片' },
  { bytes: [0xff, 0xd8, 0xff], what: 'JPEG 图片' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'GIF 图片' }, // GIF8(7|9)a
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'PDF 文件' }, // %PDF-
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'RAR 压缩包' }, // Rar!
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: '7z 压缩包' },
  { bytes: [0x1f, 0x8b], what: 'gzip 压缩包' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], what: 'TIFF 图片' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], what: 'TIFF 图片' },
];

/** Which known binary format the head starts with, if any. */
export function binaryFormatOf(head: Uint8Array): string | undefined {
  return SIGNATURES.find((s) => s.bytes.every((b, i) => head[i] === b))?.what;
}

/**
 * A head with NUL bytes is not text, unless it is UTF-16: with a BOM, or
 * without one, where the NULs of ASCII characters sit on one side of each byte pair.
 */
export function hasBinaryNul(head: Uint8Array): boolean {
  if (!head.includes(0)) return false;
  const bom = bomOf(head);
  if (bom && bom.encoding !== 'utf-8') return false;
  if (utf16WithoutBom(head)) return false;
  // Looser than utf16WithoutBom: Chinese-heavy UTF-16 has few ASCII NULs, and 一 (U+4E00) puts one on the other side.
  const n = Math.min(head.length, 4096);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) if (head[i] === 0) i & 1 ? odd++ : even++;
  return Math.max(even, odd) < (even + odd) * 0.8;
}
