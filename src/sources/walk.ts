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
  /** Folders `skipDir` pruned, relative to the root. */
  prunedDirs: string[];
  /** Directories that could not be read (permission denied, vanished). */
  unreadable: Array<{ path: string; code: string }>;
}

/** `skipDir(rel, abs)`: a folder never entered (vendored code, see vendored.ts); listed in `prunedDirs`. */
export function walkFolder(root: string, gitignore: boolean, skipDir?: (rel: string, abs: string) => boolean): WalkResult {
  const unreadable: WalkResult['unreadable'] = [];
  const prunedDirs: string[] = [];
  const pruned = (rel: string): boolean => {
    if (!skipDir?.(rel, join(root, rel))) return false;
    prunedDirs.push(rel);
    return true;
  };
  // Per directory, the .gitignore files that apply inside it (its own and its ancestors'), outermost first,
  // each with the directory it sits in. Built from the parent's list once per directory, so a path is
  // tested against the few .gitignore files above it: no per-level re-splitting of the path (2,000 nested
  // folders took 23 s, cubic in the depth).
  const rulesIn = new Map<string, ReadonlyArray<readonly [string, Ignore]>>();
  const rulesFor = (dir: string): ReadonlyArray<readonly [string, Ignore]> => {
    const known = rulesIn.get(dir);
    if (known) return known;
    // Walk up to the nearest directory already known (the walk goes top-down: usually the parent).
    const chain: string[] = [];
    let d = dir;
    while (!rulesIn.has(d)) {
      chain.push(d);
      if (d === '') break;
      const slash = d.lastIndexOf('/');
      d = slash < 0 ? '' : d.slice(0, slash);
    }
    let list = rulesIn.get(d) ?? [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i]!;
      const f = join(root, c, '.gitignore');
      if (existsSync(f)) list = [...list, [c, makeIgnore().add(safeRead(f))] as const];
      rulesIn.set(c, list);
    }
    return list;
  };
  /** git semantics, approximately: the deepest .gitignore that has an opinion wins. */
  const ignored = (rel: string, isDir: boolean): boolean => {
    if (!gitignore) return false;
    const slash = rel.lastIndexOf('/');
    let verdict = false;
    for (const [base, ig] of rulesFor(slash < 0 ? '' : rel.slice(0, slash))) {
      const sub = (base === '' ? rel : rel.slice(base.length + 1)) + (isDir ? '/' : '');
      const t = ig.test(sub);
      if (t.ignored) verdict = true;
      else if (t.unignored) verdict = false;
    }
    return verdict;
  };
  const entries = fsWalk().walkSync(root, {
    basePath: '',
    followSymbolicLinks: false,
    deepFilter: (e) => e.name !== '.git' && !ignored(e.path, true) && !pruned(e.path),
    entryFilter: (e) => !e.dirent.isDirectory() && e.name !== '.git' && !ignored(e.path, false),
    errorFilter: (err) => {
      unreadable.push({ path: (err as NodeJS.ErrnoException).path ?? '?', code: (err as NodeJS.ErrnoException).code ?? 'error' });
      return true;
    },
  });
  return { files: entries.map((e) => e.path), unreadable, prunedDirs: prunedDirs.sort() };
}

function safeRead(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}
