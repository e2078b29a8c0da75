// The shared string table, parsed as it streams out of the zip. Rich text is
// flattened to its visible characters; phonetic guides (<rPh>, pinyin or
// furigana annotations) are not part of the visible text and are skipped.
// A lean tokenizer of its own: the table of a district file holds hundreds of
// thousands of strings, and it needs no attributes, only tag names and text.
import { skipSpecial, textWithCdata } from './sheetTokens.js';
import { utf8Chunks } from './utf8Chunks.js';
import { MAX_PENDING_CHARS, XmlStructureError } from './xmlScan.js';
import { decodeStringValue } from './xmlText.js';
import type { ZipEntry, ZipReader } from './zipReader.js';

export class SharedStringsParser {
  readonly strings: string[] = [];
  private rest = '';
  private current = '';
  private inItem = false;
  private inText = false;
  private phonetic = 0;

  write(chunk: string): void {
    const buf = this.rest.length === 0 ? chunk : this.rest + chunk;
    let pos = 0;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      if (lt === -1 || lt + 1 >= buf.length) break;
      const c = buf.charCodeAt(lt + 1);
      if (c === 33 /* ! */ || c === 63 /* ? */) {
        // CDATA inside <t> is text; anything else (comments, declarations) is skipped.
        if (this.inText && buf.startsWith('<![CDATA[', lt)) {
          const r = textWithCdata(buf, pos);
          if (r === undefined) break;
          this.text(r.text);
          pos = r.end;
          continue;
        }
        const end = skipSpecial(buf, lt);
        if (end === -1) break;
        pos = end;
        continue;
      }
      const gt = buf.indexOf('>', lt + 1);
      if (gt === -1) break;
      if (this.inText && lt > pos) this.text(buf.slice(pos, lt));
      this.tag(buf, lt, gt);
      pos = gt + 1;
    }
    this.rest = pos >= buf.length ? '' : buf.slice(pos);
    if (this.rest.length > MAX_PENDING_CHARS) throw new XmlStructureError('共享字符串中有异常长的内容');
  }

  private text(raw: string): void {
    if (this.phonetic === 0) this.current += raw;
  }

  private tag(buf: string, lt: number, gt: number): void {
    const closing = buf.charCodeAt(lt + 1) === 47;
    const selfClosing = !closing && buf.charCodeAt(gt - 1) === 47;
    let nameEnd = closing ? lt + 2 : lt + 1;
    let ns = nameEnd;
    for (; nameEnd < gt; nameEnd++) {
      const ch = buf.charCodeAt(nameEnd);
      if (ch <= 32 || ch === 47) break;
      if (ch === 58 /* : */) ns = nameEnd + 1;
    }
    const len = nameEnd - ns;
    const first = buf.charCodeAt(ns);
    if (len === 1 && first === 116 /* t */) {
      this.inText = !closing && !selfClosing && this.inItem;
    } else if (len === 2 && first === 115 /* s */ && buf.charCodeAt(ns + 1) === 105 /* i */) {
      if (!closing) {
        this.inItem = true;
        this.current = '';
      }
      // Even <si/> takes an index.
      if ((closing || selfClosing) && this.inItem) {
        this.strings.push(decodeStringValue(this.current));
        this.inItem = false;
        this.inText = false;
      }
    } else if (len === 3 && buf.startsWith('rPh', ns) && !selfClosing) {
      this.phonetic = closing ? Math.max(0, this.phonetic - 1) : this.phonetic + 1;
    }
  }
}

export async function readSharedStrings(zip: ZipReader, entry: ZipEntry): Promise<string[]> {
  const parser = new SharedStringsParser();
  // Every string is kept for the whole read: a bomb here would sit in memory, not pass through.
  for await (const text of utf8Chunks(zip.stream(entry, { wholeInMemory: true }))) parser.write(text);
  return parser.strings;
}
