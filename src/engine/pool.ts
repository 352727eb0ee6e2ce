/**
 * The one worker pool of the engine: lanes that each compile the rules once and run jobs of any kind
 * (lane.ts). A lane is a worker thread, or the main thread itself (a history scan reads on the main
 * thread too: on a 2-core machine it is the second reader). A job goes to the lane the caller names (all
 * versions of a path to the same git process) or to the least-loaded worker.
 * Findings cross the thread boundary with their secret as an explicit field (the hidden property does not
 * survive structured cloning) and are re-attached by the caller (`reviveFindings`).
 */
import { Worker } from 'node:worker_threads';
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import { SweepError } from '../errors.js';
import type { Tally } from './detect-blob.js';
import { LaneCore, type Job, type LaneInit, type LaneRequest, type LaneResponse } from './lane.js';
import type { WorkerFailure } from './worker.js';
import { compiledWorkerUrl } from './worker-url.js';
import { areBuiltinScanRules } from '../rules/load.js';

interface Lane {
  /** Jobs sent and not yet answered. */
  inFlight: number;
  ended: boolean;
  send(req: LaneRequest): void;
  close(): Promise<void>;
}

interface Pending {
  resolve: (t: Tally) => void;
  reject: (e: Error) => void;
  lane: Lane;
}

/**
 * V8's young generation of a scan worker: 8 MB instead of the default 32 MB (two 16 MB semi-spaces). A
 * lane's garbage is short-lived (blob texts, windows, candidates), so a small nursery costs no CPU, and
 * the full-size one was resident for the whole scan: sympy's history peaked at 336 MB RSS, 306 MB with this.
 */
const WORKER_LIMITS = { resourceLimits: { maxYoungGenerationSizeMb: 8 } };

/** Workers started before their scan was set up (`startWorkersEarly`), waiting for a pool to adopt them. */
const early: Array<{ worker: Worker; dead: boolean }> = [];

/**
 * Start `n` scan workers now, before the scan has its rules and file list: a worker's thread start, module
 * load and rule read then overlap the main thread's own start-up instead of following the file listing.
 * Unreferenced until a pool adopts them, so a run that does not (a small tree, an error) exits as before;
 * `dropEarlyWorkers` ends those not adopted.
 */
export function startWorkersEarly(n: number): void {
  const url = ScanPool.workerUrl();
  if (!url) return;
  while (early.length < n) {
    const e = { worker: new Worker(url, WORKER_LIMITS), dead: false };
    e.worker.unref();
    // A worker that fails before it is adopted is left out; the pool starts a new one (which fails as it would have).
    e.worker.on('error', () => (e.dead = true));
    e.worker.on('exit', () => (e.dead = true));
    early.push(e);
  }
}

/** End the early workers no pool adopted. */
export function dropEarlyWorkers(): void {
  for (const e of early.splice(0)) void e.worker.terminate();
}

function adoptEarlyWorker(): Worker | undefined {
  for (let e = early.shift(); e; e = early.shift()) {
    if (e.dead) continue;
    e.worker.removeAllListeners();
    e.worker.ref();
    return e.worker;
  }
  return undefined;
}

export class ScanPool {
  private readonly lanes: Lane[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly queue: Array<{ id: number; job: Job }> = [];
  private nextId = 1;
  private failed?: Error;
  private closing = false;
  private wake?: () => void;

  /** Undefined when there is no compiled worker module (callers then scan on the main thread). */
  static workerUrl(): URL | undefined {
    return compiledWorkerUrl('worker.js', import.meta.url);
  }

  /**
   * @param workers worker threads
   * @param mainThread when set, one more lane on this thread, with these detector options (they may hold
   *   what cannot cross into a worker: --debug's onDrop callback); it is the last lane
   */
  constructor(init: LaneInit, workers: number, mainThread?: DetectorOptions) {
    const url = workers > 0 ? ScanPool.workerUrl() : undefined;
    if (workers > 0 && !url) throw new Error('the scan worker is not built (npm run build)');
    for (let i = 0; i < workers; i++) this.lanes.push(this.workerLane(init, url!));
    if (mainThread) {
      const lane: Lane = { inFlight: 0, ended: false, send: (req) => core.handle(req), close: () => core.abort() };
      // Only a lone reader asks blob sizes first (measured 0.25 s slower on a 313 MB history when every lane does).
      const core = new LaneCore(init, createDetector(init.rules, mainThread), (r) => this.answer(lane, r), (e) => this.fail(e), workers === 0);
      this.lanes.push(lane);
    }
  }

  /** Worker threads in use. */
  get workers(): number {
    return this.lanes.filter((l) => l instanceof WorkerLane).length;
  }

  get size(): number {
    return this.lanes.length;
  }

  /** Why the pool stopped (a worker died, git failed), if it did. */
  get error(): Error | undefined {
    return this.failed;
  }

  /** Jobs sent to lane `i` and not yet answered. */
  inFlight(i: number): number {
    return this.lanes[i]!.inFlight;
  }

  /**
   * Run a job: on lane `lane` when given (sent at once; the caller bounds what is outstanding), else on
   * the least-loaded worker lane, at most two jobs each so that a slow job does not starve the others.
   */
  run(job: Job, lane?: number): Promise<Tally> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const p = new Promise<Tally>((resolve, reject) => this.pending.set(id, { resolve, reject, lane: undefined! }));
    if (lane !== undefined) this.send(this.lanes[lane]!, id, job);
    else {
      this.queue.push({ id, job });
      this.pump();
    }
    return p;
  }

