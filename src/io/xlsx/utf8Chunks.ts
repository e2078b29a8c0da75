// Turns inflated XML bytes into text chunk by chunk. Pure-ASCII chunks (most of
// a worksheet that uses shared strings) take a latin1 copy, about 3× faster than
// TextDecoder; anything else goes through a streaming TextDecoder, which carries
// multi-byte characters split across chunk boundaries.
import { isAscii } from 'node:buffer';

export async function* utf8Chunks(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  // ignoreBOM: a U+FEFF inside the data is content; the leading BOM is dropped by hand below.
  let decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let first = true;
  let pending = false;
  for await (let chunk of bytes) {
    if (first) {
      first = false;
      if (chunk[0] === 0xff && chunk[1] === 0xfe) decoder = new TextDecoder('utf-16le');
      else if (chunk[0] === 0xfe && chunk[1] === 0xff) decoder = new TextDecoder('utf-16be');
      else if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (!pending && decoder.encoding === 'utf-8' && isAscii(chunk)) {
      yield chunk.toString('latin1');
      continue;
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield text;
    pending = decoder.encoding !== 'utf-8' || !endsOnBoundary(chunk);
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/** True when the chunk does not end inside a UTF-8 sequence (so the decoder holds nothing back). */
function endsOnBoundary(chunk: Buffer): boolean {
  let i = chunk.length - 1;
  let cont = 0;
  while (i >= 0 && cont < 4 && (chunk[i]! & 0xc0) === 0x80) {
    i--;
    cont++;
  }
  if (i < 0) return cont === 0;
  const lead = chunk[i]!;
  const need = lead < 0x80 ? 0 : lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need === cont;
}
