/**
 * Reading one working-tree file for scanning: lstat first (no symlinks, no special files, size cap),
 * then the bytes, then decoding. Synchronous on purpose: it runs in worker threads, and per-file async
 * round trips through the libuv pool cost more than the read itself for small source files.
 * Files over WINDOWED_ABOVE bytes are not read whole: `readFileForScan` gives their text in windows.
 */
import { closeSync, lstatSync, openSync, readFileSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Fragment, Skipped } from './source.js';
import { bytesToText, ChunkDecoder, skipReason } from './decode-text.js';
import { DEFAULT_WINDOW_SIZES, textWindows, windowFragment, WINDOWED_ABOVE, type WindowSizes } from './windows.js';

export type ReadOutcome = { fragment: Fragment; bytes: number } | { skipped: Skipped } | { gone: true };

/** The checks before reading: a regular file within the size cap, or why not. */
function statForRead(abs: string, rel: string, maxFileSize: number): { info: Stats } | { skipped: Skipped } | { gone: true } {
  let info;
  try {
    info = lstatSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Tracked in git but deleted on disk: nothing to scan.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { gone: true };
    return { skipped: { path: rel, reason: 'unreadable', detail: code } };
  }
  if (info.isSymbolicLink()) return { skipped: { path: rel, reason: 'symlink' } };
  if (info.isDirectory()) return { skipped: { path: rel, reason: 'submodule' } };
  if (!info.isFile()) return { skipped: { path: rel, reason: 'special-file' } };
  if (info.size > maxFileSize) return { skipped: { path: rel, reason: 'too-large', detail: `${info.size} bytes` } };
  return { info };
}

const unreadable = (rel: string, e: unknown): { skipped: Skipped } => ({
  skipped: { path: rel, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? 'read error' },
});

/** The whole file as one fragment (migrate reads files this way; scans use `readFileForScan`). */
export function readFileFragment(root: string, rel: string, maxFileSize: number): ReadOutcome {
  const abs = join(root, rel);
  const st = statForRead(abs, rel, maxFileSize);
  return 'info' in st ? readWhole(abs, rel) : st;
}

function readWhole(abs: string, rel: string): ReadOutcome {
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch (e) {
    return unreadable(rel, e);
  }
  const skip = skipReason(buf);
  if (skip) return { skipped: { path: rel, reason: skip } };
  return { fragment: { text: bytesToText(buf), provenance: { kind: 'file', path: rel } }, bytes: buf.length };
}

/** Files up to this size are read into one reused buffer (the text decoded from it is a copy). */
const SCRATCH_MAX = 1 << 20;
let scratch: Buffer | undefined;

/**
 * `readWhole` for a scan's small file, without a new buffer per file: a tree scan read ~2,000 files into
 * 33 MB of fresh buffers, each page of them faulted in and then collected. The size is the one lstat saw
 * (as windowed reads do), so there is no fstat; an empty file (or one that claims to be: /proc) is read
 * by `readWhole`.
 */
function readIntoScratch(abs: string, rel: string, size: number): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch (e) {
    return unreadable(rel, e);
  }
  if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024));
  let got: number;
  try {
    got = readFully(fd, scratch.subarray(0, size), 0);
  } catch (e) {
    return unreadable(rel, e);
  } finally {
    closeSync(fd);
  }
  const buf = scratch.subarray(0, got);
  const skip = skipReason(buf);
  if (skip) return { skipped: { path: rel, reason: skip } };
  return { fragment: { text: bytesToText(buf), provenance: { kind: 'file', path: rel } }, bytes: got };
}

export type ScanReadOutcome = { fragments: Iterable<Fragment>; bytes: number } | { skipped: Skipped } | { gone: true };

export interface ScanReadOptions {
  /** Called when a file read in windows fails part-way (the windows before were scanned). */
  onReadError?: (s: Skipped) => void;
  /** Files larger than this (bytes) are read in windows; WINDOWED_ABOVE unless given (tests). */
  windowedAbove?: number;
  sizes?: WindowSizes;
}

/** Read size for windowed files. */
const CHUNK = 1 << 20;

/**
 * A file to scan, as fragments: one for a small file, windows (sources/windows.ts) for a large one, read
 * lazily so at most about one window is in memory. Binary and LFS detection look at the first chunk, as
 * they look at the start of a whole file.
 */
export function readFileForScan(root: string, rel: string, maxFileSize: number, opts: ScanReadOptions = {}): ScanReadOutcome {
  const abs = join(root, rel);
  const st = statForRead(abs, rel, maxFileSize);
  if (!('info' in st)) return st;
  const size = st.info.size;
  if (size <= (opts.windowedAbove ?? WINDOWED_ABOVE)) {
    const r = size > 0 && size <= SCRATCH_MAX ? readIntoScratch(abs, rel, size) : readWhole(abs, rel);
    return 'fragment' in r ? { fragments: [r.fragment], bytes: r.bytes } : r;
  }
  let fd: number;
  const first = Buffer.allocUnsafe(Math.min(CHUNK, size));
  let got: number;
  try {
    fd = openSync(abs, 'r');
  } catch (e) {
    return unreadable(rel, e);
  }
  try {
    got = readFully(fd, first, 0);
  } catch (e) {
    closeSync(fd);
    return unreadable(rel, e);
  }
  const skip = skipReason(first.subarray(0, got));
  if (skip) {
    closeSync(fd);
    return { skipped: { path: rel, reason: skip } };
  }
  return { fragments: windowedFragments(fd, rel, size, first.subarray(0, got), opts), bytes: size };
}

/** Read until `buf` is full or the file ends; the number of bytes read. */
function readFully(fd: number, buf: Buffer, position: number): number {
  let n = 0;
  while (n < buf.length) {
    const r = readSync(fd, buf, n, buf.length - n, position + n);
    if (r === 0) break;
    n += r;
  }
  return n;
}

function* windowedFragments(fd: number, rel: string, size: number, first: Buffer, opts: ScanReadOptions): Generator<Fragment> {
  const decoder = new ChunkDecoder(first);
  const chunk = Buffer.allocUnsafe(CHUNK);
  // Read no more than the size seen at lstat: a file that keeps growing (a live log) still ends.
  let pos = first.length;
  let done = first.length >= size || first.length === 0;
  let pending: string | undefined = decoder.decode(first, done);
  const next = (): string | undefined => {
    if (pending !== undefined) {
      const p = pending;
      pending = undefined;
      return p;
    }
    if (done) return undefined;
    let n: number;
    try {
      n = readFully(fd, chunk.length > size - pos ? chunk.subarray(0, size - pos) : chunk, pos);
    } catch (e) {
      opts.onReadError?.({ path: rel, reason: 'unreadable', detail: `${(e as NodeJS.ErrnoException).code ?? 'read error'} after ${pos} bytes` });
      done = true;
      return decoder.decode(new Uint8Array(0), true) || undefined;
    }
    pos += n;
    done = n === 0 || pos >= size;
    return decoder.decode(chunk.subarray(0, n), done);
  };
  try {
    for (const w of textWindows(next, opts.sizes ?? DEFAULT_WINDOW_SIZES)) {
      yield windowFragment(w, { kind: 'file', path: rel });
    }
  } finally {
    closeSync(fd);
  }
}
