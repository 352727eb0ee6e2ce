/**
 * Git LFS objects for the git modes (gates). A blob that is an LFS pointer holds no content: the file's
 * bytes live in LFS storage, pushed with the change, and every clone with git-lfs checks them out in its
 * place. Skipping the pointer passed a secret committed through LFS with exit 0 (round 8, docs/gate.md).
 * So a gate reads the object from the clone's local LFS store (`<git common dir>/lfs/objects/aa/bb/<oid>`,
 * or under `lfs.storage`), checked against the pointer's size and sha256, and scans it at the pointer's
 * path; an object not in the clone is content that could not be read (exit 2 unless --allow-skips).
 */
import { isLfsPointer } from '../decode-text.js';
import { nodeCrypto } from '../../lazy.js';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export type LfsRead = { data: Buffer } | { unread: string; tooLarge?: boolean };

export interface LfsPointer {
  oid: string;
  size: number;
  /** Exactly the spec's pointer and nothing else (decode-text.ts's isLfsPointer): the blob holds nothing more to read. */
  exact: boolean;
}

/** What git-lfs reads of a blob to decide it is a pointer (its BlobSizeCutoff). */
const CUTOFF = 1024;
const VERSIONS = new Set(['https://git-lfs.github.com/spec/v1', 'https://hawser.github.com/spec/v1', 'http://git-media.io/v/2']);
const KEYS = ['version', 'oid', 'size'];
const VERSION_KEY = Buffer.from('version ');

/**
 * The blob as git-lfs's smudge filter reads it (lfs/pointer.go): its first 1024 bytes, blanks around them
 * trimmed, lines split at LF with a CR before it dropped, empty lines skipped, `version` (any of its three
 * spellings), `oid`, `size` in that order, `ext-N-name` lines anywhere. Wider than the spec: a pointer with
 * CRLF line ends, blank lines, the `hawser` version or blank padding is checked out as the object too, so a
 * gate that knew only the exact form read the pointer's text and passed the object (round 8).
 */
export function lfsPointer(blob: Uint8Array, exact: boolean): LfsPointer | undefined {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, Math.min(blob.byteLength, CUTOFF));
  // Every blob comes here: most have no `version` key in their first KiB (a byte search, no string made).
  if (bytes.indexOf(VERSION_KEY) < 0) return undefined;
  const head = bytes.toString('latin1').trim();
  if (!/git-media|hawser|git-lfs/.test(head)) return undefined;
  const kv = new Map<string, string>();
  let n = 0;
  for (const raw of head.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const sp = line.indexOf(' ');
    if (sp < 0 || n >= KEYS.length) return undefined;
    const key = line.slice(0, sp);
    if (key !== KEYS[n]) {
      if (!/^ext-\d\w/.test(key)) return undefined;
      continue;
    }
    kv.set(key, line.slice(sp + 1));
    n++;
  }
  const oid = /^sha256:([0-9a-f]{64})$/.exec(kv.get('oid') ?? '')?.[1];
  const size = Number(kv.get('size'));
  if (!VERSIONS.has(kv.get('version') ?? '') || !oid || !/^\d+$/.test(kv.get('size') ?? '') || !Number.isSafeInteger(size)) return undefined;
  return { oid, size, exact };
}

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
export function readLfsObject(gitDir: string, { oid, size }: LfsPointer, maxSize: number): LfsRead {
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
  // node:crypto on first use: a pre-commit scan with no LFS object never loads it.
  if (nodeCrypto().createHash('sha256').update(data).digest('hex') !== oid) return { unread: `${what}: the local copy does not match its sha256` };
  return { data };
}

/**
 * A blob with the object its pointer names, as a gate scans it: the object alone for an exact pointer;
 * the object and then the blob itself for a wider one (a pointer followed by blanks and more text: git-lfs
 * checks out the object, the repository still holds the rest). Undefined: no pointer, scan the blob.
 */
export function withLfsObject(blob: Buffer, read: (p: LfsPointer) => LfsRead): LfsRead | undefined {
  const exact = isLfsPointer(blob);
  const pointer = lfsPointer(blob, exact);
  if (!pointer) return undefined;
  const obj = read(pointer);
  if ('unread' in obj || pointer.exact) return obj;
  return { data: Buffer.concat([obj.data, Buffer.from('\n'), blob]) };
}
