/**
 * `scan --staged`: what is about to be committed, read from the INDEX (never the work tree).
 *
 * One `git diff --cached --raw -p -U0 -z -M` lists the staged entries (against HEAD, or against the
 * empty tree when HEAD is unborn) and, in the same output, the hunks whose `+c,d` ranges are the lines
 * the commit adds or changes. Content comes from the index blobs through cat-file. Pure renames (R100)
 * are not re-scanned; deletions and unmerged entries have nothing to scan.
 */
import { resolve } from 'node:path';
import { SweepError } from '../../errors.js';
import type { Fragment, Skipped, TextSource, SourceStats } from '../source.js';
import { emptyStats } from '../source.js';
import { MODE_GITLINK } from './blob.js';
import { pathExcluder } from '../path-filter.js';
import { skipReason } from '../decode-text.js';
import { readLfsObject, withLfsObject } from './lfs.js';
import { binaryText, hidesBinary } from '../binary-text.js';
import { bytesFragments } from '../windows.js';
import { readBlobs, unreadableDetail } from './blobs.js';
import { DISCOVERY_ARGS, openRepo, type RepoInfo } from './repo.js';
import { firstGitLine, runGit, startGitsEarly } from './run.js';
import { CAT_FILE_BATCH } from './cat-file.js';

export interface StagedOptions {
  /** Report the whole staged files, not only the lines the commit adds or changes. */
  allLines?: boolean;
  /** Larger blobs are skipped (counted as too-large); the scanner's limit (engine/scanner.ts). */
  maxFileSize: number;
  /** Config `allowlist.paths`: gitignore-style patterns of paths not to scan. */
  excludePaths?: string[];
}

export interface StagedEntry {
  path: string;
  /** For renames and copies, the path in HEAD. */
  oldPath?: string;
  mode: string;
  blob: string;
  /** The blob in HEAD (zeros for an added file). */
  oldBlob: string;
  /** A, M, T, R<score>, C<score>, D, U. */
  status: string;
}

export interface StagedDiff {
  entries: StagedEntry[];
  /** Added/changed line numbers (1-based) of each path in the index. */
  lines: Map<string, Set<number>>;
}

function diffArgs(withLines: boolean): string[] {
  const args = ['diff', '--cached', '--raw', '-z', '-M', '--no-abbrev', '--no-color', '--no-ext-diff', '--no-textconv', '--no-relative', '--ignore-submodules=none'];
  if (withLines) args.push('-p', '-U0', '--src-prefix=a/', '--dst-prefix=b/');
  return args;
}

/** Run and parse the staged diff (`cwd`: any directory of the work tree; paths are from the top). */
export async function stagedDiff(repo: RepoInfo, withLines: boolean, cwd = repo.root): Promise<StagedDiff> {
  const r = await runGit(cwd, diffArgs(withLines));
  if (r.code !== 0) throw new SweepError(`${repo.input}: cannot read the index: ${firstGitLine(r.stderr) || `git diff exited with ${r.code}`}`);
  return parseStagedDiff(r.stdout);
}

/** Parse `git diff --raw -z [-p]` output: raw entries, then (optionally) the patch. */
export function parseStagedDiff(out: Buffer): StagedDiff {
  const entries: StagedEntry[] = [];
  let pos = 0;
  const token = (): Buffer => {
    const nul = out.indexOf(0, pos);
    const end = nul < 0 ? out.length : nul;
    const t = out.subarray(pos, end);
    pos = end + 1;
    return t;
  };
  while (pos < out.length && out[pos] === 0x3a /* ':' */) {
    const head = token().toString('latin1');
    const f = head.slice(1).split(' ');
    const mode = f[1]!;
    const oldBlob = f[2]!;
    const blob = f[3]!;
    const status = f[4] ?? '';
    const p1 = token().toString('utf8');
    if (status[0] === 'R' || status[0] === 'C') {
      const p2 = token().toString('utf8');
      entries.push({ path: p2, oldPath: p1, mode, blob, oldBlob, status });
    } else entries.push({ path: p1, mode, blob, oldBlob, status });
  }
  if (pos < out.length && out[pos] === 0) pos++;
  const lines = pos < out.length ? parseAddedLines(out.toString('latin1', pos)) : new Map<string, Set<number>>();
  return { entries, lines };
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Added/changed line numbers per new path, from a `-U0` patch (decoded as latin1: one char per byte). */
export function parseAddedLines(patch: string): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  let remaining = 0; // body lines of the current hunk still to skip
  let i = 0;
  while (i < patch.length) {
    let nl = patch.indexOf('\n', i);
    if (nl < 0) nl = patch.length;
    const line = patch.slice(i, nl);
    i = nl + 1;
    if (remaining > 0) {
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
      remaining--;
      continue;
    }
    if (line.startsWith('diff --git ')) {
      current = undefined;
    } else if (line.startsWith('+++ ')) {
      const name = patchPath(line.slice(4));
      if (name === undefined) current = undefined;
      else {
        current = result.get(name) ?? new Set<number>();
        result.set(name, current);
      }
    } else if (line.startsWith('@@ ')) {
      const m = HUNK.exec(line);
      if (!m) continue;
      const removed = m[1] === undefined ? 1 : Number(m[1]);
      const start = Number(m[2]);
      const added = m[3] === undefined ? 1 : Number(m[3]);
      remaining = removed + added;
      if (current) for (let l = start; l < start + added; l++) current.add(l);
    } else if (line.startsWith('\\')) {
      // "\ No newline at end of file" after the last body line
    }
  }
  return result;
}

