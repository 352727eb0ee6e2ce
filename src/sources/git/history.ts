/**
 * Enumerating history: for each commit in a selection, the blobs it added or modified (path, mode,
 * blob sha) with the commit's author and date, streamed from ONE `git log --raw -z` process.
 *
 * - `-z`: paths are NUL-terminated bytes (spaces, newlines, non-UTF-8 bytes all survive).
 * - `--no-renames`: a rename is a delete plus an add, so the new path is recorded as a provenance.
 * - `-c` for merges: a merge lists only the paths whose result differs from every parent, i.e. the
 *   content the merge itself introduced (conflict resolutions, "evil merges"); content a merge takes
 *   from a side branch was introduced by that branch's commits, which the walk also visits.
 * - `--root`: a root commit lists everything it adds.
 */
import { SweepError } from '../../errors.js';
import { firstGitLine, nulTokenBatches, runGit, spawnGit } from './run.js';
import type { RepoInfo } from './repo.js';

export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  /** Author date, strict ISO 8601. */
  date: string;
}

export interface LogEntry {
  commit: CommitInfo;
  /** Path in the commit's tree, '/'-separated (bytes decoded as UTF-8; invalid bytes become U+FFFD). */
  path: string;
  /** Mode in the commit's tree: 100644, 100755, 120000 (symlink), 160000 (submodule). */
  mode: string;
  blob: string;
}

export interface LogEvent {
  /** Set when a new commit starts (entries of that commit follow). */
  commit?: CommitInfo;
  entry?: LogEntry;
}

const HEADER_FIELDS = 4; // %H %an %ae %aI after the \x01 marker
const ZERO = /^0+$/;

export interface LogOptions {
  /** Parents strictly after children (oldest commit last): needed to tell which commit is the oldest. */
  dateOrder?: boolean;
  /** Sees every chunk of git's output as read (to keep a copy for a second reading, see history-scan). */
  tee?: (chunk: Buffer) => void;
  /**
   * Collects every path a commit adds, modifies or deletes (`git log --name-only`'s list), and the paths a
   * merge's own result holds (its `-c` entries: an evil merge can add a file no parent has, whose name is
   * published with it), read from this pass instead of a second walk of the history.
   */
  touched?: Set<string>;
}

/** The options of the history source's log (pass 1, and pass 2 when the copy was not kept). */
export const HISTORY_LOG: LogOptions = { dateOrder: true };

/** The `git log` arguments shared by enumeration and provenance passes. */
export function logArgs(revArgs: string[], opts: LogOptions = {}): string[] {
  return [
    'log',
    '--no-color',
    '--no-show-signature',
    '--no-notes',
    '--no-ext-diff',
    '--no-textconv',
    '--no-renames',
    '--no-abbrev',
    '--raw',
    '-r',
    '-c',
    '--root',
    '-z',
    ...(opts.dateOrder ? ['--date-order'] : []),
    '--format=%x01%H%x00%an%x00%ae%x00%aI',
    ...revArgs,
    '--',
  ];
}

/**
 * Stream commits and their added/modified entries for `revArgs` (e.g. ['--all'], or ['^A', 'B']), one
 * array of events per chunk of git's output (a history has millions of entries: no promise per entry).
 * Deleted paths are not reported. Throws a SweepError when git fails.
 */
export async function* logEventBatches(repo: RepoInfo, revArgs: string[], opts: LogOptions = {}): AsyncGenerator<LogEvent[]> {
  const proc = spawnGit(repo.root, logArgs(revArgs, opts));
  let stderr = '';
  proc.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 4096) stderr += b.toString('utf8');
  });
  const exited = new Promise<number>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve(code ?? 1));
  });
  proc.stdin.end();
  let finished = false;
  try {
    const tee = opts.tee;
    const out: AsyncIterable<Buffer> = tee
      ? (async function* () {
          for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
            tee(chunk);
            yield chunk;
          }
        })()
      : proc.stdout;
    yield* parseLog(out, undefined, opts.touched);
    finished = true;
  } finally {
    if (!finished && proc.exitCode === null) proc.kill();
  }
  const code = await exited;
  if (code !== 0) throw new SweepError(`${repo.input}: git log failed: ${firstGitLine(stderr) || `exit code ${code}`}`);
}

/**
 * Events of `git log` output in logArgs' format (from git, or from a saved copy), one array per chunk.
 * With `onlyBlobs`, entries of other blobs are dropped before their path is decoded. `touched`: see LogOptions.
 */
