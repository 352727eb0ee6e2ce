/**
 * `scan --history [REV...]` and `scan --range A..B`: every distinct blob once, one finding per distinct
 * secret with its provenance.
 *
 * Pass 1 (streaming): one `git log --raw --date-order` lists the blobs each commit added or modified; each
 *   blob sha not seen before goes to a reader: the main thread and N-1 worker threads, each reading
 *   through its own `git cat-file` and detecting (the lanes of the engine's pool, engine/pool.ts).
 *   Small histories stay on the main thread. Only the set of seen blob shas grows with history; content and provenance are not held: the
 *   log's output is copied to a private temporary file instead (log-copy.ts).
 * Pass 2 (only when something was found): the saved log is read again, keeping the (commit, path)
 *   entries of the blobs that had findings (git log runs again only if the copy was too large);
 *   `git ls-tree -r HEAD` gives the blobs present at HEAD.
 * Merge: one finding per (rule, fingerprint): the introducing commit is the oldest commit that added a
 *   blob containing it; `provenances` lists every (commit, path), oldest first; `count` their number;
 *   `presentAtHead` whether any blob containing it is in HEAD's tree.
 */
import { availableParallelism } from 'node:os';
import type { DetectorOptions } from '../detect/detector.js';
import type { Finding, Provenance } from '../findings/finding.js';
import { cloneFinding } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import type { SourceStats } from '../sources/source.js';
import { emptyStats } from '../sources/source.js';
import { MODE_GITLINK, MODE_SYMLINK } from '../sources/git/blob.js';
import { pathExcluder } from '../sources/path-filter.js';
import type { BlobRequest } from '../sources/git/blobs.js';
import { countCommits, logEventBatches, parseLog } from '../sources/git/history.js';
import { LogCopy } from './log-copy.js';
import { noteCapped } from '../engine/findings-cap.js';
import { headInfo, isEmptyRepo, openRepo, resolveRange, resolveRevs, shallowNote, type RepoInfo } from '../sources/git/repo.js';
import { runGit } from '../sources/git/run.js';
import { addTally, emptyTally, reviveFindings, type Tally, type UnitFindings } from '../engine/detect-blob.js';
import { ScanPool } from '../engine/pool.js';
import { portableOptions } from '../engine/scanner.js';
import { ProgressBar, progressWanted } from './history-progress.js';

export interface HistoryScanOptions {
  /** Repository path (any directory inside it). */
  path: string;
  /** `--history` revisions (names, `^X`, `A..B`); none = all refs and HEAD. Ignored when `range` is set. */
  revs?: string[];
  /** `--range A..B`: only what the commits in the range introduced. */
  range?: string;
  specs: RuleSpec[];
  detectorOptions?: DetectorOptions;
  /** Blobs larger than this are skipped and counted (the scanner's limit, engine/scanner.ts). */
  maxFileSize: number;
  /** Threads that read and detect, the main thread included (default os.availableParallelism()); 0 or 1 = the main thread alone. */
  workers?: number;
  /** Histories with up to this many distinct blobs are read on the main thread (default 1000). */
  inlineBlobs?: number;
  /** Findings kept per blob, the rest noted (`--max-findings-per-file`; default 0: no limit). */
  maxFindingsPerBlob?: number;
  /** Size cap of the on-disk copy of the log kept for provenance (see LogCopy; tests set it low). */
  logCopyMaxBytes?: number;
  /** Progress bar on stderr (default: stderr is a TTY and CI is unset). */
  progress?: boolean;
  /** Config `allowlist.paths`: gitignore-style patterns; entries at these paths are ignored. */
  excludePaths?: string[];
}

export interface HistoryStats {
  commits: number;
  /** (commit, path) entries that added or modified a blob. */
  entries: number;
  /** Distinct blobs seen. */
  blobs: number;
  /** Distinct blobs whose content was scanned, and their bytes. */
  blobsScanned: number;
  bytesScanned: number;
  skippedBinary: number;
  skippedTooLarge: number;
  skippedLfs: number;
  skippedSymlink: number;
  missing: number;
  submodules: number;
  /** Worker threads used (0: all detection ran on the main thread). */
  workers: number;
}

export interface HistoryScanResult {
  repo: RepoInfo;
  findings: Finding[];
  stats: SourceStats;
  history: HistoryStats;
}

