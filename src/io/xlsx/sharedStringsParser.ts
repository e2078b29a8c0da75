// Reads xl/sharedStrings.xml into a SharedStrings table. Rich text is flattened
// to its visible characters; phonetic guides (<rPh>, pinyin or furigana
// annotations) are not part of the visible text and are skipped. The parser
// works on the inflated bytes, so a character split between two chunks needs no
// care: the bytes are joined before anything decodes them. The text is handed
// to a SharedStringsBuilder a segment at a time (cut between strings), so the
// parser holds one segment, not the whole table.
import { SharedStringsBuilder, type SharedStrings, type SharedStringsLimits } from './sharedStrings.js';
import { bytesAre, findByte, skipSpecial } from './sheetTokens.js';
import { utf8Bytes } from './utf8Chunks.js';
import { MAX_PENDING_CHARS, XmlStructureError } from './xmlScan.js';
import { decodeStringValue } from './xmlText.js';
import type { ZipEntry, ZipReader } from './zipReader.js';

/**
 * Streaming parser of sharedStrings.xml bytes. Text inside <t> is copied byte
 * for byte as it arrives; an item whose text holds an entity, a CR, CDATA or an
 * "_xHHHH_" escape is decoded once at its end and stored decoded.
 */
export class SharedStringsParser {
  private readonly builder: SharedStringsBuilder;
  /** The current segment's text; offsets[i] is where its string i starts, relative to it. */
  private text: Buffer;
  private length = 0;
  private offsets = new Uint32Array(1024);
  private count = 0;
  /** The segment is handed on once a string ends at or beyond this many bytes. */
  private cutAt: number;
  private rest: Buffer | undefined;
  private inItem = false;
  private inText = false;
  private phonetic = 0;
  /** The current item needs decoding: it holds '&', CR, '_' or CDATA. */
  private special = false;

  /** `sizeHint`: the part's uncompressed size, an upper bound for its text. */
  constructor(sizeHint = 64 * 1024, limits?: Partial<SharedStringsLimits>) {
    this.builder = new SharedStringsBuilder(limits);
    this.cutAt = this.builder.segmentBytes;
    // A segment plus the inflated chunk that completes it.
    this.text = Buffer.allocUnsafeSlow(Math.max(Math.min(sizeHint, this.cutAt + 512 * 1024), 1024));
  }

