/**
 * A run is incomplete when content it should have scanned could not be read: a file or blob over
 * --max-file-size, an unreadable file or folder (permissions, a path over PATH_MAX), a missing or corrupt
 * blob, the Git LFS object a pointer in a git mode names (not in the clone). Binary files, LFS pointers in a folder, symlinks and submodules are ordinary skips: nothing readable was left
 * out. Every report says when a run was incomplete; gate modes exit 2 unless --allow-skips.
 */
import type { Skipped, SourceStats } from '../sources/source.js';

const UNREAD: ReadonlySet<Skipped['reason']> = new Set(['too-large', 'unreadable', 'encoding', 'lfs-object']);

/** The skips that make a run incomplete, in the stats' order. */
export function unreadSkips(stats: SourceStats): Skipped[] {
  return stats.skipped.filter((s) => UNREAD.has(s.reason));
}

/** What one such skip says in warnings and reports (the caller makes `path` safe to print). */
export function unreadText(s: Skipped, path = s.path): string {
  const why = s.reason === 'too-large' ? 'larger than --max-file-size' : s.reason === 'encoding' ? 'cannot be decoded' : 'cannot be read';
  return `${path}: not scanned, ${why}${s.detail ? ` (${s.detail})` : ''}`;
}

/** The one-line statement that a run is incomplete. */
export function incompleteText(n: number): string {
  return `incomplete scan: ${n} file${n === 1 ? '' : 's'} or blob${n === 1 ? '' : 's'} could not be read and ${n === 1 ? 'was' : 'were'} not scanned`;
}
