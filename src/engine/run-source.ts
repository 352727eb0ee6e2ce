/**
 * Running one source through the engine: fragments in hand are detected here; a working tree's files are
 * read and detected by worker threads in batches when the tree is large enough to pay for them; a
 * history's blobs go to run-blobs.ts. Then the
 * post-processing every scan shares (name the capped files, sort); the baseline step is the scanner's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDetector } from '../detect/detector.js';
import type { Finding } from '../findings/finding.js';
import { isBlobSource, type Fragment, type Source, type SourceStats } from '../sources/source.js';
import { gitIndexSize, WorkingTreeSource } from '../sources/working-tree.js';
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
 * The working tree: the file list is cut into batches that the main thread and `jobs - 1` worker threads
 * read and scan, each taking the next batch when it is free. The main thread is a lane because it has
 * nothing else to do: a worker costs a thread start, a module load and a rule compile (about a third of
 * a 2,000-file scan's CPU), and the main thread starts scanning while the workers start. Small trees stay
 * on the main thread alone, as does --debug (its callback cannot cross into a worker).
 */
async function scanWorkingTree(source: WorkingTreeSource, scanner: Scanner): Promise<ScanResult> {
  // The pool's module loads while git lists the files.
  const poolModule = import('./pool.js');
  poolModule.catch(() => {}); // awaited just below; a failed listing must not leave it unhandled
  const files = await source.listFiles();
  const { ScanPool, dropEarlyWorkers } = await poolModule;
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
  const workers = jobs <= 1 || files.length < PARALLEL_MIN_FILES || scanner.detector.onDrop || !ScanPool.workerUrl() ? 0 : jobs - 1;
  const pool = workers > 0 ? new ScanPool({ rules: scanner.rules, detector: portableOptions(scanner.detector), root: source.root, maxFileSize, maxFindingsPerFile }, workers) : undefined;
  dropEarlyWorkers(); // those started ahead (startTreeWorkersEarly) and not needed after all
  try {
    const detector = createDetector(scanner.rules, scanner.detector);
    let next = 0;
    const lanes = workers + 1;
    // Batches shrink toward the end (a share of what is left, at most BATCH files): the lanes then finish
    // together instead of one waiting for the other's last full batch.
    const take = (): string[] | undefined => {
      if (next >= files.length) return undefined;
      const n = Math.max(MIN_BATCH, Math.min(BATCH, Math.ceil((files.length - next) / (4 * lanes))));
      return files.slice(next, (next += n));
    };
    // Each worker holds at most two batches (one running, one waiting), refilled as answers come in.
    let sent = 0;
    const pending = new Set<Promise<void>>();
    const feed = (): void => {
      for (let batch; pool && !pool.error && sent < 2 * workers && (batch = take()); ) {
        sent++;
        const p: Promise<void> = pool.run({ kind: 'files', paths: batch }).then((t) => {
          sent--;
          pending.delete(p);
          add(t);
          feed();
        });
        p.catch(() => {}); // awaited below (or pool.error thrown): not an unhandled rejection meanwhile
        pending.add(p);
      }
    };
    feed();
    for (let batch = take(); batch; batch = take()) {
      add(scanFiles(detector, source.root, batch, maxFileSize, maxFindingsPerFile));
      // Let the workers' answers in (each refills its worker) before the next batch.
      if (pool) await new Promise<void>((r) => setImmediate(r));
      if (pool?.error) throw pool.error;
    }
    while (pending.size) await Promise.all(pending);
  } finally {
    await pool?.close();
  }
  stats.skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return finish(findings, stats, startedAt, scanner, capped, files);
}

/**
 * Start the worker threads of a working-tree scan of `root` now, when its git index says the tree holds
 * enough files for them (each index entry takes at least ~72 bytes): their start-up then overlaps the
 * config, rules and file listing. `scanWorkingTree` adopts them or ends them. Only for the top of the work
 * tree: the index counts the whole repository, not a folder in it (`scan src/scan` in this project's clone
 * started a worker only to end it, ~10 ms of CPU); a folder's scan starts workers once it has listed enough files.
 */
export async function startTreeWorkersEarly(root: string, jobs: number): Promise<void> {
  if (jobs <= 1 || !existsSync(join(root, '.git')) || gitIndexSize(root) < PARALLEL_MIN_FILES * 72) return;
  const { startWorkersEarly } = await import('./pool.js');
  startWorkersEarly(jobs - 1);
}

const PARALLEL_MIN_FILES = 400;
const BATCH = 64;
const MIN_BATCH = 8;
