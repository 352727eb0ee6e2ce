/** The private folders migrate creates for its plaintext replacements files (src/migrate/report.ts), found and removed after a test. */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { replacementsDirPrefix } from '../../src/migrate/report.js';

/** Every replacements folder made for a repository at `root` (by its folder name, in the current tmpdir). */
export function replacementDirsOf(root: string): string[] {
  const prefix = replacementsDirPrefix(root);
  const dir = dirname(prefix);
  try {
    return readdirSync(dir).filter((n) => n.startsWith(basename(prefix))).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

export function removeReplacementDirs(root: string): void {
  for (const d of replacementDirsOf(root)) rmSync(d, { recursive: true, force: true });
}
