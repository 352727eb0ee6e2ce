/**
 * Running one source through the engine: fragments in hand are detected here; a working tree's files are
 * read and detected by worker threads in batches when the tree is large enough to pay for them; a
 * history's blobs go to run-blobs.ts. Then the
 * post-processing every scan shares (name the capped files, sort); the baseline step is the scanner's.
 */
import { createDetector } from '../detect/detector.js';
import type { Finding } from '../findings/finding.js';
import { isBlobSource, type Fragment, type Source, type SourceStats } from '../sources/source.js';
import { WorkingTreeSource } from '../sources/working-tree.js';
import { reviveFindings, type Tally } from './detect-blob.js';
import { scanFiles } from './lane.js';
import { FindingsCap, noteCapped } from './findings-cap.js';
import { portableOptions, type ScanResult, type Scanner } from './scanner.js';

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** The post-processing chain every folder scan ends with: name the files whose findings were capped, sort. */
function finish(findings: Finding[], stats: SourceStats, startedAt: string, scanner: Scanner, capped: string[], paths: string[]): ScanResult {
  noteCapped(stats, capped, scanner.limits.maxFindingsPerFile);
  return { findings: sortFindings(findings), stats, startedAt, finishedAt: new Date().toISOString(), paths };
}

export async function runSource(source: Source, scanner: Scanner): Promise<ScanResult> {
  if (isBlobSource(source)) return (await import('./run-blobs.js')).runBlobs(source, scanner);
  if (source instanceof WorkingTreeSource) return scanWorkingTree(source, scanner);
  return scanFragments(() => source.fragments(), () => source.stats(), scanner);
}

/** In-process detection of a stream of fragments. */
async function scanFragments(fragments: (cap: FindingsCap) => AsyncIterable<Fragment>, stats: () => SourceStats, scanner: Scanner): Promise<ScanResult> {
  const startedAt = new Date().toISOString();
  const findings: Finding[] = [];
  const paths = new Set<string>();
  const cap = new FindingsCap(scanner.limits.maxFindingsPerFile);
  // Ask for the first fragment before compiling the rules: the source's I/O (git, disk) runs meanwhile.
  const it = fragments(cap)[Symbol.asyncIterator]();
  const first = it.next();
  first.catch(() => {}); // awaited below; this only keeps a failure during the compile from going unhandled
  let done = false;
  try {
    const detector = createDetector(scanner.rules, scanner.detector);
    for (let r = await first; !r.done; r = await it.next()) {
      if (r.value.provenance.kind !== 'stdin') paths.add(r.value.provenance.path);
      cap.detect(detector, r.value, findings);
    }
    done = true;
  } finally {
    if (!done) await it.return?.(undefined);
  }
  return finish(findings, stats(), startedAt, scanner, cap.capped, [...paths]);
}

/**
 * The working tree: the file list is cut into batches that worker threads read and scan. Small trees
 * stay on the main thread (starting workers costs more than it saves), as does --debug (its callback
 * cannot cross into a worker).
 */
async function scanWorkingTree(source: WorkingTreeSource, scanner: Scanner): Promise<ScanResult> {
  const files = await source.listFiles();
  const { ScanPool } = await import('./pool.js');
  const { jobs, maxFileSize, maxFindingsPerFile } = scanner.limits;
  const startedAt = new Date().toISOString();
  const stats = source.stats();
  const findings: Finding[] = [];
  const capped: string[] = [];
  const add = (t: Tally): void => {
    stats.files += t.scanned;
    stats.bytes += t.bytes;
    stats.skipped.push(...t.skipped);
    capped.push(...t.capped);
    for (const r of t.results) findings.push(...reviveFindings(r));
  };
  if (jobs <= 1 || files.length < PARALLEL_MIN_FILES || scanner.detector.onDrop || !ScanPool.workerUrl()) {
    add(scanFiles(createDetector(scanner.rules, scanner.detector), source.root, files, maxFileSize, maxFindingsPerFile));
  } else {
    const pool = new ScanPool({ rules: scanner.rules, detector: portableOptions(scanner.detector), root: source.root, maxFileSize, maxFindingsPerFile }, jobs);
    try {
      const batches: Promise<void>[] = [];
      for (let i = 0; i < files.length; i += BATCH) batches.push(pool.run({ kind: 'files', paths: files.slice(i, i + BATCH) }).then(add));
      await Promise.all(batches);
    } finally {
      await pool.close();
    }
  }
  stats.skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return finish(findings, stats, startedAt, scanner, capped, files);
}

const PARALLEL_MIN_FILES = 400;
const BATCH = 64;
