/**
 * Running a blob source (git history) through the engine: blob ids go to the pool's lanes — the main
 * thread and jobs - 1 worker threads, each reading through its own `git cat-file` and detecting — and
 * the tallies come back to the source, which says where each finding came from. Small histories stay
 * on the main thread (worker start-up costs more than it saves).
 */
import type { BlobSource, BlobUnit } from '../sources/source.js';
import { addTally, emptyTally, reviveFindings, type Tally } from './detect-blob.js';
import { noteCapped } from './findings-cap.js';
import { ScanPool } from './pool.js';
import { portableOptions, type ScanResult, type Scanner } from './scanner.js';

/** Up to this many distinct blobs, reading and detection stay on the main thread (no worker start-up). */
export const INLINE_BLOBS = 1000;

export async function runBlobs(source: BlobSource, scanner: Scanner, inlineBlobs = INLINE_BLOBS): Promise<ScanResult> {
  const startedAt = new Date().toISOString();
  const done = (findings: ScanResult['findings']): ScanResult => ({ findings, stats: source.stats(), startedAt, finishedAt: new Date().toISOString(), paths: source.touchedPaths() });
  if (!(await source.open())) return done([]);
  const { jobs, maxFileSize, maxFindingsPerFile } = scanner.limits;
  // onDrop (--debug) is a callback: it cannot cross into workers, so debug scans stay on this thread.
  const wantWorkers = scanner.detector.onDrop ? 0 : jobs;
  const workerUrl = wantWorkers > 1 ? ScanPool.workerUrl() : undefined;
  const tally = emptyTally();
  // The main thread reads too: `wantWorkers` reading threads are it and wantWorkers - 1 workers.
  const startPool = (workers: number) => {
    const init = { rules: scanner.rules, detector: portableOptions(scanner.detector), repo: source.repo, maxFileSize, maxFindingsPerFile };
    return new BlobFeed(new ScanPool(init, workers, scanner.detector), (t) => addTally(tally, t));
  };
  // Many blobs ahead: start the workers now, so that their start-up (module loading, rule compiling:
  // ~150 ms) overlaps rev parsing and the log's first output.
  let feed: BlobFeed | undefined;
  if (workerUrl && (await source.larger(inlineBlobs))) feed = startPool(wantWorkers - 1);
  try {
    await source.start(tally);
  } catch (e) {
    await feed?.close();
    throw e;
  }
  let failed = true;
  try {
    // The first blobs are held back: a small history is read and scanned on this thread alone; past
    // inlineBlobs the workers start too.
    const it = source.blobs()[Symbol.asyncIterator]();
    const head: BlobUnit[] = [];
    if (!feed) {
      let more = true;
      while (head.length < inlineBlobs) {
        const r = await it.next();
        if (r.done) {
          more = false;
          break;
        }
        head.push(r.value);
      }
      feed = startPool(more && workerUrl ? wantWorkers - 1 : 0);
    }
    source.readers(feed.workers);
    for (const b of head) await feed.add(b.sha, b.path);
    for (let r = await it.next(); !r.done; r = await it.next()) await feed.add(r.value.sha, r.value.path);
    await feed.finish();
    failed = false;
  } finally {
    await feed?.close();
    source.stop(failed);
  }
  const results = tally.results.map((r) => ({ unit: r.unit, findings: reviveFindings(r) }));
  return done(await source.finish({ ...tally, results }, (stats) => noteCapped(stats, tally.capped, maxFindingsPerFile)));
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
    const lane = this.laneOf(path);
    const list = this.pending[lane]!;
    list.push([sha, path]);
    if (list.length < BATCH_BLOBS) return;
    await this.pool.below(lane, BATCH_DEPTH);
    this.flush(lane);
  }

  /**
   * The lane of a path. The main thread (the last lane) also reads and parses the log and feeds every lane:
   * it takes two shares of 3 * workers + 2, each worker three (an even split left workers idle, waiting on
   * it; one of three left it idle, waiting on them: requests' history, 2 cores).
   */
  private laneOf(path: string): number {
    const workers = this.pending.length - 1;
    if (workers === 0) return 0;
    const share = pathHash(path) % (3 * workers + 2);
    return share >= 3 * workers ? workers : share % workers;
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


