/**
 * A pool of worker threads that run the detector (and, for files, the reads) in parallel.
 * Each worker compiles the rules once from the plain RuleSpec data it is given.
 * Findings cross the thread boundary with their secret as an explicit field (the hidden property does not
 * survive structured cloning) and get it re-attached here.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DetectorOptions } from '../detect/detector.js';
import { fromPortable, type Finding, type PortableFinding, type Provenance } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import type { Skipped } from '../sources/source.js';
import { compiledWorkerUrl } from './worker-url.js';

export type DetectJob =
  | { kind: 'files'; root: string; paths: string[]; maxFileSize: number; maxFindingsPerFile?: number }
  | { kind: 'fragments'; fragments: Array<{ text: string; provenance: Provenance; onlyLines?: number[] }> };

export interface DetectJobResult {
  findings: Finding[];
  files: number;
  bytes: number;
  skipped: Skipped[];
  /** Files with more findings than `maxFindingsPerFile` (only the first ones returned). */
  capped?: string[];
}

export interface PoolOptions {
  rules: RuleSpec[];
  detector: Omit<DetectorOptions, 'onDrop'>;
  size?: number;
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

interface Pending {
  resolve: (r: DetectJobResult) => void;
  reject: (e: Error) => void;
}

export class DetectPool {
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Map<Worker, number>();
  private readonly pending = new Map<number, Pending>();
  private readonly queue: Array<{ id: number; job: DetectJob }> = [];
  private nextId = 1;
  private failed?: Error;

  /** Undefined when there is no compiled worker module (callers then scan in-process). */
  static workerUrl(): URL | undefined {
    return compiledWorkerUrl('detect-worker.js', import.meta.url);
  }

  constructor(opts: PoolOptions) {
    const size = opts.size ?? defaultPoolSize();
    const url = DetectPool.workerUrl();
    if (!url) throw new Error('the detection worker is not built (npm run build)');
    for (let i = 0; i < size; i++) {
      const w = new Worker(url, {
        workerData: { rules: opts.rules, detector: { allowlist: opts.detector.allowlist, salt: opts.detector.salt, accepted: opts.detector.accepted } },
      });
      this.inFlight.set(w, 0);
      w.on('message', (msg: { id: number; error?: string } & Omit<DetectJobResult, 'findings'> & { findings: PortableFinding[] }) => {
        this.inFlight.set(w, this.inFlight.get(w)! - 1);
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (p) {
          if (msg.error) p.reject(new Error(msg.error));
          else p.resolve({ ...msg, findings: msg.findings.map(fromPortable) });
        }
        this.pump();
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.fail(new Error(`detection worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  private closing = false;

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  run(job: DetectJob): Promise<DetectJobResult> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const p = new Promise<DetectJobResult>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.queue.push({ id, job });
    this.pump();
    return p;
  }

  /** Jobs queued or running: callers use it to bound memory (stop reading ahead when high). */
  get backlog(): number {
    return this.pending.size;
  }

  private pump(): void {
    while (this.queue.length) {
      // Least-loaded worker, at most two jobs each so a slow job does not starve the others.
      let best: Worker | undefined;
      for (const w of this.workers) if (this.inFlight.get(w)! < 2 && (!best || this.inFlight.get(w)! < this.inFlight.get(best)!)) best = w;
      if (!best) return;
      const { id, job } = this.queue.shift()!;
      this.inFlight.set(best, this.inFlight.get(best)! + 1);
      best.postMessage({ id, job });
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
