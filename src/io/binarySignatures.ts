// Leading bytes of formats that people rename to .xlsx or .csv by mistake (a photo
// of the paper form, the PDF the platform sent, a downloaded archive). Knowing
// what it is lets the message say so instead of blaming the text encoding.
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
 * A head with NUL bytes is not text, unless it is UTF-16 (with a BOM or without):
 * then every byte pair is a character, and only tab, CR and LF are below U+0020.
 * Binary data has 00 00 pairs or other control codes in both byte orders.
 */
export function hasBinaryNul(head: Uint8Array): boolean {
  return head.includes(0) && !plausibleUtf16(head, true) && !plausibleUtf16(head, false);
}

function plausibleUtf16(head: Uint8Array, littleEndian: boolean): boolean {
  const [lo, hi] = littleEndian ? [0, 1] : [1, 0];
  for (let i = 0; i + 1 < head.length; i += 2) {
    const unit = head[i + lo]! | (head[i + hi]! << 8);
    if (unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) return false;
  }
  return true;
}
