/** Worker thread body for DetectPool: compile the rules once, then read/detect jobs as they come. */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/detector.js';
import { toPortable, type Finding, type PortableFinding } from '../findings/finding.js';
import { readFileForScan } from '../sources/read-file.js';
import { FindingsCap } from '../engine/findings-cap.js';
import type { Fragment, Skipped } from '../sources/source.js';
import type { DetectJob } from './detect-pool.js';

const detector = createDetector(workerData.rules, workerData.detector);

parentPort!.on('message', ({ id, job }: { id: number; job: DetectJob }) => {
  try {
    const findings: PortableFinding[] = [];
    const skipped: Skipped[] = [];
    let files = 0;
    let bytes = 0;
    let capped: string[] | undefined;
    if (job.kind === 'files') {
      // A large file comes as windows, read and scanned one at a time (sources/windows.ts).
      const cap = new FindingsCap(job.maxFindingsPerFile);
      const kept: Finding[] = [];
      for (const rel of job.paths) {
        const r = readFileForScan(job.root, rel, job.maxFileSize, { onReadError: (s) => skipped.push(s) });
        if ('skipped' in r) skipped.push(r.skipped);
        if (!('fragments' in r)) continue;
        files++;
        bytes += r.bytes;
        for (const fragment of r.fragments) {
          cap.detect(detector, fragment, kept);
          for (const f of kept) findings.push(toPortable(f));
          kept.length = 0;
          if (cap.full(rel)) break; // the rest of the file would add nothing: stop reading it
        }
      }
      if (cap.capped.length) capped = cap.capped;
    } else {
      for (const fr of job.fragments) {
        const fragment: Fragment = { text: fr.text, provenance: fr.provenance, onlyLines: fr.onlyLines ? new Set(fr.onlyLines) : undefined };
        files++;
        bytes += fr.text.length;
        for (const f of detector.detect(fragment)) findings.push(toPortable(f));
      }
    }
    parentPort!.postMessage({ id, findings, files, bytes, skipped, capped });
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error).message, findings: [], files: 0, bytes: 0, skipped: [] });
  }
});
