/** Worker thread of the scan pool: one lane (lane.ts) with its own compiled detector. */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/detector.js';
import { LaneCore, type LaneInit, type LaneRequest, type LaneResponse } from './lane.js';
import { offerBuiltAutomaton } from '../rules/built-automaton.js';
import { offerBuiltLiterals } from '../rules/built-literals.js';

/** Reading blobs failed in the worker: the scan cannot complete. */
export interface WorkerFailure {
  failed: string;
}

const init = workerData as LaneInit;
// The keyword automaton built with the built-in rules (the main thread reads it with the rules; a worker
// never loads them, and building it again cost each worker a fifth of its start-up). Used only when the
// keywords are the same (a config may add or disable rules).
offerBuiltAutomaton();
offerBuiltLiterals();
const port = parentPort!;
const lane = new LaneCore(
  init,
  createDetector(init.rules, init.detector),
  (r: LaneResponse) => port.postMessage(r),
  (e) => port.postMessage({ failed: String(e.message).split('\n')[0] } satisfies WorkerFailure),
);
port.on('message', (req: LaneRequest) => lane.handle(req));
