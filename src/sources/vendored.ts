/**
 * Folders of installed third-party code that a folder walk (outside git, or with --no-gitignore) skips
 * unless --include-vendored: they are not the project's code, they are large, and the documentation
 * examples inside them (the AWS SDK's example keys, a driver's README URIs) would be reported as the
 * project's leaks. In a git work tree git's list decides: a committed vendor folder is the project's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Folder names that only ever hold installed packages or virtual environments. */
const VENDORED_NAMES = new Set(['node_modules', 'bower_components', 'jspm_packages', '.venv', 'venv', '.tox', '.nox', '__pypackages__', 'site-packages']);

/**
 * A folder of installed third-party code: a known name, a virtual environment of any name (pyvenv.cfg),
 * Go's or Composer's `vendor/` (modules.txt, autoload.php) or Bundler's `vendor/bundle`.
 * `rel` is '/'-separated, relative to the walked folder; `abs` the same folder on disk.
 */
export function isVendoredDir(rel: string, abs: string): boolean {
  const slash = rel.lastIndexOf('/');
  const name = slash < 0 ? rel : rel.slice(slash + 1);
  if (VENDORED_NAMES.has(name)) return true;
  if (name === 'bundle' && (rel === 'vendor/bundle' || rel.endsWith('/vendor/bundle'))) return true;
  if (existsSync(join(abs, 'pyvenv.cfg'))) return true;
  return name === 'vendor' && (existsSync(join(abs, 'modules.txt')) || existsSync(join(abs, 'autoload.php')));
}

/** The note for the folders skipped, naming a few and the flag that scans them. */
export function vendoredNote(dirs: string[]): string | undefined {
  if (dirs.length === 0) return undefined;
  const shown = dirs.slice(0, 3).map((d) => `${d}/`).join(', ');
  const more = dirs.length > 3 ? ` and ${dirs.length - 3} more` : '';
  return `skipped ${dirs.length} folder${dirs.length === 1 ? '' : 's'} of installed third-party code (${shown}${more}): --include-vendored scans them`;
}