  write(chunk: Buffer | string): void {
    const input = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const buf = this.rest === undefined ? input : Buffer.concat([this.rest, input]);
    this.reserve(buf.length);
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      if (this.inText && this.phonetic === 0) {
        pos = this.copyText(buf, pos);
        if (pos === n) break;
      } else if (buf[pos] !== 60) {
        const lt = findByte(buf, 60 /* < */, pos);
        if (lt === -1) {
          pos = n;
          break;
        }
        pos = lt;
      }
      // At a '<'.
      if (pos + 1 >= n) break;
      const c = buf[pos + 1];
      if (c === 33 /* ! */ || c === 63 /* ? */) {
        const end = skipSpecial(buf, pos);
        if (end === -1) break;
        // CDATA inside <t> is text; anything else (comments, declarations) is skipped.
        if (this.inText && this.phonetic === 0 && bytesAre(buf, pos, '<![CDATA[')) this.copyCdata(buf, pos + 9, end - 3);
        pos = end;
        continue;
      }
      const gt = findByte(buf, 62 /* > */, pos + 1);
      if (gt === -1) break;
      this.tag(buf, pos, gt);
      pos = gt + 1;
    }
    this.rest = pos >= n ? undefined : Buffer.from(buf.subarray(pos));
    if (n - pos > MAX_PENDING_CHARS) throw new XmlStructureError('共享字符串中有异常长的内容');
  }

  /** The table. The parser is done after this. */
  finish(): SharedStrings {
    this.cut();
    this.text = Buffer.alloc(0);
    this.offsets = new Uint32Array(1);
    return this.builder.finish();
  }

  /** Drops what was read, removing any temp file. The parser is done after this. */
  abort(): void {
    this.builder.abort();
    this.text = Buffer.alloc(0);
    this.offsets = new Uint32Array(1);
  }

  /** Copies text up to the next '<' (or the end of the buffer); returns where it stopped. */
  private copyText(buf: Buffer, from: number): number {
    const out = this.text;
    const n = buf.length;
    let len = this.length;
    let special = false;
    let i = from;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c === 60 /* < */) break;
      if (c === 38 /* & */ || c === 13 /* CR */ || c === 95 /* _ */) special = true;
      out[len++] = c;
    }
    this.length = len;
    if (special) this.special = true;
    return i;
  }

  /** CDATA content is literal: escaped here so that the item decodes like ordinary text. */
  private copyCdata(buf: Buffer, from: number, to: number): void {
    const escaped = Buffer.from(buf.toString('utf8', from, to).replace(/&/g, '&amp;').replace(/</g, '&lt;'));
    this.reserve(escaped.length);
    this.length += escaped.copy(this.text, this.length);
    this.special = true;
  }

  private tag(buf: Buffer, lt: number, gt: number): void {
    const closing = buf[lt + 1] === 47;
    const selfClosing = !closing && buf[gt - 1] === 47;
    let nameEnd = closing ? lt + 2 : lt + 1;
    let ns = nameEnd;
    for (; nameEnd < gt; nameEnd++) {
      const ch = buf[nameEnd]!;
      if (ch <= 32 || ch === 47) break;
      if (ch === 58 /* : */) ns = nameEnd + 1;
    }
    const len = nameEnd - ns;
    const first = buf[ns];
    if (len === 1 && first === 116 /* t */) {
      this.inText = !closing && !selfClosing && this.inItem;
    } else if (len === 2 && first === 115 /* s */ && buf[ns + 1] === 105 /* i */) {
      if (!closing) {
        this.inItem = true;
        this.length = this.offsets[this.count]!;
        this.special = false;
      }
      // Even <si/> takes an index.
      if ((closing || selfClosing) && this.inItem) {
        this.endItem();
        this.inItem = false;
        this.inText = false;
      }
    } else if (len === 3 && bytesAre(buf, ns, 'rPh') && !selfClosing) {
      this.phonetic = closing ? Math.max(0, this.phonetic - 1) : this.phonetic + 1;
    }
  }

  private endItem(): void {
    const start = this.offsets[this.count]!;
    if (this.special) {
      const raw = this.text.toString('utf8', start, this.length);
      const value = decodeStringValue(raw);
      if (value !== raw) {
        this.length = start;
        this.reserve(Buffer.byteLength(value));
        this.length += this.text.write(value, start);
      }
    }
    if (this.count + 2 > this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[++this.count] = this.length;
    if (this.length >= this.cutAt) this.cut();
  }

  /** Hands the finished strings of the segment to the builder and starts the next one. */
  private cut(): void {
    this.builder.add(this.text, this.offsets, this.count);
    this.count = 0;
    this.length = 0;
    this.cutAt = this.builder.segmentBytes;
  }

  /** Room for `more` bytes after the current text. */
  private reserve(more: number): void {
    const need = this.length + more;
    if (need <= this.text.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(need, this.text.length * 2));
    this.text.copy(grown, 0, 0, this.length);
    this.text = grown;
  }
}

/** The table; it may hold a temp file, which SharedStrings.close() removes. */
export async function readSharedStrings(zip: ZipReader, entry: ZipEntry, limits?: Partial<SharedStringsLimits>): Promise<SharedStrings> {
  const parser = new SharedStringsParser(entry.uncompressedSize, limits);
  try {
    // Every string is kept for the whole read: a bomb here would fill the disk, if not memory.
    for await (const bytes of utf8Bytes(zip.stream(entry, { wholeInMemory: true }))) parser.write(bytes);
    return parser.finish();
  } catch (err) {
    parser.abort();
    throw err;
  }
}
