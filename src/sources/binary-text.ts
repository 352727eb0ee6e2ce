/**
 * What a gate reads in a blob git calls binary (a NUL byte in its first 8000 bytes). A tree scan skips
 * such files; a gate cannot: a NUL byte up front, UTF-16 without a BOM or a gzip/zip wrapper would
 * otherwise carry any secret past it. So, for the git modes:
 * - gzip and zip (stored or deflated entries) are opened and their content read the same way, nested up
 *   to MAX_DEPTH, decompressing at most MAX_EXPANDED bytes in all;
 * - any other binary gives its strings: runs of printable ASCII, and of UTF-16 and UTF-32 (LE and BE)
 *   ASCII, of at least MIN_RUN characters, one per line (what `strings` and `strings -el/-eb/-eL/-eB` print);
 * - what cannot be opened (other compressed formats, encrypted or damaged archives, zip bombs) is
 *   `unscanned`, which a gate counts as unread (exit 2).
 * Pure: bytes in, text or a reason out.
 */
import { nodeZlib } from '../lazy.js';
import { bytesToText, isUtf16 } from './decode-text.js';
import { holdsRuns, officeText } from './office-text.js';

export const MIN_RUN = 8;
export const MAX_DEPTH = 4;
export const MAX_EXPANDED = 256 << 20;

export type BinaryText = { text: string } | { unscanned: string; tooLarge?: boolean };

/** Compressed formats node cannot open: named, so the report says what was not read. */
const OPAQUE: Array<[string, number[]]> = [
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['rar', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
];

/**
 * Those found wherever they occur, not only at the start: an xz payload after a script's lines (`tail -c
 * +N "$0" | xz -d`) or inside a tar passed as its strings (round 8). A signature alone is not a stream:
 * programs that sniff file types hold them as constants (esbuild's Go binary holds RAR's), so the header
 * that follows must check out too: xz's stream flags and their CRC32, 7z's start header CRC32, RAR 5's
 * main header CRC32 (RAR 4's: its CRC16); bzip2's `BZh1`-`BZh9` must be followed by its first block's
 * `1AY&SY`. zstd and lz4 (4-byte signatures, no header check) only at the start of a blob or member.
 */
const EMBEDDED_OPAQUE: Array<[string, Buffer, (buf: Buffer, at: number) => boolean]> = [
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), (b, at) => at + 12 <= b.length && b[at + 6] === 0 && b[at + 7]! < 0x10 && crc(b, at + 6, at + 8) === b.readUInt32LE(at + 8)],
  ['7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), (b, at) => at + 32 <= b.length && crc(b, at + 12, at + 32) === b.readUInt32LE(at + 8)],
  ['rar', Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]), rarHeaderOk],
];
const BZIP2_BLOCK = Buffer.from('1AY&SY', 'latin1');

const crc = (b: Buffer, from: number, to: number) => nodeZlib().crc32(b.subarray(from, to)) >>> 0;

/** RAR 5 (`Rar!^Z^G^A^@`, then CRC32 and a vint size of the main header) or RAR 4 (`Rar!^Z^G^@`, a marker block, then the archive header with its CRC16). */
function rarHeaderOk(b: Buffer, at: number): boolean {
  if (b[at + 6] === 0x01 && b[at + 7] === 0x00) {
    const p = at + 12;
    let size = 0;
    let n = 0;
    for (; n < 3 && p + n < b.length; n++) {
      size |= (b[p + n]! & 0x7f) << (7 * n);
      if (!(b[p + n]! & 0x80)) break;
    }
    const end = p + n + 1 + size;
    return size > 0 && end <= b.length && crc(b, p, end) === b.readUInt32LE(at + 8);
  }
  if (b[at + 6] !== 0x00) return false;
  const h = at + 7;
  if (h + 7 > b.length || b[h + 2] !== 0x73) return false;
  const size = b.readUInt16LE(h + 5);
  return size >= 7 && h + size <= b.length && (crc(b, h + 2, h + size) & 0xffff) === b.readUInt16LE(h);
}

/**
 * bzip2's markers are printable (`BZh91AY&SY`): text that names them (a test, a format's documentation)
 * is followed by more text, a stream by its block CRC and bits, which are not 16 printable ASCII bytes in
 * a row but once in ten million.
 */
