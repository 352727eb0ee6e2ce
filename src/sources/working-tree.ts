/**
 * The working-tree source: every file under a folder, read once.
 * In a git work tree: tracked files always, untracked ones unless .gitignore matches them
 * (`git ls-files --cached --others --exclude-standard`, which knows nested and global ignores).
 * Outside git (or with --no-gitignore): a directory walk (walk.ts) applying nested .gitignore files.
 * Symlinks are not followed; binary, oversized and unreadable files are skipped and counted; large files
 * come as windows (read-file.ts, windows.ts), so no file is ever held whole.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathExcluder } from './path-filter.js';
import { firstGitLine, runGit } from './git/run.js';
import { walkFolder } from './walk.js';
import { isVendoredDir, vendoredNote } from './vendored.js';
import type { Fragment, TextSource, SourceStats } from './source.js';
import { emptyStats } from './source.js';
import { readFileForScan } from './read-file.js';

export interface WorkingTreeOptions {
  root: string;
  /** Honour .gitignore for untracked files (default true). */
  gitignore: boolean;
  maxFileSize: number;
  /** gitignore-style patterns of paths never scanned (config allowlist.paths, --exclude). */
  excludePaths: string[];
  /** Told when the scan differs from what was asked (git refused the repository). */
  onWarning?: (message: string) => void;
  /**
   * Scan only these, relative to root ('/'-separated): a folder as the working tree lists it, a file as it
   * is, even when .gitignore matches it (it was named). Command-line file lists (lint-staged, editors).
   */
  targets?: string[];
  /** Walk into installed third-party code too (node_modules, virtualenvs: vendored.ts); default false. */
  includeVendored?: boolean;
}

/** Files a git work tree would consider: tracked + untracked-not-ignored; undefined when not in git. */
async function gitListFiles(root: string, warn: (message: string) => void): Promise<string[] | undefined> {
  // No .git in this folder or above: not a work tree, and spawning git to learn that costs more than the scan.
  if (!insideGitWorkTree(root)) return undefined;
  try {
    // -z: names verbatim (spaces, newlines, non-UTF-8 bytes), whatever core.quotePath says.
    const r = await runGit(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    if (r.code !== 0) {
      // Inside a work tree git should answer; when it refuses (a repository owned by another user, see
      // git's safe.directory; a damaged index), the folder walk is a different scan: say so.
      const reason = firstGitLine(r.stderr) || `git exited with code ${r.code}`;
      warn(`${root}: git refuses this repository (${reason}${/dubious ownership/i.test(reason) ? '; it belongs to another user, see git\'s safe.directory' : ''}): scanned as a plain folder instead`);
      return undefined;
    }
    const out = new Set<string>();
    for (const p of r.stdout.toString('utf8').split('\0')) if (p) out.add(p);
    return [...out];
  } catch {
    return undefined; // no git on PATH: walk the folder instead
  }
}

/** The size of the git index of the work tree holding `root` (0 when none is found): a cheap hint of its file count. */
export function gitIndexSize(root: string): number {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_INDEX_FILE) return 0;
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    try {
      const git = statSync(join(dir, '.git'));
      return git.isDirectory() ? statSync(join(dir, '.git', 'index')).size : 0;
    } catch {
      // no .git here (or no index yet): look further up, or stop
    }
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return 0;
  }
}

function insideGitWorkTree(root: string): boolean {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) return true;
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

export class WorkingTreeSource implements TextSource {
  readonly name = 'working tree';
  private readonly st: SourceStats = emptyStats();
  private readonly vendoredDirs: string[] = [];

  constructor(private readonly opts: WorkingTreeOptions) {}

  /** The folder the listed paths are relative to (workers read them from there). */
  get root(): string {
    return this.opts.root;
  }

  stats(): SourceStats {
    return this.st;
  }

  async listFiles(): Promise<string[]> {
    const { root, targets } = this.opts;
    let files: string[];
    if (targets) {
      const all = new Set<string>();
      for (const t of targets) {
        if (!statSync(join(root, t)).isDirectory()) all.add(t);
        else for (const f of await this.listFolder(join(root, t))) all.add(t === '' || t === '.' ? f : `${t.replace(/\/+$/, '')}/${f}`);
      }
      files = [...all];
    } else files = await this.listFolder(root);
    files = files.filter((f) => !f.split('/').includes('.git'));
    const note = vendoredNote(this.vendoredDirs);
    if (note) this.st.notes.push(note);
    const excluded = pathExcluder(this.opts.excludePaths);
    if (excluded) files = files.filter((f) => !excluded(f));
    return files.sort();
  }

  /** Files under `folder`, relative to it: git's list in a work tree, else a walk. */
  private async listFolder(folder: string): Promise<string[]> {
    const { root, gitignore } = this.opts;
    let files = gitignore ? await gitListFiles(folder, this.opts.onWarning ?? (() => {})) : undefined;
    if (!files) {
      const walked = walkFolder(folder, gitignore, this.opts.includeVendored ? undefined : isVendoredDir);
      files = walked.files;
      const prefix = relative(root, folder).split('\\').join('/');
      for (const d of walked.prunedDirs) this.vendoredDirs.push(prefix ? `${prefix}/${d}` : d);
      for (const u of walked.unreadable) this.st.skipped.push({ path: relative(root, u.path) || '.', reason: 'unreadable', detail: u.code });
    }
    return files;
  }

  /** Read one listed file, counting what is skipped: one fragment, or a large file's windows, read lazily. */
  read(rel: string): Iterable<Fragment> {
    const r = readFileForScan(this.opts.root, rel, this.opts.maxFileSize, { onReadError: (s) => this.st.skipped.push(s) });
    if ('skipped' in r) this.st.skipped.push(r.skipped);
    if (!('fragments' in r)) return [];
    this.st.files++;
    this.st.bytes += r.bytes;
    return r.fragments;
  }

  async *fragments(): AsyncIterable<Fragment> {
    for (const rel of await this.listFiles()) yield* this.read(rel);
  }
}
