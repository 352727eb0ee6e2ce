/** Worker thread body for DetectPool: compile the rules once, then read/detect jobs as they come. */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/detector.js';
import { toPortable, type PortableFinding } from '../findings/finding.js';
import { readFileFragment } from '../sources/read-file.js';
import type { Fragment, Skipped } from '../sources/source.js';
import type { DetectJob } from './detect-pool.js';

const detector = createDetector(workerData.rules, workerData.detector);

parentPort!.on('message', ({ id, job }: { id: number; job: DetectJob }) => {
  try {
    const findings: PortableFinding[] = [];
    const skipped: Skipped[] = [];
    let files = 0;
    let bytes = 0;
    if (job.kind === 'files') {
      for (const rel of job.paths) {
        const r = readFileFragment(job.root, rel, job.maxFileSize);
        if ('skipped' in r) skipped.push(r.skipped);
        if (!('fragment' in r)) continue;
        files++;
        bytes += r.bytes;
        for (const f of detector.detect(r.fragment)) findings.push(toPortable(f));
      }
    } else {
      for (const fr of job.fragments) {
        const fragment: Fragment = { text: fr.text, provenance: fr.provenance, onlyLines: fr.onlyLines ? new Set(fr.onlyLines) : undefined };
        files++;
        bytes += fr.text.length;
        for (const f of detector.detect(fragment)) findings.push(toPortable(f));
      }
    }
    parentPort!.postMessage({ id, findings, files, bytes, skipped });
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error).message, findings: [], files: 0, bytes: 0, skipped: [] });
  }
});
