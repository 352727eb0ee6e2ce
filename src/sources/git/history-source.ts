/**
 * The git history as a source (`scan --history [REV...]`, `scan --range A..B`): every distinct blob once,
 * one finding per distinct secret with its provenance.
 *
 * Pass 1 (streaming): one `git log --raw --date-order` lists the blobs each commit added or modified; each
 *   blob sha not seen before goes to a reader: the main thread and N-1 worker threads, each reading
 *   through its own `git cat-file` and detecting (the lanes of the engine's pool, engine/pool.ts).
 *   Small histories stay on the main thread. Only the set of seen blob shas grows with history; content and provenance are not held: the
 *   log's output is copied to a private temporary file instead (log-copy.ts).
 * Pass 2 (only when something was found): the saved log is read again, keeping the (commit, path)
 *   entries of the blobs that had findings (git log runs again only if the copy was too large);
 *   `git ls-tree -r HEAD` gives the blobs present at HEAD.
 * Merge: one finding per (rule, fingerprint), where it was seen kept apart (`seen`, findings/finding.ts):
 *   `at` the introducing commit, the oldest that added a blob containing it; `places` every (commit,
 *   path), oldest first; `presentAtHead` whether any blob containing it is in HEAD's tree.
 */
import type { Finding, Provenance, Sightings } from '../../findings/finding.js';
import { cloneFinding } from '../../findings/finding.js';
import type { BlobSource, BlobUnit, SourceStats, SourceTally } from '../source.js';
import { emptyStats } from '../source.js';
import { MODE_GITLINK } from './blob.js';
import { pathExcluder } from '../path-filter.js';
import { countCommits, HISTORY_LOG, logEventBatches, parseLog } from './history.js';
import { LogCopy } from './log-copy.js';
import { mergeResults } from './merge-results.js';
import { isEmptyRepo, openRepo, resolveRange, resolveRevs, shallowNote, type RepoInfo } from './repo.js';
import { runGit } from './run.js';
import { ProgressBar, progressWanted } from './history-progress.js';

export interface HistoryOptions {
  /** Repository path (any directory inside it). */
  path: string;
  /** The repository at `path`, already opened (the CLI's gate opens it); opened here when absent. */
  repo?: RepoInfo;
  /** `--history` revisions (names, `^X`, `A..B`); none = all refs and HEAD. Ignored when `range` is set. */
  revs?: string[];
  /** `--range A..B`: only what the commits in the range introduced. */
  range?: string;
  /** Size cap of the on-disk copy of the log kept for provenance (see LogCopy; tests set it low). */
  logCopyMaxBytes?: number;
  /** Progress bar on stderr (default: stderr is a TTY and CI is unset). */
  progress?: boolean;
  /** Config `allowlist.paths`: gitignore-style patterns; entries at these paths are ignored. */
  excludePaths?: string[];
  /** What a path changes in detection (detect/path-class.ts): a blob is read once per class of path. */
  pathClass?: (path: string) => string;
  /** `range` of a gate: also what merging its head into its base (or `into`) would commit (merge-results.ts). */
  mergeResults?: { into?: string };
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

function newHistoryStats(): HistoryStats {
  return { commits: 0, entries: 0, blobs: 0, blobsScanned: 0, bytesScanned: 0, skippedBinary: 0, skippedTooLarge: 0, skippedLfs: 0, skippedSymlink: 0, missing: 0, submodules: 0, workers: 0 };
}

interface ProvRec extends Provenance {
  /** Position in date order: higher = older. */
  order: number;
}

export class HistorySource implements BlobSource {
  readonly name = 'git history';
  readonly history = newHistoryStats();
  private readonly st = emptyStats();
  private repoInfo?: RepoInfo;
  private revArgs: string[] = [];
  private readonly excluded: ((path: string) => boolean) | undefined;
  private readonly logCopy: LogCopy;
  private bar?: ProgressBar;
  private readonly touched = new Set<string>();
  private revisionsKnown!: () => void;
  /** Settles once start() has worked out the revisions (never when there is nothing to scan). */
  readonly started = new Promise<void>((resolve) => (this.revisionsKnown = resolve));
  /** Objects in the repository (whole histories only), counted from open(). */
  private objects?: Promise<number>;

