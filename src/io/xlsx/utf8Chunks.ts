// Inflated XML bytes as UTF-8 chunks for the byte-level tokenizers. UTF-8 (all
// but a handful of real files) passes through untouched, only a leading BOM
// dropped; UTF-16, which the standard allows and a BOM announces, is transcoded.
// No text is decoded here: the tokenizers decode only the values they keep.
import { TextDecoder } from 'node:util';

export async function* utf8Bytes(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let decoder: TextDecoder | undefined;
  let first = true;
  for await (let chunk of bytes) {
    if (first) {
      first = false;
      if (chunk[0] === 0xff && chunk[1] === 0xfe) decoder = new TextDecoder('utf-16le');
      else if (chunk[0] === 0xfe && chunk[1] === 0xff) decoder = new TextDecoder('utf-16be');
      else if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (decoder === undefined) {
      if (chunk.length > 0) yield chunk;
      continue;
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text);
  }
  const tail = decoder?.decode() ?? '';
  if (tail.length > 0) yield Buffer.from(tail);
}
