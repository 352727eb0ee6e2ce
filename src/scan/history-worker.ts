/**
 * Worker thread for history scans. Each worker runs its own `git cat-file --batch`: the main thread
 * only walks the log and hands out blob ids, so blob bytes never cross a thread (parsing git's output,
 * copying and transferring 300 MB held the main thread busy while the workers waited). The worker reads
 * the blobs of each batch in order, detects, and answers the batch with a tally: skips and findings
 * (secrets sent explicitly, see history-detect.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/detector.js';
import type { RuleSpec } from '../rules/rule.js';
import { readBlobs, type BlobRequest } from '../sources/git/blobs.js';
import type { RepoInfo } from '../sources/git/repo.js';
import { emptyTally, tallyBlob, type BlobTally, type PortableDetectorOptions } from './history-detect.js';

export interface WorkerInit {
  specs: RuleSpec[];
  detectorOptions: PortableDetectorOptions;
  repo: RepoInfo;
  maxSize: number;
}

/** A batch of blobs to read and scan (`blobs`: sha and the path it was first seen at), or the end. */
export type WorkerRequest = { id: number; blobs: Array<[sha: string, path: string]> } | { end: true };

export type WorkerResponse = { id: number; tally: BlobTally } | { error: string } | { ended: true };

const init = workerData as WorkerInit;
const detector = createDetector(init.specs, init.detectorOptions);
const port = parentPort!;

// Requests in arrival order, as one stream for readBlobs: the cat-file process stays busy across batches.
interface Tagged {
  batch: number;
  /** The batch's last blob: its tally is complete after this one. */
  last: boolean;
  path: string;
}
const queue: Array<BlobRequest<Tagged> | null> = [];
let wake: (() => void) | undefined;
async function* requests(): AsyncGenerator<BlobRequest<Tagged>> {
  for (;;) {
    const r = queue.shift();
    if (r === null) return;
    if (r) {
      yield r;
      continue;
    }
    await new Promise<void>((res) => (wake = res));
  }
}

port.on('message', (msg: WorkerRequest) => {
  if ('end' in msg) queue.push(null);
  else if (msg.blobs.length === 0) port.postMessage({ id: msg.id, tally: emptyTally() } satisfies WorkerResponse);
  else msg.blobs.forEach(([sha, path], i) => queue.push({ sha, meta: { batch: msg.id, last: i === msg.blobs.length - 1, path } }));
  const w = wake;
  wake = undefined;
  w?.();
});

void (async () => {
  let tally = emptyTally();
  for await (const o of readBlobs(init.repo, requests(), { maxSize: init.maxSize, sizesFirst: false, maxInFlightChecks: 512 })) {
    const meta = o.req.meta;
    tallyBlob(detector, o, meta.path, tally);
    if (meta.last) {
      port.postMessage({ id: meta.batch, tally } satisfies WorkerResponse);
      tally = emptyTally();
    }
  }
  port.postMessage({ ended: true } satisfies WorkerResponse);
})().catch((e: unknown) => port.postMessage({ error: String((e as Error)?.message ?? e).split('\n')[0] } satisfies WorkerResponse));
