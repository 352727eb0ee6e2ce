/**
 * Reading one working-tree file for scanning: lstat first (no symlinks, no special files, size cap),
 * then the bytes, then decoding. Synchronous on purpose: it runs in worker threads, and per-file async
 * round trips through the libuv pool cost more than the read itself for small source files.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fragment, Skipped } from './source.js';
import { bytesToText, skipReason } from './decode-text.js';

export type ReadOutcome = { fragment: Fragment; bytes: number } | { skipped: Skipped } | { gone: true };

export function readFileFragment(root: string, rel: string, maxFileSize: number): ReadOutcome {
  const abs = join(root, rel);
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
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch (e) {
    return { skipped: { path: rel, reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? 'read error' } };
  }
  const skip = skipReason(buf);
  if (skip) return { skipped: { path: rel, reason: skip } };
  return { fragment: { text: bytesToText(buf), provenance: { kind: 'file', path: rel } }, bytes: buf.length };
}
