/**
 * `scan --history [REV...]` and `scan --range A..B`: every distinct blob once, detection on worker
 * threads, one finding per distinct secret with its provenance.
 *
 * Pass 1 (streaming): `git log --raw` lists the blobs each commit added or modified; each blob sha not
 *   seen before goes through cat-file (sizes, then content, bounded in flight) to a pool of workers.
 *   Only the set of seen blob shas grows with history; content and provenance are not held.
 * Pass 2 (only when something was found): `git log --raw` again, keeping the (commit, path) entries of
 *   the blobs that had findings; `git ls-tree -r HEAD` gives the blobs present at HEAD.
 * Merge: one finding per (rule, fingerprint): the introducing commit is the oldest commit that added a
 *   blob containing it; `provenances` lists every (commit, path), oldest first; `count` their number;
 *   `presentAtHead` whether any blob containing it is in HEAD's tree.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createDetector, type Detector, type DetectorOptions } from '../detect/detector.js';
import type { Finding, Provenance } from '../findings/finding.js';
import { cloneFinding } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import type { SourceStats } from '../sources/source.js';
import { emptyStats } from '../sources/source.js';
import { DEFAULT_MAX_BLOB_SIZE, MODE_GITLINK, MODE_SYMLINK } from '../sources/git/blob.js';
import { pathExcluder } from '../sources/path-filter.js';
import { skipReason } from '../sources/decode-text.js';
import { compiledWorkerUrl } from './worker-url.js';
import { readBlobs, type BlobRequest } from '../sources/git/blobs.js';
import { countCommits, logEntries } from '../sources/git/history.js';
import { headInfo, isEmptyRepo, openRepo, resolveRange, resolveRevs, shallowNote, type RepoInfo } from '../sources/git/repo.js';
import { runGit } from '../sources/git/run.js';
import { detectBlob, portableOptions, reviveFindings, type BlobFindings, type BlobJob } from './history-detect.js';
import { ProgressBar, progressWanted } from './history-progress.js';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './history-worker.js';

export interface HistoryScanOptions {
  /** Repository path (any directory inside it). */
  path: string;
  /** `--history` revisions (names, `^X`, `A..B`); none = all refs and HEAD. Ignored when `range` is set. */
  revs?: string[];
  /** `--range A..B`: only what the commits in the range introduced. */
  range?: string;
  specs: RuleSpec[];
  detectorOptions?: DetectorOptions;
  /** Blobs larger than this are skipped and counted (default 10 MiB). */
  maxFileSize?: number;
  /** Worker threads (default os.availableParallelism()); 0 = detect on the main thread. */
  workers?: number;
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

/** Below this many bytes of content, detection stays on the main thread (no worker start-up cost). */
const INLINE_BYTES = 4 * 1024 * 1024;
const BATCH_BYTES = 1024 * 1024;
const BATCH_JOBS = 256;
const POOL_BYTES = 64 * 1024 * 1024;

function newHistoryStats(): HistoryStats {
  return { commits: 0, entries: 0, blobs: 0, blobsScanned: 0, bytesScanned: 0, skippedBinary: 0, skippedTooLarge: 0, skippedLfs: 0, skippedSymlink: 0, missing: 0, submodules: 0, workers: 0 };
}

// ---------------------------------------------------------------------------------------------------
// Detection pool

interface PoolWorker {
  w: Worker;
  bytes: number;
}

class DetectPool {
  private workers: PoolWorker[] = [];
  private inline?: Detector;
  private submitted = 0;
  private inFlight = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, { pw: PoolWorker; bytes: number }>();
  private batch: BlobJob[] = [];
  private batchBytes = 0;
  private failure?: Error;
  private wake?: () => void;
  readonly results: BlobFindings[] = [];

  constructor(
    private readonly specs: RuleSpec[],
    private readonly options: DetectorOptions | undefined,
    private readonly maxWorkers: number,
    private readonly workerUrl: URL | undefined,
  ) {}

  get workerCount(): number {
    return this.workers.length;
  }

  async submit(job: BlobJob): Promise<void> {
    if (this.failure) throw this.failure;
    const size = job.data.byteLength;
    this.submitted += size;
    if (this.maxWorkers === 0 || !this.workerUrl || (this.workers.length === 0 && this.submitted <= INLINE_BYTES)) {
      this.inline ??= createDetector(this.specs, this.options);
      const r = detectBlob(this.inline, job);
      if (r) this.results.push(r);
      return;
    }
    if (this.workers.length === 0) this.start();
    this.batch.push(job);
    this.batchBytes += size;
    if (this.batchBytes >= BATCH_BYTES || this.batch.length >= BATCH_JOBS) this.flush();
    while (this.inFlight > POOL_BYTES && !this.failure) await new Promise<void>((r) => (this.wake = r));
    if (this.failure) throw this.failure;
  }