function compressedAfter(buf: Buffer, from: number): boolean {
  const end = Math.min(buf.length, from + 16);
  for (let i = from; i < end; i++) if (!printable(buf[i]!) && buf[i] !== 0x0a && buf[i] !== 0x0d) return true;
  return false;
}

/** The first compressed stream of a format node cannot open, anywhere in `buf`: its name and offset. */
function embeddedOpaque(buf: Buffer): { name: string; at: number } | undefined {
  for (const [name, sig, ok] of EMBEDDED_OPAQUE) {
    for (let at = buf.indexOf(sig); at >= 0; at = buf.indexOf(sig, at + 1)) if (ok(buf, at)) return { name, at };
  }
  for (let at = buf.indexOf(BZIP2_BLOCK, 4); at >= 0; at = buf.indexOf(BZIP2_BLOCK, at + 1)) {
    if (buf[at - 4] === 0x42 && buf[at - 3] === 0x5a && buf[at - 2] === 0x68 && buf[at - 1]! >= 0x31 && buf[at - 1]! <= 0x39 && compressedAfter(buf, at + BZIP2_BLOCK.length)) return { name: 'bzip2', at: at - 4 };
  }
  return undefined;
}

const startsWith = (b: Uint8Array, sig: number[]) => b.length >= sig.length && sig.every((x, i) => b[i] === x);
const isGzip = (b: Uint8Array) => startsWith(b, [0x1f, 0x8b, 0x08]);
const isZip = (b: Uint8Array) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]);

class Unscanned extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/** The text a gate scans in binary content (`data` is binary per isBinary), or why it cannot. */
export function binaryText(data: Uint8Array): BinaryText {
  const budget = { left: MAX_EXPANDED };
  try {
    return { text: contentText(data, 0, budget) };
  } catch (e) {
    if (e instanceof Unscanned) return { unscanned: e.message, ...(e.tooLarge ? { tooLarge: true } : {}) };
    throw e;
  }
}

function contentText(b: Uint8Array, depth: number, budget: { left: number }): string {
  if (isGzip(b) || isZip(b)) {
    if (depth >= MAX_DEPTH) throw new Unscanned(`archives nested deeper than ${MAX_DEPTH}`);
    return isGzip(b) ? contentText(gunzip(b, budget), depth + 1, budget) : zipText(b, depth + 1, budget);
  }
  const opaque = OPAQUE.find(([, sig]) => startsWith(b, sig));
  if (opaque) throw new Unscanned(`${opaque[0]}-compressed data (not opened)`);
  const inside = embeddedOpaque(view(b));
  if (inside) throw new Unscanned(`${inside.name}-compressed data at byte ${inside.at} (not opened)`);
  const text = holdsNul(b) ? strings(b) : bytesToText(b);
  const inner = [...embeddedArchives(b, depth, budget), ...memberArchives(view(b), depth, budget)];
  return inner.length ? `${text}\n${inner.join('\n')}` : text;
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);
const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
/** A NUL byte anywhere (git looks at the first 8000 bytes only); UTF-16 text with a BOM is decoded, not stringed. */
const holdsNul = (b: Uint8Array) => !isUtf16(b) && view(b).indexOf(0) >= 0;

/**
 * Whether a gate reads `b` through binaryText although git calls it text (no NUL in its first 8000 bytes):
 * a NUL further on (UTF-16 text after 8000 bytes of ASCII reads as letters and NULs), or a gzip stream
 * anywhere (one without a NUL byte, a payload appended to a script). Both hid a token (gate round 5).
 */
export function hidesBinary(b: Uint8Array): boolean {
  return holdsNul(b) || view(b).indexOf(GZIP_MAGIC) >= 0 || view(b).indexOf(BZIP2_BLOCK) >= 0;
}

/**
 * Archives that do not start the data: gzip members after its first byte (a self-extracting script's
 * payload) and a zip whose central directory ends it behind a prefix (a Python zipapp with its `#!` line,
 * a jar or zip appended to a script or executable), as gunzip and unzip find them. A gzip signature that
 * does not inflate is chance, not a stream: skipped. A truncated stream gives what inflates.
 */
