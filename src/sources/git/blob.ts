/**
 * What to do with a blob's bytes: skip it (binary, Git LFS pointer) or decode it to text.
 */
import { isAscii } from 'node:buffer';
import { makeIgnore } from '../../lazy.js';
import type { Skipped } from '../source.js';

/** Default for --max-file-size when the caller gives none. */
export const DEFAULT_MAX_BLOB_SIZE = 10 * 1024 * 1024;

const SNIFF = 8000;
const LFS_PREFIX = Buffer.from('version https://git-lfs.github.com/spec/');

function hasUtf16Bom(b: Uint8Array): 'le' | 'be' | undefined {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'be';
  return undefined;
}

/** A Git LFS pointer file: small, and starts with the LFS spec line. */
export function isLfsPointer(b: Uint8Array): boolean {
  if (b.length > 1024 || b.length < LFS_PREFIX.length) return false;
  return Buffer.from(b.buffer, b.byteOffset, LFS_PREFIX.length).equals(LFS_PREFIX);
}

/** Binary as git decides it: a NUL byte in the first 8000 bytes (UTF-16 with a BOM is text). */
export function isBinary(b: Uint8Array): boolean {
  if (hasUtf16Bom(b)) return false;
  const n = Math.min(b.length, SNIFF);
  return Buffer.from(b.buffer, b.byteOffset, n).indexOf(0) >= 0;
}

/** Why a blob of this content is not scanned, or undefined to scan it. */
export function skipReason(b: Uint8Array): Skipped['reason'] | undefined {
  if (isLfsPointer(b)) return 'lfs-pointer';
  if (isBinary(b)) return 'binary';
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: false });
const utf16le = new TextDecoder('utf-16le', { ignoreBOM: false });
const utf16be = new TextDecoder('utf-16be', { ignoreBOM: false });

/** Decode a text blob: UTF-8 (invalid bytes become U+FFFD), or UTF-16 when it starts with a BOM. */
export function decodeText(b: Uint8Array): string {
  const bom = hasUtf16Bom(b);
  if (bom === 'le') return utf16le.decode(b);
  if (bom === 'be') return utf16be.decode(b);
  // Most source is pure ASCII: a one-byte string is several times faster to make than a UTF-8 decode.
  if (isAscii(b)) return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  return utf8.decode(b);
}

/** Modes in git trees. */
export const MODE_GITLINK = '160000';
export const MODE_SYMLINK = '120000';

/** A predicate for config `allowlist.paths` (gitignore-style patterns); undefined when there are none. */
export function pathExcluder(patterns: string[] | undefined): ((path: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const ig = makeIgnore().add(patterns);
  return (path) => {
    try {
      return ig.ignores(path);
    } catch {
      return false;
    }
  };
}
