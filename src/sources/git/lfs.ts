/**
 * Git LFS objects for the git modes (gates). A blob that is an LFS pointer holds no content: the file's
 * bytes live in LFS storage, pushed with the change, and every clone with git-lfs checks them out in its
 * place. Skipping the pointer passed a secret committed through LFS with exit 0 (round 8, docs/gate.md).
 * So a gate reads the object from the clone's local LFS store (`<git common dir>/lfs/objects/aa/bb/<oid>`,
 * or under `lfs.storage`), checked against the pointer's size and sha256, and scans it at the pointer's
 * path; an object not in the clone is content that could not be read (exit 2 unless --allow-skips).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export type LfsRead = { data: Buffer } | { unread: string; tooLarge?: boolean };

const POINTER = /\noid sha256:([0-9a-f]{64})\nsize ([0-9]+)\n/;

/** The clone's LFS folder: `lfs.storage` (relative to the common git dir) or `<common dir>/lfs`, as git-lfs uses. */
function lfsFolder(gitDir: string): string {
  let common = gitDir;
  try {
    // A linked worktree's git dir names the main one in `commondir`; LFS objects live there.
    const named = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
    if (named) common = resolve(gitDir, named);
  } catch {
    // no commondir: the git dir is the common one
  }
  const r = spawnSync('git', ['config', '--get', 'lfs.storage'], { cwd: gitDir, encoding: 'utf8', env: { ...process.env, GIT_DIR: gitDir } });
  const storage = r.status === 0 ? r.stdout.trim() : '';
  if (!storage) return join(common, 'lfs');
  return isAbsolute(storage) ? storage : resolve(common, storage);
}

const folders = new Map<string, string>();

/** The object an LFS pointer names, read from the clone's store and verified, or why it could not be. */
export function readLfsObject(gitDir: string, pointer: Uint8Array, maxSize: number): LfsRead {
  const m = POINTER.exec(Buffer.from(pointer).toString('latin1'));
  if (!m) return { unread: 'Git LFS pointer without an oid and size' };
  const [, oid, sizeText] = m as unknown as [string, string, string];
  const size = Number(sizeText);
  const what = `Git LFS object sha256:${oid.slice(0, 12)} (${size} bytes)`;
  let folder = folders.get(gitDir);
  if (folder === undefined) folders.set(gitDir, (folder = lfsFolder(gitDir)));
  const file = join(folder, 'objects', oid.slice(0, 2), oid.slice(2, 4), oid);
  let actual: number;
  try {
    actual = statSync(file).size;
  } catch {
    return { unread: `${what} is not in this clone: fetch it (git lfs fetch --all origin HEAD; actions/checkout with lfs: true)` };
  }
  if (actual !== size) return { unread: `${what}: the local copy is ${actual} bytes` };
  if (size > maxSize) return { unread: `${what}`, tooLarge: true };
  const data = Buffer.alloc(size);
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at < size; ) {
      const n = readSync(fd, data, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  if (createHash('sha256').update(data).digest('hex') !== oid) return { unread: `${what}: the local copy does not match its sha256` };
  return { data };
}