function embeddedArchives(b: Uint8Array, depth: number, budget: { left: number }): string[] {
  const buf = view(b);
  const parts: string[] = [];
  for (let at = buf.indexOf(GZIP_MAGIC, 1); at >= 0; at = buf.indexOf(GZIP_MAGIC, at + 1)) {
    const body = gzipBodyAt(buf, at);
    if (body < 0) continue;
    let out: Buffer;
    try {
      const z = nodeZlib();
      out = z.inflateRawSync(buf.subarray(body), { finishFlush: z.constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(1, budget.left) + 1 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new Unscanned(`decompresses to more than ${MAX_EXPANDED} bytes`, true);
      continue;
    }
    if (out.length === 0) continue;
    if (depth >= MAX_DEPTH) throw new Unscanned(`archives nested deeper than ${MAX_DEPTH}`);
    take(budget, out.length);
    parts.push(contentText(out, depth + 1, budget));
  }
  if (!isZip(b)) {
    const eocd = findEocd(buf);
    if (eocd >= 0 && centralDirectoryAt(buf, eocd) >= 0) {
      if (depth >= MAX_DEPTH) throw new Unscanned(`archives nested deeper than ${MAX_DEPTH}`);
      parts.push(zipText(b, depth + 1, budget));
    }
  }
  return parts;
}

/**
 * The members of a tar (a header whose checksum holds: POSIX, GNU and v7 alike) or an ar archive (`.deb`,
 * `.a`) that are archives or compressed streams themselves, read as blobs of their own: their bytes are
 * stored as they are, so the strings above hold plain members, but a zip member far from the end (unzip's
 * central directory is looked for at the end only) or a zstd member passed as strings (round 8). A
 * gzip member is found anywhere already (embeddedArchives).
 */
function memberArchives(buf: Buffer, depth: number, budget: { left: number }): string[] {
  const members = tarMembers(buf) ?? arMembers(buf);
  if (!members) return [];
  const parts: string[] = [];
  for (const [name, data] of members) {
    if (!(isZip(data) || OPAQUE.some(([, sig]) => startsWith(data, sig)) || tarHeaderOk(data, 0) || arMembers(data))) continue;
    if (depth >= MAX_DEPTH) throw new Unscanned(`archives nested deeper than ${MAX_DEPTH}`);
    parts.push(`${name}:\n${contentText(data, depth + 1, budget)}`);
  }
  return parts;
}

/** A tar header's checksum: the sum of its bytes with the checksum field read as blanks. */
function tarHeaderOk(buf: Buffer, at: number): boolean {
  if (at + 512 > buf.length) return false;
  const field = buf.toString('latin1', at + 148, at + 156).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,8}$/.test(field)) return false;
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += i >= at + 148 && i < at + 156 ? 0x20 : buf[i]!;
  return sum === parseInt(field, 8);
}

const USTAR = Buffer.from('ustar', 'latin1');

/**
 * Where a tar starts: at 0 (any tar whose first header checks out), or behind a prefix where a POSIX/GNU
 * header (`ustar` at its offset 257) checks out: a script with a tar appended (`tail -c +N "$0" | tar x`).
 */
function tarStart(buf: Buffer): number {
  if (tarHeaderOk(buf, 0)) return 0;
  for (let m = buf.indexOf(USTAR, 257); m >= 0; m = buf.indexOf(USTAR, m + 1)) if (tarHeaderOk(buf, m - 257)) return m - 257;
  return -1;
}

/** A tar's regular file members, or undefined when `buf` holds no tar. Stops at the end blocks or the first header that is not one. */
function tarMembers(buf: Buffer): Array<[string, Buffer]> | undefined {
  const first = tarStart(buf);
  if (first < 0) return undefined;
  const out: Array<[string, Buffer]> = [];
  for (let at = first; tarHeaderOk(buf, at); ) {
    const sizeField = buf.subarray(at + 124, at + 136);
    // GNU base-256 for sizes over 8 GiB: a blob that large is over any size cap; read as octal otherwise.
    const size = sizeField[0]! & 0x80 ? Number.MAX_SAFE_INTEGER : parseInt(sizeField.toString('latin1').replace(/[\0 ]/g, '') || '0', 8);
    const type = buf[at + 156]!;
    const start = at + 512;
    if (!Number.isFinite(size) || start + size > buf.length) break;
    if (type === 0x30 || type === 0 || type === 0x37) out.push([buf.toString('utf8', at, at + 100).replace(/\0.*$/s, ''), buf.subarray(start, start + size)]);
    at = start + Math.ceil(size / 512) * 512;
  }
  return out;
}