/** Up to this many distinct blobs, reading and detection stay on the main thread (no worker start-up). */
const INLINE_BLOBS = 1000;

function newHistoryStats(): HistoryStats {
  return { commits: 0, entries: 0, blobs: 0, blobsScanned: 0, bytesScanned: 0, skippedBinary: 0, skippedTooLarge: 0, skippedLfs: 0, skippedSymlink: 0, missing: 0, submodules: 0, workers: 0 };
}

// ---------------------------------------------------------------------------------------------------
// The scan

interface ProvRec extends Provenance {
  /** Position in date order: higher = older. */
  order: number;
}

export async function scanHistory(opts: HistoryScanOptions): Promise<HistoryScanResult> {
  const repo = await openRepo(opts.path);
  const stats = emptyStats();
  const hs = newHistoryStats();
  const shallow = shallowNote(repo);
  if (shallow) stats.notes.push(shallow);

  if (!opts.range && (opts.revs ?? []).length === 0 && (await isEmptyRepo(repo))) {
    stats.notes.push('empty repository: no commits, nothing to scan');
    return { repo, findings: [], stats, history: hs };
  }
  const maxSize = opts.maxFileSize;
  // onDrop (--debug) is a callback: it cannot cross into workers, so debug scans stay on this thread.
  const wantWorkers = opts.detectorOptions?.onDrop ? 0 : Math.max(0, opts.workers ?? availableParallelism());
  const workerUrl = wantWorkers > 1 ? ScanPool.workerUrl() : undefined;
  const inlineBlobs = opts.inlineBlobs ?? INLINE_BLOBS;
  const limit = opts.maxFindingsPerBlob ?? 0;
  const tally = emptyTally();
  // The main thread reads too: `wantWorkers` reading threads are it and wantWorkers - 1 workers.
  const startPool = (workers: number) => {
    const init = { rules: opts.specs, detector: portableOptions(opts.detectorOptions), repo, maxFileSize: maxSize, maxFindingsPerFile: limit };
    return new BlobFeed(new ScanPool(init, workers, opts.detectorOptions ?? {}), (t) => addTally(tally, t));
  };
  // A whole history of a repository with many objects: start the workers now, so that their start-up
  // (module loading, rule compiling: ~150 ms) overlaps rev parsing and the log's first output.
  let pool: BlobFeed | undefined;
  if (workerUrl && !opts.range && (opts.revs ?? []).length === 0 && (await objectCount(repo)) > inlineBlobs) pool = startPool(wantWorkers - 1);
  let sel: Awaited<ReturnType<typeof resolveRevs>>;
  try {
    sel = opts.range ? await resolveRange(repo, opts.range) : await resolveRevs(repo, opts.revs);
  } catch (e) {
    await pool?.close();
    throw e;
  }

  const excluded = pathExcluder(opts.excludePaths);

  const showProgress = opts.progress ?? progressWanted();
  let totalCommits: number | undefined;
  let bar: ProgressBar | undefined;
  if (showProgress) {
    void countCommits(repo, sel.args).then((n) => (totalCommits = n));
    bar = new ProgressBar(() => ({ commits: hs.commits, totalCommits, blobs: tally.scanned, bytes: tally.bytes })).start();
  }

  const logCopy = new LogCopy(opts.logCopyMaxBytes);
  const seen = new Set<string>();
  const submodules = new Set<string>();
  /** Distinct blobs to read, in log order. */
  async function* candidates(): AsyncGenerator<BlobRequest<string>> {
    for await (const events of logEventBatches(repo, sel.args, { dateOrder: true, tee: logCopy.write })) {
      const fresh: BlobRequest<string>[] = [];
      for (const ev of events) {
        if (ev.commit) {
          hs.commits++;
          continue;
        }
        const e = ev.entry!;
        if (excluded?.(e.path)) continue;
        hs.entries++;
        if (e.mode === MODE_GITLINK) {
          if (!submodules.has(e.path)) {
            submodules.add(e.path);
            stats.notes.push(`submodule ${e.path} not scanned`);
          }
          continue;
        }
        if (seen.has(e.blob)) continue;
        seen.add(e.blob);
        hs.blobs++;
        if (e.mode === MODE_SYMLINK) {
          hs.skippedSymlink++;
          continue;
        }
        fresh.push({ sha: e.blob, meta: e.path });
      }
      yield* fresh;
    }
  }

  try {
    // The first blobs are held back: a small history is read and scanned on this thread alone; past
    // INLINE_BLOBS the workers start too.
    const it = candidates();
    const head: BlobRequest<string>[] = [];
    if (!pool) {
      let more = true;
      while (head.length < inlineBlobs) {
        const r = await it.next();
        if (r.done) {
          more = false;
          break;
        }
        head.push(r.value);
      }
      pool = startPool(more && workerUrl ? wantWorkers - 1 : 0);
    }
    hs.workers = pool.workers;
    for (const r of head) await pool.add(r.sha, r.meta);
    for await (const r of it) await pool.add(r.sha, r.meta);
    await pool.finish();
  } catch (e) {
    logCopy.remove();
    throw e;
  } finally {
    await pool?.close();
    bar?.stop();
  }
  hs.blobsScanned = tally.scanned;
  hs.bytesScanned = tally.bytes;
  for (const sk of tally.skipped) {
    if (sk.reason === 'binary') hs.skippedBinary++;
    else if (sk.reason === 'lfs-pointer') hs.skippedLfs++;
    else if (sk.reason === 'too-large') hs.skippedTooLarge++;
    else if (sk.reason === 'unreadable') hs.missing++;
    stats.skipped.push(sk);
  }
  noteCapped(stats, tally.capped, limit);
  hs.submodules = submodules.size;
  if (hs.missing > 0) stats.notes.push(`${hs.missing} blob${hs.missing === 1 ? '' : 's'} missing or corrupt in the object database (not scanned; \`git fsck\` says more)`);
  if (hs.commits === 0 && opts.range) stats.notes.push(`range ${opts.range} contains no commits`);
  stats.files = hs.blobsScanned;
  stats.bytes = hs.bytesScanned;

  try {
    const findings = tally.results.length > 0 ? await attribute(repo, sel.args, tally.results, excluded, logCopy.read()) : [];
    return { repo, findings, stats, history: hs };
  } finally {
    logCopy.remove();
  }
}

