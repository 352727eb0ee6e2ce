/**
 * Listing a folder outside git (or with --no-gitignore): @nodelib/fs.walk, the walker under fast-glob,
 * used directly because fast-glob's pattern layer silently drops file names containing newlines or
 * carriage returns. Never follows symlinks, never enters `.git`, and (when asked) prunes directories that
 * nested `.gitignore` files exclude, so an ignored node_modules is not even read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ignore } from 'ignore';
import { makeIgnore, fsWalk } from '../lazy.js';

export interface WalkResult {
  files: string[];
  /** Directories that could not be read (permission denied, vanished). */
  unreadable: Array<{ path: string; code: string }>;
}

export function walkFolder(root: string, gitignore: boolean): WalkResult {
  const unreadable: WalkResult['unreadable'] = [];
  const ignoreByDir = new Map<string, Ignore | null>();
  const rulesFor = (dir: string): Ignore | null => {
    let ig = ignoreByDir.get(dir);
    if (ig === undefined) {
      const f = join(root, dir, '.gitignore');
      ig = existsSync(f) ? makeIgnore().add(safeRead(f)) : null;
      ignoreByDir.set(dir, ig);
    }
    return ig;
  };
  /** git semantics, approximately: the deepest .gitignore that has an opinion wins. */
  const ignored = (rel: string, isDir: boolean): boolean => {
    if (!gitignore) return false;
    const parts = rel.split('/');
    let verdict = false;
    for (let i = 0; i < parts.length; i++) {
      const ig = rulesFor(parts.slice(0, i).join('/'));
      if (!ig) continue;
      const sub = parts.slice(i).join('/') + (isDir ? '/' : '');
      const t = ig.test(sub);
      if (t.ignored) verdict = true;
      else if (t.unignored) verdict = false;
    }
    return verdict;
  };
  const entries = fsWalk().walkSync(root, {
    basePath: '',
    followSymbolicLinks: false,
    deepFilter: (e) => e.name !== '.git' && !ignored(e.path, true),
    entryFilter: (e) => !e.dirent.isDirectory() && e.name !== '.git' && !ignored(e.path, false),
    errorFilter: (err) => {
      unreadable.push({ path: (err as NodeJS.ErrnoException).path ?? '?', code: (err as NodeJS.ErrnoException).code ?? 'error' });
      return true;
    },
  });
  return { files: entries.map((e) => e.path), unreadable };
}

function safeRead(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}