const AR_MAGIC = Buffer.from('!<arch>\n', 'latin1');

/** An ar archive's members (a .deb's control.tar.* and data.tar.*), or undefined when `buf` is not one. */
function arMembers(buf: Buffer): Array<[string, Buffer]> | undefined {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(AR_MAGIC)) return undefined;
  const out: Array<[string, Buffer]> = [];
  for (let at = 8; at + 60 <= buf.length; ) {
    if (buf[at + 58] !== 0x60 || buf[at + 59] !== 0x0a) break;
    const size = parseInt(buf.toString('latin1', at + 48, at + 58).trim(), 10);
    if (!Number.isFinite(size) || at + 60 + size > buf.length) break;
    out.push([buf.toString('latin1', at, at + 16).trim(), buf.subarray(at + 60, at + 60 + size)]);
    at += 60 + size + (size % 2);
  }
  return out;
}

/** Where the deflate data of a gzip member starting at `at` begins (after its optional fields), or -1. */
function gzipBodyAt(buf: Buffer, at: number): number {
  if (at + 10 > buf.length) return -1;
  const flags = buf[at + 3]!;
  if (flags & 0xe0) return -1; // reserved bits: not gzip
  let p = at + 10;
  if (flags & 0x04) {
    if (p + 2 > buf.length) return -1;
    p += 2 + buf.readUInt16LE(p);
  }
  for (const bit of [0x08, 0x10]) {
    if (!(flags & bit)) continue;
    const nul = buf.indexOf(0, p);
    if (nul < 0) return -1;
    p = nul + 1;
  }
  if (flags & 0x02) p += 2;
  return p < buf.length ? p : -1;
}

/** The end-of-central-directory record of a zip: in the last 64 KiB + 22 bytes (its comment is at most 64 KiB); -1 if none. */
function findEocd(buf: Buffer): number {
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) if (buf.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}

/**
 * Where the central directory starts: the record's offset, moved by the bytes in front of the archive
 * (its directory ends where the record starts, as unzip and Python's zipfile reckon); -1 when no directory
 * record is there.
 */
function centralDirectoryAt(buf: Buffer, eocd: number): number {
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  const start = eocd - size;
  if (buf.readUInt16LE(eocd + 10) === 0xffff || offset === 0xffffffff) return -1;
  if (start >= 0 && start + 4 <= buf.length && buf.readUInt32LE(start) === 0x02014b50 && start >= offset) return start;
  return offset + 4 <= buf.length && buf.readUInt32LE(offset) === 0x02014b50 ? offset : -1;
}

function take(budget: { left: number }, n: number): void {
  budget.left -= n;
  if (budget.left < 0) throw new Unscanned(`decompresses to more than ${MAX_EXPANDED} bytes`, true);
}

function gunzip(b: Uint8Array, budget: { left: number }): Buffer {
  try {
    const out = nodeZlib().gunzipSync(b, { maxOutputLength: Math.max(1, budget.left) + 1 });
    take(budget, out.length);
    return out;
  } catch (e) {
    if (e instanceof Unscanned) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new Unscanned(`decompresses to more than ${MAX_EXPANDED} bytes`, true);
    throw new Unscanned('gzip data that does not decompress');
  }
}