/** `b/path`, `"b/quoted\npath"` or `/dev/null` (with git's trailing TAB for names with spaces). */
function patchPath(raw: string): string | undefined {
  let s = raw;
  if (s === '/dev/null') return undefined;
  if (s.startsWith('"')) s = unquoteC(s);
  else if (s.endsWith('\t')) s = s.slice(0, -1);
  if (!s.startsWith('b/')) return undefined;
  return Buffer.from(s.slice(2), 'latin1').toString('utf8');
}

const ESC: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undo git's C-style quoting; returns a latin1 string (one char per byte). */
export function unquoteC(q: string): string {
  let out = '';
  const end = q.lastIndexOf('"');
  for (let i = 1; i < end; i++) {
    const c = q[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = q[i + 1]!;
    if (n >= '0' && n <= '7') {
      out += String.fromCharCode(parseInt(q.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      out += String.fromCharCode(ESC[n] ?? n.charCodeAt(0));
      i += 1;
    }
  }
  return out;
}

class StagedSource implements TextSource {
  readonly name = 'staged';
  private readonly st: SourceStats = emptyStats();

  constructor(
    readonly repo: RepoInfo,
    private readonly diff: StagedDiff,
    private readonly opts: StagedOptions,
  ) {}

  stats(): SourceStats {
    return this.st;
  }

  async *fragments(): AsyncIterable<Fragment> {
    const st = this.st;
    const todo: { sha: string; meta: StagedEntry }[] = [];
    const excluded = pathExcluder(this.opts.excludePaths);
    /** Renamed out of a path the config does not scan: its content was never read, so all of it is new here. */
    const fromUnscanned = (e: StagedEntry) => e.oldPath !== undefined && excluded?.(e.oldPath) === true;
    for (const e of this.diff.entries) {
      if (excluded?.(e.path)) continue;
      if (e.status === 'D' || e.status === 'U') continue;
      if (e.status === 'R100' && !fromUnscanned(e)) continue; // renamed without change: not re-reported
      if (e.blob === e.oldBlob && !fromUnscanned(e)) continue; // mode change only: no new content
      if (e.mode === MODE_GITLINK) {
        st.notes.push(`submodule ${e.path} not scanned`);
        continue;
      }
      // A symlink's blob (its target) is scanned as text: a token written there is committed too.
      todo.push({ sha: e.blob, meta: e });
    }
    const maxSize = this.opts.maxFileSize;
    // A handful of blobs: one cat-file process, no size look-up first.
    for await (const o of readBlobs(this.repo, todo, { maxSize, sizesFirst: false, maxInFlightChecks: 16 })) {
      const e = o.req.meta;
      if (o.skip) {
        const reason: Skipped['reason'] = o.skip === 'too-large' ? 'too-large' : 'unreadable';
        const what = o.skip === 'too-large' ? `${o.size} bytes` : o.skip === 'not-a-blob' ? 'not a blob' : unreadableDetail(e.blob, o.skip);
        st.skipped.push({ path: e.path, reason, detail: what });
        continue;
      }
      let why = skipReason(o.data);
      let data = o.data;
      let size = o.size;
      let lfsObject = false;
      // An LFS pointer: the object `git add` put in the clone's LFS store is what the commit publishes (lfs.ts).
      const obj = withLfsObject(o.data, (p) => readLfsObject(this.repo.gitDir, p, maxSize));
      if (obj) {
        if ('unread' in obj) {
          st.skipped.push({ path: e.path, reason: obj.tooLarge ? 'too-large' : 'lfs-object', detail: obj.unread });
          continue;
        }
        data = obj.data;
        size = data.length;
        why = skipReason(data);
        lfsObject = true;
      }
      // A gate reads binary content for what it hides (binary-text.ts): a NUL byte must not wave a secret through.
      const binary = why === 'binary' || (why === undefined && hidesBinary(data));
      if (binary) {
        const bin = binaryText(data);
        if ('unscanned' in bin) {
          st.skipped.push({ path: e.path, reason: bin.tooLarge ? 'too-large' : 'encoding', detail: bin.unscanned });
          continue;
        }
        data = Buffer.from(bin.text, 'utf8');
      } else if (why) {
        st.skipped.push({ path: e.path, reason: why });
        continue;
      }
      st.files++;
      st.bytes += size;
      // No hunks for a changed blob means git diffed it as binary (e.g. UTF-16 text): report all of it.
      // An LFS object: git's diff is of the pointer's lines, so all of it is reported.
      const gitLines = this.opts.allLines || binary || lfsObject || fromUnscanned(e) ? undefined : this.diff.lines.get(e.path);
      const onlyLines = gitLines && detectorLines(data, gitLines);
      // A large blob in windows (a gate scans large text rather than skipping it).
      for (const fragment of bytesFragments(data, { kind: 'staged', path: e.path, blob: e.blob })) {
        if (onlyLines) fragment.onlyLines = onlyLines;
        yield fragment;
      }
    }
  }
}

/**
 * git's added-line numbers (lines end at LF) as the detector numbers lines (a lone CR ends a line too,
 * detect/line-index.ts). Without this, a file whose lines end in CR alone is one line to git and many to
 * the detector: a token on its third CR-line was "line 3", not an added line, and was dropped.
 */
export function detectorLines(data: Uint8Array, gitLines: Set<number>): Set<number> {
  let cr = data.indexOf(0x0d);
  while (cr !== -1 && data[cr + 1] === 0x0a) cr = data.indexOf(0x0d, cr + 1);
  if (cr === -1) return gitLines; // no lone CR: the numbers agree
  const out = new Set<number>();
  let g = 1;
  let d = 1;
  if (gitLines.has(1)) out.add(1);
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === 0x0a) {
      g++;
      d++;
    } else if (c === 0x0d && data[i + 1] !== 0x0a) d++;
    else continue;
    if (gitLines.has(g)) out.add(d);
  }
  return out;
}

/**
 * Start the git processes a `--staged` scan of `path` uses (discovery, the staged diff, the content reader),
 * so that they run while the rest of the scanner loads (a pre-commit hook's latency). The content reader,
 * taken when `path` is the top of the work tree (as in a hook), reads HEAD's config (gate-config.ts) and then
 * the staged blobs: three git processes in all.
 */
export function startStagedEarly(path: string, opts: { allLines?: boolean } = {}): void {
  const abs = resolve(path);
  startGitsEarly(abs, [DISCOVERY_ARGS, diffArgs(!opts.allLines)], CAT_FILE_BATCH);
}

/** The repository (discovered once, HEAD included) and its staged diff: what the gate and the source both read. */
export interface StagedIndex {
  repo: RepoInfo;
  diff: StagedDiff;
}

/**
 * Discover the repository at `path` and read its staged diff, side by side (latency: this is a pre-commit
 * hook); discovery's error wins. Not a repository, a bare repository (no index), an unreadable index →
 * SweepError (exit 2).
 */
export async function readStaged(path: string, opts: { allLines?: boolean }): Promise<StagedIndex> {
  const [repoR, diffR] = await Promise.allSettled([openRepo(path), runGit(resolve(path), diffArgs(!opts.allLines))]);
  if (repoR.status === 'rejected') throw repoR.reason;
  const repo = repoR.value;
  if (repo.bare) throw new SweepError(`${path} is a bare repository: --staged needs a work tree and an index`);
  if (diffR.status === 'rejected') throw diffR.reason;
  const r = diffR.value;
  if (r.code !== 0) throw new SweepError(`${path}: cannot read the index: ${firstGitLine(r.stderr) || `git diff exited with ${r.code}`}`);
  return { repo, diff: parseStagedDiff(r.stdout) };
}

/**
 * The staged changes of the repository at `path` as a Source (`index`: read already by the gate, else
 * read here). Validates first: not a repository, a bare repository (no index) → SweepError (exit 2).
 */
export async function stagedSource(path: string, opts: StagedOptions, index?: StagedIndex): Promise<TextSource & { repo: RepoInfo }> {
  const { repo, diff } = index ?? (await readStaged(path, opts));
  return new StagedSource(repo, diff, opts);
}
