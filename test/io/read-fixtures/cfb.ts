// Builds the smallest OLE2 (Compound File) container that names the given
// streams: enough for sniffing to tell a legacy .xls from an encrypted .xlsx.

const FREE = 0xffffffff;
const END = 0xfffffffe;
const FAT_SECTOR = 0xfffffffd;

export function buildCfb(streamNames: string[]): Buffer {
  const header = Buffer.alloc(512, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(1, 0x30); // directory starts at sector 1
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(END, 0x3c);
  header.writeUInt32LE(END, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREE, 0x4c + i * 4);

  const names = ['Root Entry', ...streamNames];
  const dirSectors = Math.ceil(names.length / 4);
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(FAT_SECTOR, 0);
  for (let s = 0; s < dirSectors; s++) fat.writeUInt32LE(s === dirSectors - 1 ? END : s + 2, (s + 1) * 4);

  const dir = Buffer.alloc(dirSectors * 512, 0);
  names.forEach((name, i) => {
    const off = i * 128;
    const bytes = Buffer.from(`${name}\0`, 'utf16le');
    bytes.copy(dir, off);
    dir.writeUInt16LE(bytes.length, off + 64);
    dir[off + 66] = i === 0 ? 5 : 2;
    dir.writeUInt32LE(FREE, off + 68);
    dir.writeUInt32LE(FREE, off + 72);
    dir.writeUInt32LE(FREE, off + 76);
    dir.writeUInt32LE(END, off + 116);
  });
  return Buffer.concat([header, fat, dir]);
}