/** Pass 2 and merge: provenance, introducing commit, presentAtHead, one finding per secret. */
async function attribute(repo: RepoInfo, revArgs: string[], results: UnitFindings[], excluded: ((path: string) => boolean) | undefined, savedLog: AsyncIterable<Buffer> | undefined): Promise<Finding[]> {
  const headBlobsP = headBlobSet(repo);
  headBlobsP.catch(() => {});
  const wanted = new Map<string, ProvRec[]>();
  for (const r of results) wanted.set(r.unit, []);
  let order = 0;
  // The first pass's output, saved (the same command, --date-order); git log again if it was not kept.
  for await (const events of savedLog ? parseLog(savedLog, new Set(wanted.keys())) : logEventBatches(repo, revArgs, { dateOrder: true })) {
    for (const ev of events) {
      if (ev.commit) {
        order++;
        continue;
      }
      const e = ev.entry!;
      const list = wanted.get(e.blob);
      if (!list || excluded?.(e.path)) continue;
      const c = e.commit;
      if (list.some((p) => p.commit === c.sha && p.path === e.path)) continue;
      list.push({ kind: 'git-blob', path: e.path, commit: c.sha, author: c.author, email: c.email, date: c.date, blob: e.blob, order });
    }
  }
  const headBlobs = await headBlobsP;

  interface Group {
    rep: Finding;
    introOrder: number;
    intro?: ProvRec;
    provs: Map<string, ProvRec>;
    atHead: boolean;
  }
  const groups = new Map<string, Group>();
  for (const r of results) {
    const provs = wanted.get(r.unit) ?? [];
    let intro: ProvRec | undefined;
    for (const p of provs) if (!intro || p.order > intro.order) intro = p;
    const introOrder = intro?.order ?? -1;
    const atHead = headBlobs.has(r.unit);
    const found = reviveFindings(r).sort((a, b) => a.start - b.start);
    for (const f of found) {
      // A suppressed sighting (inline marker) never stands for, or hides, an unmarked one of the same secret.
      const key = `${f.rule}\0${f.fingerprint}${f.suppressed ? '\0suppressed' : ''}`;
      let g = groups.get(key);
      if (!g) {
        g = { rep: f, introOrder, intro, provs: new Map(), atHead: false };
        groups.set(key, g);
      } else if (introOrder > g.introOrder || (introOrder === g.introOrder && before(f, g.rep))) {
        g.rep = f;
        g.introOrder = introOrder;
        g.intro = intro;
      }
      g.atHead ||= atHead;
      for (const p of provs) g.provs.set(`${p.commit}\0${p.path}`, p);
    }
  }

  const out: Finding[] = [];
  for (const g of groups.values()) {
    const provenances: Provenance[] = [...g.provs.values()]
      .sort((a, b) => b.order - a.order || a.path.localeCompare(b.path))
      .map(({ order: _o, ...p }) => p);
    const patch: Partial<Finding> = { provenances, count: provenances.length, presentAtHead: g.atHead };
    if (g.intro) {
      patch.file = g.intro.path;
      patch.commit = g.intro.commit;
      patch.author = g.intro.author;
      patch.email = g.intro.email;
      patch.date = g.intro.date;
    }
    out.push(cloneFinding(g.rep, patch));
  }
  out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  return out;
}

