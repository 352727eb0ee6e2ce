/**
 * Bytes -> text for scanning, for every source (files, stdin, git blobs): binary detection as git does it
 * (a NUL in the first 8000 bytes; UTF-16 with a BOM is text), Git LFS pointers, and decoding: UTF-8
 * (invalid sequences become U+FFFD, so the rest of the file is still scanned) or UTF-16 with a BOM.
 */
import { isAscii } from 'node:buffer';
import type { Skipped } from './source.js';

const SNIFF = 8000;
const LFS_PREFIX = Buffer.from('version https://git-lfs.github.com/spec/');

function utf16Bom(b: Uint8Array): 'le' | 'be' | undefined {
  // FF FE 00 00 is UTF-32 LE's BOM: binary (NULs), whose strings a gate reads (binary-text.ts), not UTF-16.
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return undefined;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'be';
  return undefined;
}

/** UTF-16 with a BOM: the only text we decode whose ASCII characters are not single ASCII bytes. */
export function isUtf16(b: Uint8Array): boolean {
  return utf16Bom(b) !== undefined;
}

/**
 * A Git LFS pointer (docs/spec.md of git-lfs): `version https://git-lfs.github.com/spec/v1`, then optional
 * `ext-<digit>-<name> sha256:<64 hex>` extension lines, `oid sha256:<64 hex>` and `size <n>`, each ending
 * in LF, and nothing else. Only such a file is skipped (its content lives in LFS storage): a file that
 * merely starts with the version line, or carries any other line, is scanned.
 */
const LFS_POINTER = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\n(?:ext-[0-9]-[a-z0-9.-]+ sha256:[0-9a-f]{64}\n)*oid sha256:[0-9a-f]{64}\nsize (?:0|[1-9][0-9]{0,19})\n$/;

export function isLfsPointer(b: Uint8Array): boolean {
  if (b.length > 1024 || b.length < LFS_PREFIX.length) return false;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (!buf.subarray(0, LFS_PREFIX.length).equals(LFS_PREFIX)) return false;
  return LFS_POINTER.test(buf.toString('latin1'));
}

/** Binary as git decides it: a NUL byte in the first 8000 bytes (UTF-16 with a BOM is text). */
export function isBinary(b: Uint8Array): boolean {
  if (utf16Bom(b)) return false;
  const n = Math.min(b.length, SNIFF);
  return Buffer.from(b.buffer, b.byteOffset, n).indexOf(0) >= 0;
}

/** Why content like this is not scanned, or undefined to scan it. */
export function skipReason(b: Uint8Array): Skipped['reason'] | undefined {
  if (isLfsPointer(b)) return 'lfs-pointer';
  if (isBinary(b)) return 'binary';
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: false });
const utf16le = new TextDecoder('utf-16le', { ignoreBOM: false });
const utf16be = new TextDecoder('utf-16be', { ignoreBOM: false });

/**
 * Decode text bytes: UTF-16 when they start with a BOM, else UTF-8 (a UTF-8 BOM is dropped). Two bytes
 * FF FE in front of plain ASCII do not make it UTF-16 for the programs that read it (a dotenv reader
 * decodes UTF-8 and reads the lines after them): a "UTF-16" body without a NUL byte holds no ASCII
 * character as UTF-16, so it is decoded as UTF-8; one with NULs is UTF-16, and the runs of plain ASCII
 * bytes in it follow the UTF-16 text (`asciiRuns`).
 */
export function bytesToText(b: Uint8Array): string {
  const bom = utf16Bom(b);
  if (bom && Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(0, 2) < 0) return utf8.decode(b);
  if (bom) return withAsciiRuns((bom === 'le' ? utf16le : utf16be).decode(b), b);
  // Most source is pure ASCII: a one-byte string is several times faster to make than a UTF-8 decode.
  if (isAscii(b)) return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  return utf8.decode(b);
}

/** At least this many printable ASCII bytes in a row in a UTF-16 file are read as ASCII too. */
const ASCII_RUN = 8;
const printableByte = (c: number) => (c >= 0x20 && c < 0x7f) || c === 0x09;