  async drain(): Promise<void> {
    this.flush();
    while (this.waiting.size > 0 && !this.failure) await new Promise<void>((r) => (this.wake = r));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((p) => p.w.terminate()));
    this.workers = [];
  }

  private start(): void {
    const url = this.workerUrl!;
    const init: WorkerInit = { specs: this.specs, detectorOptions: portableOptions(this.options) };
    for (let i = 0; i < this.maxWorkers; i++) {
      const w = new Worker(url, { workerData: init });
      const pw: PoolWorker = { w, bytes: 0 };
      w.on('message', (m: WorkerResponse) => this.onResponse(m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0 && this.waiting.size > 0) this.fail(new Error(`detection worker exited with code ${code}`));
      });
      this.workers.push(pw);
    }
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    let pw = this.workers[0]!;
    for (const c of this.workers) if (c.bytes < pw.bytes) pw = c;
    const id = this.nextId++;
    const msg: WorkerRequest = { id, jobs: this.batch };
    const transfer = this.batch.map((j) => j.data.buffer as ArrayBuffer);
    pw.bytes += this.batchBytes;
    this.inFlight += this.batchBytes;
    this.waiting.set(id, { pw, bytes: this.batchBytes });
    pw.w.postMessage(msg, transfer);
    this.batch = [];
    this.batchBytes = 0;
  }

  private onResponse(m: WorkerResponse): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    w.pw.bytes -= w.bytes;
    this.inFlight -= w.bytes;
    for (const r of m.results) this.results.push(r);
    this.notify();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
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
  const sel = opts.range ? await resolveRange(repo, opts.range) : await resolveRevs(repo, opts.revs);

  const maxSize = opts.maxFileSize ?? DEFAULT_MAX_BLOB_SIZE;
  // onDrop (--debug) is a callback: it cannot cross into workers, so debug scans stay on this thread.
  const wantWorkers = opts.detectorOptions?.onDrop ? 0 : (opts.workers ?? availableParallelism());
  const excluded = pathExcluder(opts.excludePaths);
  const pool = new DetectPool(opts.specs, opts.detectorOptions, Math.max(0, wantWorkers), compiledWorkerUrl('history-worker.js', import.meta.url));

  const showProgress = opts.progress ?? progressWanted();
  let totalCommits: number | undefined;
  let bar: ProgressBar | undefined;
  if (showProgress) {
    void countCommits(repo, sel.args).then((n) => (totalCommits = n));
    bar = new ProgressBar(() => ({ commits: hs.commits, totalCommits, blobs: hs.blobsScanned, bytes: hs.bytesScanned })).start();
  }

  const seen = new Set<string>();
  const submodules = new Set<string>();
  async function* candidates(): AsyncGenerator<BlobRequest<string>> {
    for await (const ev of logEntries(repo, sel.args)) {
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
      yield { sha: e.blob, meta: e.path };
    }
  }

  try {
    for await (const o of readBlobs(repo, candidates(), { maxSize })) {
      const path = o.req.meta;
      if (o.skip) {
        if (o.skip === 'too-large') {
          hs.skippedTooLarge++;
          stats.skipped.push({ path, reason: 'too-large', detail: `blob ${o.req.sha.slice(0, 12)}, ${o.size} bytes` });
        } else {
          hs.missing++;
          const what = o.skip === 'corrupt' ? 'corrupt' : o.skip === 'missing' ? 'missing or corrupt' : 'not a blob';
          stats.skipped.push({ path, reason: 'unreadable', detail: `blob ${o.req.sha}: ${what} in the object database` });
        }
        continue;
      }
      const why = skipReason(o.data);
      if (why) {
        if (why === 'binary') hs.skippedBinary++;
        else hs.skippedLfs++;
        stats.skipped.push({ path, reason: why, detail: `blob ${o.req.sha.slice(0, 12)}` });
        continue;
      }
      hs.blobsScanned++;
      hs.bytesScanned += o.size;
      await pool.submit({ sha: o.req.sha, path, data: o.data });
    }
    await pool.drain();
  } finally {
    hs.workers = pool.workerCount;
    await pool.close();
    bar?.stop();
  }
  hs.submodules = submodules.size;
  if (hs.missing > 0) stats.notes.push(`${hs.missing} blob${hs.missing === 1 ? '' : 's'} missing or corrupt in the object database (not scanned; \`git fsck\` says more)`);
  if (hs.commits === 0 && opts.range) stats.notes.push(`range ${opts.range} contains no commits`);
  stats.files = hs.blobsScanned;
  stats.bytes = hs.bytesScanned;

  const findings = pool.results.length > 0 ? await attribute(repo, sel.args, pool.results, excluded) : [];
  return { repo, findings, stats, history: hs };
}

/** Pass 2 and merge: provenance, introducing commit, presentAtHead, one finding per secret. */
async function attribute(repo: RepoInfo, revArgs: string[], results: BlobFindings[], excluded?: (path: string) => boolean): Promise<Finding[]> {
  const wanted = new Map<string, ProvRec[]>();
  for (const r of results) wanted.set(r.sha, []);
  let order = 0;
  for await (const ev of logEntries(repo, revArgs, { dateOrder: true })) {
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
  const headBlobs = await headBlobSet(repo);

  interface Group {
    rep: Finding;
    introOrder: number;
    intro?: ProvRec;
    provs: Map<string, ProvRec>;
    atHead: boolean;
  }
  const groups = new Map<string, Group>();
  for (const r of results) {
    const provs = wanted.get(r.sha) ?? [];
    let intro: ProvRec | undefined;
    for (const p of provs) if (!intro || p.order > intro.order) intro = p;
    const introOrder = intro?.order ?? -1;
    const atHead = headBlobs.has(r.sha);
    const found = reviveFindings(r).sort((a, b) => a.start - b.start);
    for (const f of found) {
      const key = `${f.rule}\0${f.fingerprint}`;
      let g = groups.get(key);
      if (!g) {
        g = { rep: f, introOrder, intro, provs: new Map(), atHead: false };
        groups.set(key, g);
      } else if (introOrder > g.introOrder) {
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