  constructor(private readonly opts: HistoryOptions) {
    this.excluded = pathExcluder(opts.excludePaths);
    this.logCopy = new LogCopy(opts.logCopyMaxBytes);
  }

  get repo(): RepoInfo {
    return this.repoInfo!;
  }

  stats(): SourceStats {
    return this.st;
  }

  /** The revision arguments the scan walked (after start()): the message scan reads the same commits. */
  get revisions(): readonly string[] {
    return this.revArgs;
  }

  /** Open the repository; false when there is nothing to scan (an empty repository, said in a note). */
  async open(): Promise<boolean> {
    const repo = (this.repoInfo = this.opts.repo ?? (await openRepo(this.opts.path)));
    const shallow = shallowNote(repo);
    if (shallow) this.st.notes.push(shallow);
    if (!this.opts.range && (this.opts.revs ?? []).length === 0) {
      // Counted while the emptiness check runs (it costs a git call only when HEAD is unborn); larger() waits.
      this.objects = objectCount(repo);
      this.objects.catch(() => {}); // larger() reports it; nobody asks when the repository is empty
      if (await isEmptyRepo(repo)) {
        this.st.notes.push('empty repository: no commits, nothing to scan');
        return false;
      }
    }
    return true;
  }

  /** A whole history of a repository with more than `n` objects (an upper bound on its blobs). */
  async larger(n: number): Promise<boolean> {
    return this.objects !== undefined && (await this.objects) > n;
  }

  /** Resolve the revisions; show progress (commits from the log, blobs and bytes from `tally`). */
  async start(tally: Readonly<Pick<SourceTally, 'scanned' | 'bytes'>>): Promise<void> {
    const sel = this.opts.range ? await resolveRange(this.repo, this.opts.range) : await resolveRevs(this.repo, this.opts.revs);
    this.revArgs = sel.args;
    if (this.opts.range && this.opts.mergeResults) {
      const merged = await mergeResults(this.repo, sel.args, this.opts.mergeResults.into);
      this.revArgs = [...sel.args, ...merged.exclude, ...merged.commits];
      if (merged.note) this.st.notes.push(merged.note);
      if (merged.skipped) this.st.skipped.push(merged.skipped);
    }
    this.revisionsKnown();
    if (this.opts.progress ?? progressWanted()) {
      let totalCommits: number | undefined;
      void countCommits(this.repo, sel.args).then((n) => (totalCommits = n));
      this.bar = new ProgressBar(() => ({ commits: this.history.commits, totalCommits, blobs: tally.scanned, bytes: tally.bytes })).start();
    }
  }

  readers(workers: number): void {
    this.history.workers = workers;
  }

  /** Distinct blobs to read, in log order (pass 1); the log is copied aside for pass 2. */
  async *blobs(): AsyncGenerator<BlobUnit> {
    const hs = this.history;
    const seen = new Set<string>();
    const submodules = new Set<string>();
    for await (const events of logEventBatches(this.repo, this.revArgs, { ...HISTORY_LOG, tee: this.logCopy.write, touched: this.touched })) {
      const fresh: BlobUnit[] = [];
      for (const ev of events) {
        if (ev.commit) {
          hs.commits++;
          continue;
        }
        const e = ev.entry!;
        if (this.excluded?.(e.path)) continue;
        hs.entries++;
        if (e.mode === MODE_GITLINK) {
          if (!submodules.has(e.path)) {
            submodules.add(e.path);
            this.st.notes.push(`submodule ${e.path} not scanned`);
          }
          continue;
        }
        // Once per blob, and again at a path that changes what detection finds (a rule's path allowlist).
        const cls = this.opts.pathClass?.(e.path);
        const key = cls ? `${e.blob}\0${cls}` : e.blob;
        if (seen.has(key)) continue;
        if (!seen.has(e.blob)) hs.blobs++;
        seen.add(key);
        // A symlink's blob is its target, text like any other: a token written there is published too.
        fresh.push({ sha: e.blob, path: e.path });
      }
      hs.submodules = submodules.size;
      yield* fresh;
    }
  }