/**
 * The runs of ASCII_RUN or more printable ASCII bytes in `b`, one per line. UTF-16 text of ASCII
 * characters has none (every other byte is NUL); ASCII bytes put in a file that starts with a UTF-16 BOM
 * are read by anything that decodes it as UTF-8 or bytes, and the UTF-16 decoding turns them into CJK.
 */
export function asciiRuns(b: Uint8Array, from = 0, to = b.length): string[] {
  const out: string[] = [];
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let start = -1;
  for (let i = from; i <= to; i++) {
    if (i < to && printableByte(b[i]!)) {
      if (start < 0) start = i;
    } else {
      if (start >= 0 && i - start >= ASCII_RUN) out.push(buf.toString('latin1', start, i));
      start = -1;
    }
  }
  return out;
}

const withAsciiRuns = (text: string, b: Uint8Array) => {
  const runs = asciiRuns(b);
  return runs.length ? `${text}\n${runs.join('\n')}` : text;
};

/** Text to scan, or binary (not scanned). */
export function decodeText(b: Uint8Array): { text: string } | { binary: true } {
  return isBinary(b) ? { binary: true } : { text: bytesToText(b) };
}

/**
 * The same decoding for text that arrives in chunks (a large file read piece by piece): the encoding is
 * decided on the first chunk (as `bytesToText` decides it on the whole), a UTF-8 sequence cut by a chunk
 * edge is carried to the next chunk, ASCII chunks take the one-byte fast path, and a UTF-8 BOM is dropped
 * only at the very start.
 */
export class ChunkDecoder {
  private readonly utf16?: InstanceType<typeof TextDecoder>;
  private first = true;
  private carry: Buffer | undefined;
  /** UTF-16: the printable ASCII bytes that end a chunk, joined to the next chunk's (asciiRuns). */
  private asciiTail: Buffer = Buffer.alloc(0);

  constructor(firstChunk: Uint8Array) {
    const bom = utf16Bom(firstChunk);
    if (bom) this.utf16 = new TextDecoder(bom === 'le' ? 'utf-16le' : 'utf-16be', { ignoreBOM: false });
  }

  /** Text of this chunk (`last`: no more chunks follow). The chunk's bytes may be reused afterwards. */
  decode(chunk: Uint8Array, last: boolean): string {
    if (this.utf16) return this.utf16Text(chunk, last);
    let b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) b = Buffer.concat([this.carry, b]);
    const cut = last ? b.length : completeUtf8(b);
    this.carry = cut < b.length ? Buffer.from(b.subarray(cut)) : undefined;
    const whole = b.subarray(0, cut);
    if (whole.length === 0) return '';
    const text = isAscii(whole) ? whole.toString('latin1') : (this.first ? utf8 : utf8KeepBom).decode(whole);
    this.first = false;
    return text;
  }

  /** UTF-16 text of a chunk, then the runs of ASCII bytes it holds (as bytesToText). */
  private utf16Text(chunk: Uint8Array, last: boolean): string {
    const text = this.utf16!.decode(chunk, { stream: !last });
    const b = Buffer.concat([this.asciiTail, chunk]);
    let end = b.length;
    // A run that reaches the chunk's end may go on in the next one (kept up to 64 KiB).
    if (!last) while (end > 0 && b.length - end < 65536 && printableByte(b[end - 1]!)) end--;
    this.asciiTail = Buffer.from(b.subarray(end));
    const runs = asciiRuns(b, 0, end);
    return runs.length ? `${text}\n${runs.join('\n')}` : text;
  }
}


const utf8KeepBom = new TextDecoder('utf-8', { ignoreBOM: true });

/** Length of the prefix of b that ends on a UTF-8 character boundary (an incomplete sequence at the end is left out). */
function completeUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = n - 1;
  while (i >= 0 && i > n - 4 && (b[i]! & 0xc0) === 0x80) i--;
  if (i < 0 || b[i]! < 0xc0) return n;
  const need = b[i]! >= 0xf0 ? 4 : b[i]! >= 0xe0 ? 3 : 2;
  return i + need > n ? i : n;
}
