/**
 * Worker thread for history scans: builds its own detector from the rule specs in workerData, then
 * answers batches of blobs with the findings in them (secrets sent explicitly, see history-detect.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/detector.js';
import type { RuleSpec } from '../rules/rule.js';
import { detectBlob, type BlobFindings, type BlobJob, type PortableDetectorOptions } from './history-detect.js';

export interface WorkerInit {
  specs: RuleSpec[];
  detectorOptions: PortableDetectorOptions;
}

export interface WorkerRequest {
  id: number;
  jobs: BlobJob[];
}

export interface WorkerResponse {
  id: number;
  results: BlobFindings[];
}

const init = workerData as WorkerInit;
const detector = createDetector(init.specs, init.detectorOptions);
const port = parentPort!;
port.on('message', (msg: WorkerRequest) => {
  const results: BlobFindings[] = [];
  for (const job of msg.jobs) {
    const r = detectBlob(detector, job);
    if (r) results.push(r);
  }
  const res: WorkerResponse = { id: msg.id, results };
  port.postMessage(res);
});
