// Lists the stream names inside an OLE2 (Compound File Binary) container.
// Only used to tell a legacy .xls from a password-protected .xlsx: Office stores
// an encrypted OOXML file as OLE2 with "EncryptionInfo" and "EncryptedPackage" streams.
import type { FileHandle } from 'node:fs/promises';

const END_OF_CHAIN = 0xfffffffe;
const MAX_SECTOR = 0xfffffffa;
/** Directory chains longer than this are treated as corrupt (a loop in the FAT). */
const MAX_DIR_SECTORS = 4096;

export const OLE2_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Names of all directory entries, or undefined when the container cannot be parsed. */
export async function ole2EntryNames(fh: FileHandle): Promise<string[] | undefined> {
  const header = await readAt(fh, 0, 512);
  if (header.length < 512 || !header.subarray(0, 8).equals(OLE2_SIGNATURE)) return undefined;
  const shift = header.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return undefined;
  const sectorSize = 1 << shift;
  const perSector = sectorSize / 4;

  const fatSectors = await fatSectorList(fh, header, sectorSize);
  if (!fatSectors) return undefined;
  const fatCache = new Map<number, Buffer>();
  const nextSector = async (s: number): Promise<number | undefined> => {
    const fatSector = fatSectors[Math.floor(s / perSector)];
    if (fatSector === undefined || fatSector > MAX_SECTOR) return undefined;
    let fat = fatCache.get(fatSector);
    if (!fat) {
      fat = await readAt(fh, (fatSector + 1) * sectorSize, sectorSize);
      fatCache.set(fatSector, fat);
    }
    const off = (s % perSector) * 4;
    return off + 4 <= fat.length ? fat.readUInt32LE(off) : undefined;
  };

  const names: string[] = [];
  let sector = header.readUInt32LE(0x30);
  for (let n = 0; sector !== END_OF_CHAIN; n++) {
    if (sector > MAX_SECTOR || n > MAX_DIR_SECTORS) return undefined;
    const dir = await readAt(fh, (sector + 1) * sectorSize, sectorSize);
    if (dir.length < sectorSize) return undefined;
    for (let off = 0; off + 128 <= dir.length; off += 128) {
      const nameBytes = dir.readUInt16LE(off + 64);
      const type = dir[off + 66];
      if (type === 0 || nameBytes < 2 || nameBytes > 64) continue;
      names.push(dir.toString('utf16le', off, off + nameBytes - 2));
    }
    const next = await nextSector(sector);
    if (next === undefined) return undefined;
    sector = next;
  }
  return names;
}

/** FAT sector numbers: the 109 in the header, then the DIFAT chain for big files. */
async function fatSectorList(fh: FileHandle, header: Buffer, sectorSize: number): Promise<number[] | undefined> {
  const count = header.readUInt32LE(0x2c);
  const list: number[] = [];
  for (let i = 0; i < 109 && list.length < count; i++) list.push(header.readUInt32LE(0x4c + i * 4));
  let difat = header.readUInt32LE(0x44);
  for (let guard = 0; list.length < count && difat <= MAX_SECTOR; guard++) {
    if (guard > MAX_DIR_SECTORS) return undefined;
    const buf = await readAt(fh, (difat + 1) * sectorSize, sectorSize);
    if (buf.length < sectorSize) return undefined;
    const per = sectorSize / 4 - 1;
    for (let i = 0; i < per && list.length < count; i++) list.push(buf.readUInt32LE(i * 4));
    difat = buf.readUInt32LE(per * 4);
  }
  return list;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}