/** Blobs per job, and jobs a lane may have outstanding. */
const BATCH_BLOBS = 256;
const BATCH_DEPTH = 4;

/**
 * Feeds blob ids to the pool's lanes in batches, routed by path: all versions of a file go to the same
 * git process, which then keeps the delta bases they share in its cache (spread over two processes, each
 * inflated the same bases: twice the CPU in git).
 */
class BlobFeed {
  private readonly pending: Array<Array<[string, string]>>;
  private readonly jobs: Promise<void>[] = [];

  constructor(
    private readonly pool: ScanPool,
    private readonly onTally: (t: Tally) => void,
  ) {
    this.pending = Array.from({ length: pool.size }, () => []);
  }

  get workers(): number {
    return this.pool.workers;
  }

  /** Queue a blob; waits while its lane has BATCH_DEPTH jobs outstanding. */
  async add(sha: string, path: string): Promise<void> {
    if (this.pool.error) throw this.pool.error;
    const lane = pathHash(path) % this.pending.length;
    const list = this.pending[lane]!;
    list.push([sha, path]);
    if (list.length < BATCH_BLOBS) return;
    await this.pool.below(lane, BATCH_DEPTH);
    this.flush(lane);
  }

  /** Send what is left, wait for every answer, let the lanes close their git processes. */
  async finish(): Promise<void> {
    for (let i = 0; i < this.pending.length; i++) this.flush(i);
    await Promise.all(this.jobs);
    await this.pool.end();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private flush(lane: number): void {
    const blobs = this.pending[lane]!;
    if (blobs.length === 0) return;
    this.pending[lane] = [];
    const job = this.pool.run({ kind: 'blobs', blobs }, lane).then(this.onTally);
    job.catch(() => {}); // awaited in finish(); a failure also stops add() through the pool
    this.jobs.push(job);
  }
}

/** FNV-1a of a path: which lane reads its blobs. */
function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Objects in the repository (packed and loose): an upper bound on the blobs a history scan reads. */
async function objectCount(repo: RepoInfo): Promise<number> {
  const r = await runGit(repo.root, ['count-objects', '-v']);
  if (r.code !== 0) return 0;
  let n = 0;
  for (const m of r.stdout.toString('utf8').matchAll(/^(?:count|in-pack): (\d+)$/gm)) n += Number(m[1]);
  return n;
}

/** Tie-break between blobs of the same commit (results arrive from workers in any order): path, then offset. */
function before(a: Finding, b: Finding): boolean {
  return a.file < b.file || (a.file === b.file && a.start < b.start);
}

/** Blob shas in HEAD's tree (empty when HEAD is unborn). */
export async function headBlobSet(repo: RepoInfo): Promise<Set<string>> {
  const head = await headInfo(repo);
  const set = new Set<string>();
  if (!head.commit) return set;
  const r = await runGit(repo.root, ['ls-tree', '-r', '-z', '--full-tree', head.commit]);
  if (r.code !== 0) return set;
  const out = r.stdout;
  let pos = 0;
  while (pos < out.length) {
    const nul = out.indexOf(0, pos);
    const end = nul < 0 ? out.length : nul;
    // "<mode> SP <type> SP <sha> TAB <path>"
    const tab = out.indexOf(0x09, pos);
    if (tab > pos && tab < end) {
      const meta = out.toString('latin1', pos, tab).split(' ');
      if (meta[1] === 'blob') set.add(meta[2]!);
    }
    pos = end + 1;
  }
  return set;
}
