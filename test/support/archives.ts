/**
 * Archives built byte by byte for the gate tests (no zip/tar program needed): what the gate must open.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** A zip of one deflated entry, as `zip` writes it (offsets from its own start). */
export function deflatedZip(name: string, text: string): Buffer {
  return zipOfOne(name, text, 'deflated');
}

/**
 * A zip of one entry, deflated or stored. `listedSize`: the sizes its central directory gives, when they
 * are to differ from the local header's (what a streaming reader goes by).
 */
export function zipOfOne(name: string, text: string, how: 'deflated' | 'stored', listedSize?: number): Buffer {
  const data = Buffer.from(text);
  const method = how === 'deflated' ? 8 : 0;
  const packed = how === 'deflated' ? deflateRawSync(data) : data;
  const n = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(method, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(listedSize ?? packed.length, 20);
  central.writeUInt32LE(listedSize ?? data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const cdAt = 30 + n.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(cdAt, 16);
  return Buffer.concat([local, n, packed, central, n, end]);
}

/** A ustar archive of regular files (headers with their checksums, 512-byte blocks, two zero blocks at the end). */
export function tarOf(entries: Array<[string, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of entries) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 'utf8');
    h.write('0000644\0', 100);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('ustar\0' + '00', 257);
    h[156] = 0x30;
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const c of h) sum += c;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

/** An ar archive (a .deb's wrapper). */
export function arOf(entries: Array<[string, Buffer]>): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')];
  for (const [name, data] of entries) {
    parts.push(Buffer.from(`${name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(data.length).padEnd(10)}\x60\n`, 'latin1'), data);
    if (data.length % 2) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}