/** Every file entry of a zip archive, each introduced by a `name:` line. */
function zipText(b: Uint8Array, depth: number, budget: { left: number }): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const eocd = findEocd(buf);
  if (eocd < 0) throw new Unscanned('zip archive without its central directory (damaged or cut)');
  const count = buf.readUInt16LE(eocd + 10);
  if (count === 0xffff || buf.readUInt32LE(eocd + 16) === 0xffffffff) throw new Unscanned('zip64 archive (not opened)');
  // Bytes in front of the archive (a script, a `#!` line) move every offset it records.
  const found = centralDirectoryAt(buf, eocd);
  const shift = found < 0 ? 0 : found - buf.readUInt32LE(eocd + 16);
  let at = buf.readUInt32LE(eocd + 16) + shift;
  const parts: string[] = [];
  const listed = new Set<number>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) throw new Unscanned('zip archive with a damaged central directory');
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const next = at + 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42) + shift;
    // The local header is what a streaming reader goes by: one that disagrees with its directory entry
    // (another method or size) is read its way too, by the walk over unlisted headers below.
    if (local + 30 <= buf.length && buf.readUInt16LE(local + 8) === method && (buf.readUInt32LE(local + 18) === compressed || (buf.readUInt16LE(local + 6) & 8) !== 0)) listed.add(local);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    at = next;
    if (name.endsWith('/') && size === 0) continue;
    if (flags & 1) throw new Unscanned(`zip entry ${JSON.stringify(name)} is encrypted`);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new Unscanned('zip archive with a damaged entry');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    if (raw.length !== compressed) throw new Unscanned(`zip entry ${JSON.stringify(name)} is cut`);
    let data: Buffer;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = nodeZlib().inflateRawSync(raw, { maxOutputLength: Math.max(1, Math.min(budget.left, size)) + 1 });
      } catch {
        throw new Unscanned(size > budget.left ? `decompresses to more than ${MAX_EXPANDED} bytes` : `zip entry ${JSON.stringify(name)} does not decompress`, size > budget.left);
      }
    } else throw new Unscanned(`zip entry ${JSON.stringify(name)} uses compression method ${method} (not opened)`);
    take(budget, data.length);
    const body = contentText(data, depth, budget);
    // An XML part (an office document's, whatever its name): its paragraphs as shown, runs joined (office-text.ts).
    const shown = holdsRuns(body) ? `\n${name} (text):\n${officeText(body)}` : '';
    parts.push(`${name}:\n${body}${shown}`);
  }
  for (const [name, data] of unlistedEntries(buf, listed, budget)) parts.push(`${name}:\n${contentText(data, depth, budget)}`);
  return parts.join('\n');
}

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Entries a zip holds but its central directory does not list: unzip and Python read the directory, a
 * streaming reader (Java's ZipInputStream, `jar`, libarchive in streaming mode) reads the local headers in
 * order and extracts them too, so a token in one passed (round 8). Each local header no directory entry
 * points at is read: stored with its size, deflated up to the end of its stream. One that does not parse
 * or inflate is chance (the bytes of another entry), skipped.
 */
function unlistedEntries(buf: Buffer, listed: ReadonlySet<number>, budget: { left: number }): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (let at = buf.indexOf(LOCAL_HEADER); at >= 0 && at + 30 <= buf.length; at = buf.indexOf(LOCAL_HEADER, at + 4)) {
    if (listed.has(at)) continue;
    const flags = buf.readUInt16LE(at + 6);
    const method = buf.readUInt16LE(at + 8);
    const compressed = buf.readUInt32LE(at + 18);
    const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
    if (flags & 1 || start > buf.length) continue;
    const name = buf.toString('utf8', at + 30, Math.min(start, at + 30 + buf.readUInt16LE(at + 26)));
    let data: Buffer;
    if (method === 0 && compressed > 0 && start + compressed <= buf.length) data = buf.subarray(start, start + compressed);
    else if (method === 8) {
      const raw = compressed > 0 && start + compressed <= buf.length ? buf.subarray(start, start + compressed) : buf.subarray(start);
      try {
        const z = nodeZlib();
        data = z.inflateRawSync(raw, { finishFlush: z.constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(1, budget.left) + 1 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new Unscanned(`decompresses to more than ${MAX_EXPANDED} bytes`, true);
        continue;
      }
    } else continue;
    if (data.length === 0) continue;
    take(budget, data.length);
    out.push([`${name} (not in the central directory)`, data]);
  }
  return out;
}

const printable = (c: number) => (c >= 0x20 && c < 0x7f) || c === 0x09;

/** Printable runs of at least MIN_RUN characters: ASCII, then UTF-16 LE and BE, then UTF-32 (every alignment); one per line. */
export function strings(b: Uint8Array): string {
  const out: string[] = [];
  // `char`: where the character byte sits in a unit of `step` bytes; in a 2-byte unit the other byte is 0.
  // A run is kept as its bounds and made into a string only when long enough: building every run a
  // character at a time cost more than the detection of the text it yields.
  const scan = (step: 1 | 2, from: number, char: 0 | 1) => {
    let start = -1;
    const flush = (end: number) => {
      if (start >= 0 && (end - start) / step >= MIN_RUN) out.push(runText(b, start, end, step, char));
      start = -1;
    };
    let i = from;
    for (; i + step <= b.length; i += step) {
      const c = b[i + char]!;
      if (printable(c) && (step === 1 || b[i + 1 - char] === 0)) {
        if (start < 0) start = i;
      } else flush(i);
    }
    flush(i);
  };
  scan(1, 0, 0);
  // UTF-16 (LE, then BE; each at both alignments): every unit of a run has its zero byte at one parity, so
  // a run of MIN_RUN units lies in a chain of at least MIN_RUN zeros 2 apart. Only those chains are read
  // unit by unit (the same loop, so the same runs, in the same order): most binary data has few zeros, and
  // four passes over all of it were most of this function's time (requests' history, profiled).
  const chains = zeroChains(b);
  for (const char of [0, 1] as const) {
    for (const from of [0, 1]) {
      const at = chains[(from + 1 - char) & 1]!;
      for (let k = 0; k < at.length; k += 2) scanUnits(b, Math.max(from, at[k]! - 1 + char), at[k + 1]! - 1 + char, char, out);
    }
  }
  // A UTF-32 run has three zero bytes between its characters: without any, skip the four passes.
  if (Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(ZERO3) >= 0) for (const from of [0, 1, 2, 3]) utf32Runs(b, from, out);
  return out.join('\n');
}

const ZERO3 = Buffer.alloc(3);

/**
 * The chains of at least MIN_RUN zero bytes 2 apart (at positions z, z + 2, …), by the parity of z: for each,
 * the flat list of [first, last] positions of its maximal chains, in order.
 */
function zeroChains(b: Uint8Array): [number[], number[]] {
  const chains: [number[], number[]] = [[], []];
  const first = [0, 0];
  const count = [0, 0];
  for (let z = 0; z < b.length; z++) {
    const q = z & 1;
    if (b[z] !== 0) {
      if (count[q]! >= MIN_RUN) chains[q].push(first[q]!, z - 2);
      count[q] = 0;
    } else if (count[q]!++ === 0) first[q] = z;
  }
  for (const q of [0, 1]) if (count[q]! >= MIN_RUN) chains[q].push(first[q]!, first[q]! + 2 * (count[q]! - 1));
  return chains;
}

/** UTF-16 runs among the 2-byte units starting at from, from + 2, … up to last (a chain's units; none past the end). */
function scanUnits(b: Uint8Array, from: number, last: number, char: 0 | 1, out: string[]): void {
  let start = -1;
  let i = from;
  for (; i <= last && i + 2 <= b.length; i += 2) {
    if (printable(b[i + char]!) && b[i + 1 - char] === 0) {
      if (start < 0) start = i;
    } else {
      if (start >= 0 && (i - start) / 2 >= MIN_RUN) out.push(runText(b, start, i, 2, char));
      start = -1;
    }
  }
  if (start >= 0 && (i - start) / 2 >= MIN_RUN) out.push(runText(b, start, i, 2, char));
}

/**
 * UTF-32 runs at byte offset `from` (mod 4): printable bytes 4 apart with three zero bytes after them (LE)
 * or before them (BE), so one pass reads both orders (Python's `encoding='utf-32'` writes such files; the
 * UTF-16 scan sees a NUL pair between characters and no run).
 */
function utf32Runs(b: Uint8Array, from: number, out: string[]): void {
  const zero3 = (at: number) => at >= 0 && at + 3 <= b.length && b[at] === 0 && b[at + 1] === 0 && b[at + 2] === 0;
  let start = -1;
  const flush = (end: number) => {
    if (start >= 0 && (end - start) / 4 >= MIN_RUN) out.push(runText(b, start, end, 4, 0));
    start = -1;
  };
  let i = from;
  for (; i < b.length; i += 4) {
    if (printable(b[i]!) && (zero3(i + 1) || zero3(i - 3))) {
      if (start < 0) start = i;
    } else flush(i);
  }
  flush(i);
}

/** The characters of units [start, end) of a run (all printable ASCII). */
function runText(b: Uint8Array, start: number, end: number, step: 1 | 2 | 4, char: 0 | 1): string {
  if (step === 1) return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', start, end);
  let s = '';
  for (let i = start; i < end; i += step) s += String.fromCharCode(b[i + char]!);
  return s;
}
