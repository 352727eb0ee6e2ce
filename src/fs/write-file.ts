/**
 * The one file writer: bytes in, bytes on disk, never half a file.
 *
 * - Atomic: a hidden temp file in the same folder (named after the file and the writing process, so a
 *   run killed mid-write leaves something `removeStaleTemps` can recognise), fsync, rename over the
 *   file, fsync of the folder so the rename itself is durable.
 * - Never through a link: the file itself may not be a symlink, and with `root` its real path (folders
 *   resolved) must stay inside the real root.
 * - Mode: an existing file keeps its mode unless `mode` is given; `private: true` is 0600 whatever the
 *   umask; a new file otherwise gets `mode` or 0644.
 * - `exclusive: true`: create only (O_CREAT|O_EXCL|O_NOFOLLOW, no temp file); an existing file or link
 *   is refused.
 *
 * Synchronous on purpose: one code path for the CLI's report/output writes and the migrate writes, and
 * no two writes of one process can interleave.
 */
import {
  closeSync, constants as fsc, fchmodSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, rmSync, writeSync,
  type Stats,
} from 'node:fs';
import { nodeCrypto } from '../lazy.js';
import path from 'node:path';
import { SweepError } from '../errors.js';

export interface WriteFileOptions {
  /** Refuse a path (after resolving its folders) outside this folder. */
  root?: string;
  /** The mode of the file; default: an existing file's own mode, else 0644. */
  mode?: number;
  /** Mode 0600 (a file that holds or describes secrets). */
  private?: boolean;
  /** Create only: refuse when anything (file or link) has that name. */
  exclusive?: boolean;
  /** Test hook between the steps of an atomic write (`temp-written`, `temp-renamed`). */
  onStep?: (step: 'temp-written' | 'temp-renamed') => void;
}

/**
 * The temp file an atomic write of `real` goes through: hidden, in the same folder, named after the file
 * and the writing process.
 */
export function tempPathFor(real: string): string {
  return path.join(path.dirname(real), `.${path.basename(real)}.secret-sweep-${process.pid}-${nodeCrypto().randomBytes(6).toString('hex')}.tmp`);
}

function isOutside(rel: string): boolean {
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
}

/**
 * The real path of `file` (relative to `root` or absolute), checked to be a regular file (or nothing,
 * unless `mustExist`) inside the real root and not a symlink itself. Throws a SweepError naming `file`.
 */
export function checkedPathSync(root: string, file: string, opts: { mustExist: boolean }): string {
  const realRoot = realpathSync(root);
  const abs = path.resolve(root, file);
  if (isOutside(path.relative(path.resolve(root), abs))) throw new SweepError('refusing to write outside the repository', file);
  let st: Stats | undefined;
  try {
    st = lstatSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || opts.mustExist) throw new SweepError('cannot read the file to rewrite', file);
  }
  refuseNonFile(st, file);
  // The folder may be (or pass through) a symlink that leads out of the repository.
  let realDir: string;
  try {
    realDir = realpathSync(path.dirname(abs));
  } catch {
    throw new SweepError('its folder does not exist', file);
  }
  const real = path.join(realDir, path.basename(abs));
  if (isOutside(path.relative(realRoot, real))) {
    throw new SweepError('refusing to write outside the repository (the path resolves elsewhere)', file);
  }
  return real;
}

function refuseNonFile(st: Stats | undefined, file: string): void {
  if (st?.isSymbolicLink()) throw new SweepError('refusing to write through a symlink', file);
  if (st && !st.isFile()) throw new SweepError('not a regular file', file);
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not every platform lets a folder be opened or synced
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Write `data` to `file` (absolute, or relative to `root` when given). Returns the real path written.
 * Errors are the file system's own (ENOENT, EACCES, ...) or a SweepError naming the file for a refused
 * path; a temp file is never left behind.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: WriteFileOptions = {}): string {
  const target = opts.root !== undefined ? checkedPathSync(opts.root, file, { mustExist: false }) : path.resolve(file);
  const existing = lstatOrUndefined(target);
  refuseNonFile(existing, file);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const mode = (opts.private ? 0o600 : opts.mode ?? (existing ? existing.mode : 0o644)) & 0o7777;

  if (opts.exclusive) {
    try {
      createWith(target, bytes, mode);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ELOOP') throw new SweepError('refusing to replace an existing file (it must be created new)', file);
      throw e;
    }
    syncDir(path.dirname(target));
    return target;
  }

  const tmp = tempPathFor(target);
  createWith(tmp, bytes, mode);
  try {
    opts.onStep?.('temp-written');
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  opts.onStep?.('temp-renamed');
  syncDir(path.dirname(target));
  return target;
}

/** Create `file` (never an existing one, never through a link) holding `bytes` with exactly `mode`, synced; removed again on error. */
function createWith(file: string, bytes: Uint8Array, mode: number): void {
  const fd = openSync(file, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, mode);
  try {
    writeAll(fd, bytes);
    fchmodSync(fd, mode); // the umask may have narrowed it
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw e;
  }
  closeSync(fd);
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
