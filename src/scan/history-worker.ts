/**
 * Worker thread for history scans: a BlobScanner with its own `git cat-file --batch`. The main thread
 * only hands out blob ids, so blob bytes never cross a thread (parsing git's output, copying and
 * transferring 300 MB kept the main thread busy while the workers waited).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/detector.js';
import type { RuleSpec } from '../rules/rule.js';
import type { RepoInfo } from '../sources/git/repo.js';
import { BlobScanner, type BlobBatch } from './blob-scanner.js';
import type { BlobTally, PortableDetectorOptions } from './history-detect.js';

export interface WorkerInit {
  specs: RuleSpec[];
  detectorOptions: PortableDetectorOptions;
  repo: RepoInfo;
  maxSize: number;
  /** Findings kept per blob (0: no limit). */
  maxFindingsPerBlob: number;
}

export type WorkerRequest = BlobBatch | { end: true };

export type WorkerResponse = { id: number; tally: BlobTally } | { error: string } | { ended: true };

const init = workerData as WorkerInit;
const port = parentPort!;
const scanner = new BlobScanner(createDetector(init.specs, init.detectorOptions), init.repo, init.maxSize, init.maxFindingsPerBlob, (id, tally) =>
  port.postMessage({ id, tally } satisfies WorkerResponse),
);
port.on('message', (msg: WorkerRequest) => ('end' in msg ? scanner.end() : scanner.push(msg)));
scanner.done.then(
  () => port.postMessage({ ended: true } satisfies WorkerResponse),
  (e: unknown) => port.postMessage({ error: String((e as Error)?.message ?? e).split('\n')[0] } satisfies WorkerResponse),
);
