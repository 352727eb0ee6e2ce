/**
 * Orchestration for a scan: a source streams fragments, the detector turns each into findings, then the
 * post-processing chain (baseline, sort). No output here: the CLI hands the result to a reporter.
 */
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import type { Finding } from '../findings/finding.js';
import { filterBaseline } from '../findings/baseline.js';
import type { RuleSpec } from '../rules/rule.js';
import type { Fragment, Source, SourceStats } from '../sources/source.js';
import { DEFAULT_MAX_FINDINGS_PER_FILE, FindingsCap, noteCapped } from './findings-cap.js';

export interface ScanResult {
  findings: Finding[];
  stats: SourceStats;
  startedAt: string;
  finishedAt: string;
  /** Every path read, when the source lists them (a token in a path is a finding too: detected-text.ts). */
  paths?: string[];
}

export interface ScanOptions {
  rules: RuleSpec[];
  detector?: DetectorOptions;
  baseline?: Set<string>;
  /** Findings kept per file (findings-cap.ts); 0 for no limit, DEFAULT_MAX_FINDINGS_PER_FILE when unset. */
  maxFindingsPerFile?: number;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/**
 * The post-processing chain every folder scan ends with: name the files whose findings were capped,
 * drop baselined findings, sort.
 */
function finish(findings: Finding[], stats: SourceStats, startedAt: string, opts: ScanOptions, capped: string[], paths: string[]): ScanResult {
  noteCapped(stats, capped, findingsLimit(opts));
  const kept = opts.baseline ? filterBaseline(findings, opts.baseline) : findings;
  return { findings: sortFindings(kept), stats, startedAt, finishedAt: new Date().toISOString(), paths };
}

const findingsLimit = (opts: ScanOptions): number => opts.maxFindingsPerFile ?? DEFAULT_MAX_FINDINGS_PER_FILE;

export async function scanSource(source: Source, opts: ScanOptions): Promise<ScanResult> {
  return scanFragments(() => source.fragments(), () => source.stats(), opts);
}

/** In-process detection of a stream of fragments; `fragments` may consult the cap to stop reading a file early. */
async function scanFragments(fragments: (cap: FindingsCap) => AsyncIterable<Fragment>, stats: () => SourceStats, opts: ScanOptions): Promise<ScanResult> {
  const startedAt = new Date().toISOString();
  const findings: Finding[] = [];
  const paths = new Set<string>();
  const cap = new FindingsCap(findingsLimit(opts));
  // Ask for the first fragment before compiling the rules: the source's I/O (git, disk) runs meanwhile.
  const it = fragments(cap)[Symbol.asyncIterator]();
  const first = it.next();
  first.catch(() => {}); // awaited below; this only keeps a failure during the compile from going unhandled
  let done = false;
  try {
    const detector = createDetector(opts.rules, opts.detector);
    for (let r = await first; !r.done; r = await it.next()) {
      if (r.value.provenance.kind !== 'stdin') paths.add(r.value.provenance.path);
      cap.detect(detector, r.value, findings);
    }
    done = true;
  } finally {
    if (!done) await it.return?.(undefined);
  }
  return finish(findings, stats(), startedAt, opts, cap.capped, [...paths]);
}

/**
 * The working tree, in parallel: the file list is cut into batches that worker threads read and scan.
 * Small trees stay in-process (starting workers costs more than it saves).
 */
export async function scanWorkingTree(
  source: import('../sources/working-tree.js').WorkingTreeSource,
  opts: ScanOptions & { jobs?: number; root: string; maxFileSize: number },
): Promise<ScanResult> {
  const files = await source.listFiles();
  const { DetectPool, defaultPoolSize } = await import('./detect-pool.js');
  const jobs = opts.jobs ?? defaultPoolSize();
  if (jobs <= 1 || files.length < PARALLEL_MIN_FILES || opts.detector?.onDrop || !DetectPool.workerUrl()) {
    return { ...(await scanFragments((cap) => fragmentsOf(source, files, cap), () => source.stats(), opts)), paths: files };
  }
  const startedAt = new Date().toISOString();
  const pool = new DetectPool({ rules: opts.rules, detector: opts.detector ?? {}, size: jobs });
  const stats = source.stats();
  const findings: Finding[] = [];
  const capped: string[] = [];
  try {
    const batches: Promise<void>[] = [];
    for (let i = 0; i < files.length; i += BATCH) {
      const job = { kind: 'files', root: opts.root, paths: files.slice(i, i + BATCH), maxFileSize: opts.maxFileSize, maxFindingsPerFile: findingsLimit(opts) } as const;
      batches.push(
        pool.run(job).then((r) => {
          stats.files += r.files;
          stats.bytes += r.bytes;
          stats.skipped.push(...r.skipped);
          if (r.capped) capped.push(...r.capped);
          for (const f of r.findings) findings.push(f);
        }),
      );
    }
    await Promise.all(batches);
  } finally {
    await pool.close();
  }
  stats.skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return finish(findings, stats, startedAt, opts, capped, files);
}

const PARALLEL_MIN_FILES = 400;
const BATCH = 64;

async function* fragmentsOf(source: import('../sources/working-tree.js').WorkingTreeSource, files: string[], cap: FindingsCap) {
  for (const rel of files) {
    for (const fragment of source.read(rel)) {
      yield fragment;
      if (cap.full(rel)) break; // past the findings limit: the rest of a large file is not read
    }
  }
}