export async function* parseLog(out: AsyncIterable<Buffer>, onlyBlobs?: ReadonlySet<string>, touched?: Set<string>): AsyncGenerator<LogEvent[]> {
  const parser = new LogParser(onlyBlobs, touched);
  for await (const tokens of nulTokenBatches(out)) {
    const events: LogEvent[] = [];
    for (const tok of tokens) {
      const ev = parser.push(tok);
      if (ev) events.push(ev);
    }
    if (events.length) yield events;
  }
}

/** `git log --raw -z` tokens in, events out. */
class LogParser {
  private commit?: CommitInfo;
  private header?: string[];
  private pendingEntry?: { mode: string; blob: string };
  /** The next token is the path of an entry that is not wanted. */
  private skipPath = false;

  constructor(
    private readonly onlyBlobs?: ReadonlySet<string>,
    private readonly touched?: Set<string>,
  ) {}

  push(tok: Buffer): LogEvent | undefined {
    if (this.header) {
      this.header.push(tok.toString('utf8'));
      if (this.header.length === HEADER_FIELDS) {
        const h = this.header;
        this.commit = { sha: h[0]!, author: h[1]!, email: h[2]!, date: h[3]! };
        this.header = undefined;
        return { commit: this.commit };
      }
      return undefined;
    }
    if (this.skipPath) {
      this.skipPath = false;
      return undefined;
    }
    if (this.pendingEntry) {
      const path = tok.toString('utf8');
      const e = this.pendingEntry;
      this.pendingEntry = undefined;
      this.touched?.add(path);
      if (this.commit && !ZERO.test(e.blob)) return { entry: { commit: this.commit, path, mode: e.mode, blob: e.blob } };
      return undefined;
    }
    // Between items git may emit newlines; skip them.
    let start = 0;
    while (start < tok.length && tok[start] === 0x0a) start++;
    if (start === tok.length) return undefined;
    const first = tok[start];
    if (first === 0x01) {
      this.header = [tok.toString('utf8', start + 1)];
      return undefined;
    }
    if (first === 0x3a /* ':' */) {
      const e = parseRawBytes(tok, start);
      if (this.onlyBlobs && !this.onlyBlobs.has(e.blob)) this.skipPath = true;
      else this.pendingEntry = e;
      return undefined;
    }
    throw new SweepError(`unexpected git log output near ${JSON.stringify(tok.toString('utf8', start, start + 40))}`);
  }
}

/**
 * One raw entry header: `:srcmode dstmode srcsha dstsha STATUS` or, for a merge with N parents,
 * N colons, N+1 modes, N+1 shas and N status letters. Returns the destination mode and sha.
 */
export function parseRaw(s: string): { mode: string; blob: string } {
  return parseRawBytes(Buffer.from(s, 'latin1'), 0);
}

/**
 * parseRaw on the token's bytes from `start`. The mode and sha are decoded alone: a substring of the whole
 * header (split) would be a slice that keeps the header alive, and a history scan keeps every blob's sha
 * for the whole run (sympy: ~120k, ~11 MB of headers held).
 */
function parseRawBytes(tok: Buffer, start: number): { mode: string; blob: string } {
  let i = start;
  while (tok[i] === 0x3a) i++;
  const n = i - start; // number of parents compared
  // Fields after the colons, space-separated: N+1 modes, then N+1 shas; we want fields n and 2n+1.
  let mode: string | undefined;
  let blob: string | undefined;
  for (let field = 0; i <= tok.length && blob === undefined; field++) {
    let end = tok.indexOf(0x20, i);
    if (end === -1) end = tok.length;
    if (field === n) mode = tok.toString('latin1', i, end);
    else if (field === 2 * n + 1) blob = tok.toString('latin1', i, end);
    i = end + 1;
  }
  if (mode === undefined || blob === undefined) throw new SweepError(`unexpected git log raw entry: ${tok.toString('latin1', start, start + 80)}`);
  return { mode, blob };
}

/** Count the commits in a selection (for the progress bar's ETA). */
export async function countCommits(repo: RepoInfo, revArgs: string[]): Promise<number | undefined> {
  const r = await runGit(repo.root, ['rev-list', '--count', ...revArgs, '--']);
  if (r.code !== 0) return undefined;
  const n = Number(r.stdout.toString('utf8').trim());
  return Number.isFinite(n) ? n : undefined;
}
