/**
 * Blob constants for the git sources. Skipping and decoding a blob's bytes is shared with the other
 * sources (../decode-text.ts), and so is the config path filter (../path-filter.ts).
 */

/** Default for --max-file-size when the caller gives none. */
export const DEFAULT_MAX_BLOB_SIZE = 10 * 1024 * 1024;

export const MODE_GITLINK = '160000';
export const MODE_SYMLINK = '120000';