  /** Every path the selected commits touch, as `git log --name-only` lists them (collected by blobs()). */
  touchedPaths(): string[] {
    return [...this.touched];
  }

  /** Reading stopped (done or failed): the progress bar goes. */
  stop(failed: boolean): void {
    this.bar?.stop();
    if (failed) this.logCopy.remove();
  }

  /** What the blobs held, with provenance (pass 2): `tally` is every lane's, summed; `capNotes` names capped blobs. */
  async finish(tally: SourceTally, capNotes: (stats: SourceStats) => void): Promise<Finding[]> {
    const { history: hs, st: stats } = this;
    hs.blobsScanned = tally.scanned;
    hs.bytesScanned = tally.bytes;
    // Lanes answer in any order: the list is sorted (path, then blob), so a report is the same run to run.
    tally.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : (a.detail ?? '') < (b.detail ?? '') ? -1 : (a.detail ?? '') > (b.detail ?? '') ? 1 : 0));
    for (const sk of tally.skipped) {
      if (sk.reason === 'binary') hs.skippedBinary++;
      else if (sk.reason === 'lfs-pointer' || sk.reason === 'lfs-object') hs.skippedLfs++;
      else if (sk.reason === 'too-large') hs.skippedTooLarge++;
      else if (sk.reason === 'unreadable') hs.missing++;
      stats.skipped.push(sk);
    }
    capNotes(stats);
    if (hs.missing > 0) stats.notes.push(`${hs.missing} blob${hs.missing === 1 ? '' : 's'} missing or corrupt in the object database (not scanned; \`git fsck\` says more)`);
    if (hs.commits === 0 && this.opts.range) stats.notes.push(`range ${this.opts.range} contains no commits`);
    stats.files = hs.blobsScanned;
    stats.bytes = hs.bytesScanned;
    try {
      return tally.results.length > 0 ? await attribute(this.repo, this.revArgs, tally.results, this.excluded, this.logCopy.read(), this.opts.pathClass) : [];
    } finally {
      this.logCopy.remove();
    }
  }
}

/** Pass 2 and merge: provenance, introducing commit, presentAtHead, one finding per secret. */
async function attribute(repo: RepoInfo, revArgs: string[], results: SourceTally['results'], excluded: ((path: string) => boolean) | undefined, savedLog: AsyncIterable<Buffer> | undefined, pathClass?: (path: string) => string): Promise<Finding[]> {
  const headBlobsP = headBlobSet(repo);
  headBlobsP.catch(() => {});
  const wanted = new Map<string, ProvRec[]>();
  for (const r of results) wanted.set(r.unit, []);
  let order = 0;
  // The first pass's output, saved (the same command, --date-order); git log again if it was not kept.
  for await (const events of savedLog ? parseLog(savedLog, new Set(wanted.keys())) : logEventBatches(repo, revArgs, HISTORY_LOG)) {
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
    // A blob read at paths of several classes (path-class.ts): its findings belong to the paths of the
    // class it was read at (a key is not "introduced" at the x.d.ts path whose rule allowlist drops it).
    const all = wanted.get(r.unit) ?? [];
    const readAt = r.findings[0]?.file;
    const same = pathClass && readAt !== undefined ? all.filter((p) => pathClass(p.path) === pathClass(readAt)) : all;
    const provs = same.length > 0 ? same : all;
    let intro: ProvRec | undefined;
    for (const p of provs) if (!intro || p.order > intro.order) intro = p;
    const introOrder = intro?.order ?? -1;
    const atHead = headBlobs.has(r.unit);
    const found = r.findings.sort((a, b) => a.start - b.start);
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
    const seen: Sightings = { places: provenances, presentAtHead: g.atHead };
    const patch: Partial<Finding> = { seen };
    if (g.intro) {
      const { order: _o, ...at } = g.intro;
      seen.at = at;
      patch.file = at.path;
    }
    out.push(cloneFinding(g.rep, patch));
  }
  out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  return out;
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
  const set = new Set<string>();
  // HEAD as discovered when the scan opened the repository: the commit its log walk started from.
  if (!repo.head) return set;
  const r = await runGit(repo.root, ['ls-tree', '-r', '-z', '--full-tree', repo.head]);
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
