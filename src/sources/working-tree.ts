/**
 * The working-tree source: every file under a folder, read once.
 * In a git work tree: tracked files always, untracked ones unless .gitignore matches them
 * (`git ls-files --cached --others --exclude-standard`, which knows nested and global ignores).
 * Outside git (or with --no-gitignore): fast-glob, with nested .gitignore files applied via `ignore`.
 * Symlinks are not followed; binary, oversized and unreadable files are skipped and counted.
 */
import { execFile } from 'node:child_process';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import type { Fragment, Skipped, Source, SourceStats } from './source.js';
import { emptyStats } from './source.js';
import { decodeText, isLfsPointer } from './decode-text.js';

const run = promisify(execFile);

export interface WorkingTreeOptions {
  root: string;
  /** Honour .gitignore for untracked files (default true). */
  gitignore: boolean;
  maxFileSize: number;
  /** gitignore-style patterns of paths never scanned (config allowlist.paths). */
  excludePaths: string[];
  /** Files read at once. */
  concurrency?: number;
}

/** Files a git work tree would consider: tracked + untracked-not-ignored; undefined when not in git. */
async function gitListFiles(root: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('git', ['-c', 'core.quotepath=off', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      maxBuffer: 1 << 30,
      encoding: 'buffer',
    });
    const out = new Set<string>();
    for (const p of (stdout as Buffer).toString('utf8').split('\0')) if (p) out.add(p);
    return [...out];
  } catch {
    return undefined;
  }
}

/** fast-glob listing with nested .gitignore files applied (when honoured). */
async function globFiles(root: string, gitignore: boolean): Promise<string[]> {
  const entries = await fg('**', { cwd: root, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: ['**/.git/**', '**/.git'], suppressErrors: true });
  if (!gitignore) return entries;
  const ignoreFiles = entries.filter((e) => e === '.gitignore' || e.endsWith('/.gitignore'));
  if (ignoreFiles.length === 0) return entries;
  const byDir = new Map<string, Ignore>();
  for (const f of ignoreFiles) {
    const dir = f === '.gitignore' ? '' : f.slice(0, -'/.gitignore'.length);
    try {
      byDir.set(dir, ignore().add(await readFile(join(root, f), 'utf8')));
    } catch {
      /* unreadable .gitignore: nothing to apply */
    }
  }
  return entries.filter((e) => {
    const parts = e.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const ig = byDir.get(dir);
      if (ig && ig.ignores(parts.slice(i).join('/'))) return false;
    }
    return true;
  });
}

export class WorkingTreeSource implements Source {
  readonly name = 'working tree';
  private readonly st: SourceStats = emptyStats();

  constructor(private readonly opts: WorkingTreeOptions) {}

  stats(): SourceStats {
    return this.st;
  }

  async listFiles(): Promise<string[]> {
    const { root, gitignore } = this.opts;
    let files = (gitignore ? await gitListFiles(root) : undefined) ?? (await globFiles(root, gitignore));
    files = files.filter((f) => !f.split('/').includes('.git'));
    if (this.opts.excludePaths.length) {
      const ig = ignore().add(this.opts.excludePaths);
      files = files.filter((f) => !ig.ignores(f));
    }
    return files.sort();
  }

  private skip(path: string, reason: Skipped['reason'], detail?: string): undefined {
    this.st.skipped.push(detail ? { path, reason, detail } : { path, reason });
    return undefined;
  }

  private async readOne(rel: string): Promise<Fragment | undefined> {
    const abs = join(this.opts.root, rel);
    let info;
    try {
      info = await lstat(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // tracked but deleted: nothing on disk to scan
      return this.skip(rel, 'unreadable', code);
    }
    if (info.isSymbolicLink()) return this.skip(rel, 'symlink');
    if (info.isDirectory()) return this.skip(rel, 'submodule');
    if (!info.isFile()) return this.skip(rel, 'special-file');
    if (info.size > this.opts.maxFileSize) return this.skip(rel, 'too-large', `${info.size} bytes`);
    let buf: Buffer;
    try {
      buf = await readFile(abs);
    } catch (e) {
      return this.skip(rel, 'unreadable', (e as NodeJS.ErrnoException).code ?? 'read error');
    }
    const dec = decodeText(buf);
    if ('binary' in dec) return this.skip(rel, 'binary');
    if (isLfsPointer(dec.text)) return this.skip(rel, 'lfs-pointer');
    this.st.files++;
    this.st.bytes += buf.length;
    return { text: dec.text, provenance: { kind: 'file', path: rel } };
  }

  async *fragments(): AsyncIterable<Fragment> {
    const files = await this.listFiles();
    const width = this.opts.concurrency ?? 16;
    // Keep a window of reads in flight; yield in order so output is deterministic.
    const pending: Promise<Fragment | undefined>[] = [];
    let next = 0;
    while (next < files.length && pending.length < width) pending.push(this.readOne(files[next++]!));
    while (pending.length) {
      const f = await pending.shift()!;
      if (next < files.length) pending.push(this.readOne(files[next++]!));
      if (f) yield f;
    }
  }
}
