/** Worker thread of the scan pool: one lane (lane.ts) with its own compiled detector. */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/detector.js';
import { LaneCore, type LaneInit, type LaneRequest, type LaneResponse } from './lane.js';
import { offerBuiltAutomaton } from '../rules/built-automaton.js';
import { offerBuiltLiterals } from '../rules/built-literals.js';
import { loadBuiltinScanRules } from '../rules/load.js';
import type { EarlyInit, WorkerInit } from './pool.js';

/** Reading blobs failed in the worker: the scan cannot complete. */
export interface WorkerFailure {
  failed: string;
}

const port = parentPort!;

function start(given: WorkerInit): void {
  // The built-in rules are read here from the built file (the main thread sends only their name), which
  // also offers the keyword automaton built with them; other rule sets come as a copy, and the automaton
  // file is offered all the same (building it again cost each worker a fifth of its start-up), used only
  // when the keywords are the same (a config may add or disable rules).
  let init: LaneInit;
  if ('builtinRules' in given) {
    const { builtinRules: _builtin, ...rest } = given;
    init = { ...rest, rules: loadBuiltinScanRules() };
  } else {
    init = given;
    offerBuiltAutomaton();
  }
  offerBuiltLiterals();
  const lane = new LaneCore(
    init,
    createDetector(init.rules, init.detector),
    (r: LaneResponse) => port.postMessage(r),
    (e) => port.postMessage({ failed: String(e.message).split('\n')[0] } satisfies WorkerFailure),
  );
  port.on('message', (req: LaneRequest) => lane.handle(req));
}

if (workerData) start(workerData as WorkerInit);
else {
  // Started early (pool.ts startWorkersEarly): the first message says what to scan with. Meanwhile read
  // the built-in rules and their automaton, which most scans use (kept by load.ts and aho-corasick.ts for
  // `start`); a failure here is met again, and reported, by `start`.
  port.once('message', (m: EarlyInit) => start(m.init));
  try {
    createDetector(loadBuiltinScanRules());
  } catch {
    /* see start() */
  }
}
