/**
 * Blob constants for the git sources. Skipping and decoding a blob's bytes is shared with the other
 * sources (../decode-text.ts), and so is the config path filter (../path-filter.ts).
 */

export const MODE_GITLINK = '160000';
export const MODE_SYMLINK = '120000';
