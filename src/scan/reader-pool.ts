/**
 * The history scan's readers: lanes that each read blobs through their own `git cat-file` and detect in
 * them. One lane runs on the main thread (between reading the log) and one in each worker thread; blobs
 * are routed by path, so all versions of a file go to the same git process, which then keeps the delta
 * bases they share in its cache (spread over two processes, each inflated the same bases: twice the
 * CPU in git).
 */
import { Worker } from 'node:worker_threads';
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import { SweepError } from '../errors.js';
import { BlobScanner, type BlobBatch } from './blob-scanner.js';
import type { BlobTally } from './history-detect.js';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './history-worker.js';

/** Blobs per batch, and batches a lane may have outstanding. */
const BATCH_BLOBS = 256;
const BATCH_DEPTH = 4;

interface Events {
  tally(lane: Lane, id: number, t: BlobTally): void;
  ended(lane: Lane): void;
  error(e: Error): void;
}

abstract class Lane {
  /** Batches sent and not yet answered. */
  batches = 0;
  /** Blobs waiting to be sent. */
  pending: Array<[string, string]> = [];
  ended = false;
  abstract send(b: BlobBatch): void;
  abstract end(): void;
  abstract close(): Promise<void>;
}

class MainThreadLane extends Lane {
  private readonly scanner: BlobScanner;

  constructor(init: WorkerInit, options: DetectorOptions, alone: boolean, on: Events) {
    super();
    const detector = createDetector(init.specs, options);
    this.scanner = new BlobScanner(detector, init.repo, init.maxSize, init.maxFindingsPerBlob, (id, t) => on.tally(this, id, t), alone);
    this.scanner.done.then(
      () => on.ended(this),
      (e: unknown) => on.error(e instanceof Error ? e : new Error(String(e))),
    );
  }

  send(b: BlobBatch): void {
    this.scanner.push(b);
  }

  end(): void {
    this.scanner.end();
  }

  async close(): Promise<void> {
    this.scanner.abort();
    await this.scanner.done.catch(() => {});
  }
}

class WorkerLane extends Lane {
  private readonly w: Worker;

  constructor(init: WorkerInit, url: URL, on: Events) {
    super();
    this.w = new Worker(url, { workerData: init });
    this.w.on('message', (m: WorkerResponse) => {
      if ('error' in m) on.error(new SweepError(`reading blobs: ${m.error}`));
      else if ('ended' in m) on.ended(this);
      else on.tally(this, m.id, m.tally);
    });
    this.w.on('error', (e) => on.error(e));
    this.w.on('exit', (code) => {
      if (!this.ended) on.error(new Error(`history worker exited with code ${code}`));
    });
  }

  send(b: BlobBatch): void {
    this.w.postMessage(b satisfies WorkerRequest);
  }

  end(): void {
    this.w.postMessage({ end: true } satisfies WorkerRequest);
  }

  async close(): Promise<void> {
    this.ended = true;
    await this.w.terminate();
  }
}

export class ReaderPool {
  private lanes: Lane[] = [];
  private nextId = 1;
  private readonly waiting = new Set<number>();
  private failure?: Error;
  private wake?: () => void;

  /**
   * @param workers worker threads besides the main thread's lane (0: the main thread reads alone)
   * @param mainOptions the main lane's detector options: those of `init` plus what cannot cross into a
   *   worker (--debug's onDrop callback)
   * @param onTally each batch's tally, as it comes back
   */
  constructor(init: WorkerInit, workers: number, url: URL | undefined, mainOptions: DetectorOptions, onTally: (t: BlobTally) => void) {
    const on: Events = {
      tally: (lane, id, t) => {
        if (!this.waiting.delete(id)) return;
        lane.batches--;
        onTally(t);
        this.notify();
      },
      ended: (lane) => {
        lane.ended = true;
        this.notify();
      },
      error: (e) => {
        this.failure ??= e;
        this.notify();
      },
    };
    for (let i = 0; i < workers && url; i++) this.lanes.push(new WorkerLane(init, url, on));
    this.lanes.push(new MainThreadLane(init, mainOptions, this.lanes.length === 0, on));
  }

  /** Worker threads in use. */
  get workers(): number {
    return this.lanes.length - 1;
  }

  /** Queue a blob; waits while its lane has BATCH_DEPTH batches outstanding. */
  async add(sha: string, path: string): Promise<void> {
    if (this.failure) throw this.failure;
    const lane = this.lanes[pathHash(path) % this.lanes.length]!;
    lane.pending.push([sha, path]);
    if (lane.pending.length < BATCH_BLOBS) return;
    while (!this.failure && lane.batches >= BATCH_DEPTH) await this.sleep();
    if (this.failure) throw this.failure;
    this.flush(lane);
  }

  /** Send what is left, wait for every answer, let the lanes close their git processes. */
  async finish(): Promise<void> {
    for (const lane of this.lanes) this.flush(lane);
    while (!this.failure && this.waiting.size > 0) await this.sleep();
    if (this.failure) throw this.failure;
    for (const lane of this.lanes) lane.end();
    while (!this.failure && this.lanes.some((l) => !l.ended)) await this.sleep();
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.close()));
    this.lanes = [];
  }

  private flush(lane: Lane): void {
    if (lane.pending.length === 0) return;
    const id = this.nextId++;
    lane.batches++;
    this.waiting.add(id);
    lane.send({ id, blobs: lane.pending });
    lane.pending = [];
  }

  private sleep(): Promise<void> {
    return new Promise<void>((r) => (this.wake = r));
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** FNV-1a of a path: which lane reads its blobs. */
function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