  /** Wait until lane `i` has fewer than `n` jobs outstanding (or the pool failed: then throw). */
  async below(i: number, n: number): Promise<void> {
    while (!this.failed && this.lanes[i]!.inFlight >= n) await new Promise<void>((r) => (this.wake = r));
    if (this.failed) throw this.failed;
  }

  /** No more jobs: every lane finishes what it has (closing its git process) and ends. */
  async end(): Promise<void> {
    for (const l of this.lanes) l.send({ end: true });
    while (!this.failed && this.lanes.some((l) => !l.ended)) await new Promise<void>((r) => (this.wake = r));
    if (this.failed) throw this.failed;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.lanes.map((l) => l.close()));
  }

  private workerLane(init: LaneInit, url: URL): Lane {
    const w = new WorkerLane(url, init);
    w.worker.on('message', (r: LaneResponse | WorkerFailure) => ('failed' in r ? this.fail(new SweepError(`reading blobs: ${r.failed}`)) : this.answer(w, r)));
    w.worker.on('error', (e) => this.fail(e));
    w.worker.on('exit', (code) => {
      if (!this.closing && !w.ended) this.fail(new Error(`scan worker exited with code ${code}`));
    });
    return w;
  }

  private send(lane: Lane, id: number, job: Job): void {
    this.pending.get(id)!.lane = lane;
    lane.inFlight++;
    lane.send({ id, job });
  }

  private pump(): void {
    while (this.queue.length) {
      let best: Lane | undefined;
      for (const l of this.lanes) if (l instanceof WorkerLane && l.inFlight < 2 && (!best || l.inFlight < best.inFlight)) best = l;
      if (!best) return;
      const { id, job } = this.queue.shift()!;
      this.send(best, id, job);
    }
  }

  private answer(lane: Lane, r: LaneResponse): void {
    if ('ended' in r) lane.ended = true;
    else {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      lane.inFlight--;
      if ('tally' in r) p?.resolve(r.tally);
      else p?.reject(new Error(r.error));
      this.pump();
    }
    this.notify();
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** What a worker is started with: the built-in rules by name (it reads the built file), other rule sets as a copy. */
export type WorkerInit = Omit<LaneInit, 'rules'> & ({ rules: LaneInit['rules'] } | { builtinRules: true });

/** The first message to a worker started early (it has no workerData). */
export interface EarlyInit {
  init: WorkerInit;
}

function workerInit(init: LaneInit): WorkerInit {
  if (!areBuiltinScanRules(init.rules)) return init;
  const { rules: _rules, ...rest } = init;
  return { ...rest, builtinRules: true };
}

class WorkerLane implements Lane {
  inFlight = 0;
  ended = false;
  readonly worker: Worker;

  constructor(url: URL, init: LaneInit) {
    const started = adoptEarlyWorker();
    if (started) {
      this.worker = started;
      this.worker.postMessage({ init: workerInit(init) } satisfies EarlyInit);
    } else this.worker = new Worker(url, { ...WORKER_LIMITS, workerData: workerInit(init) });
  }

  send(req: LaneRequest): void {
    this.worker.postMessage(req);
  }

  async close(): Promise<void> {
    this.ended = true;
    await this.worker.terminate();
  }
}
