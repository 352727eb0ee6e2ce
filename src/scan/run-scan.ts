/**
 * Orchestration for a scan: a source streams fragments, the detector turns each into findings, then the
 * post-processing chain (baseline, sort). No output here: the CLI hands the result to a reporter.
 */
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import type { Finding } from '../findings/finding.js';
import { filterBaseline } from '../findings/baseline.js';
import type { RuleSpec } from '../rules/rule.js';
import type { Source, SourceStats } from '../sources/source.js';
import { DetectPool, defaultPoolSize } from './detect-pool.js';

export interface ScanResult {
  findings: Finding[];
  stats: SourceStats;
  startedAt: string;
  finishedAt: string;
}

export interface ScanOptions {
  rules: RuleSpec[];
  detector?: DetectorOptions;
  baseline?: Set<string>;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** The post-processing chain every folder scan ends with: drop baselined findings, sort. */
function finish(findings: Finding[], stats: SourceStats, startedAt: string, baseline?: Set<string>): ScanResult {
  const kept = baseline ? filterBaseline(findings, baseline) : findings;
  return { findings: sortFindings(kept), stats, startedAt, finishedAt: new Date().toISOString() };
}

export async function scanSource(source: Source, opts: ScanOptions): Promise<ScanResult> {
  const startedAt = new Date().toISOString();
  const detector = createDetector(opts.rules, opts.detector);
  const findings: Finding[] = [];
  for await (const fragment of source.fragments()) {
    for (const f of detector.detect(fragment)) findings.push(f);
  }
  return finish(findings, source.stats(), startedAt, opts.baseline);
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
  const jobs = opts.jobs ?? defaultPoolSize();
  if (jobs <= 1 || files.length < PARALLEL_MIN_FILES || opts.detector?.onDrop || !DetectPool.workerUrl()) {
    return scanSource({ name: source.name, stats: () => source.stats(), fragments: () => fragmentsOf(source, files) }, opts);
  }
  const startedAt = new Date().toISOString();
  const pool = new DetectPool({ rules: opts.rules, detector: opts.detector ?? {}, size: jobs });
  const stats = source.stats();
  const findings: Finding[] = [];
  try {
    const batches: Promise<void>[] = [];
    for (let i = 0; i < files.length; i += BATCH) {
      batches.push(
        pool.run({ kind: 'files', root: opts.root, paths: files.slice(i, i + BATCH), maxFileSize: opts.maxFileSize }).then((r) => {
          stats.files += r.files;
          stats.bytes += r.bytes;
          stats.skipped.push(...r.skipped);
          for (const f of r.findings) findings.push(f);
        }),
      );
    }
    await Promise.all(batches);
  } finally {
    await pool.close();
  }
  stats.skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return finish(findings, stats, startedAt, opts.baseline);
}

const PARALLEL_MIN_FILES = 400;
const BATCH = 64;

async function* fragmentsOf(source: import('../sources/working-tree.js').WorkingTreeSource, files: string[]) {
  for (const rel of files) {
    const f = source.read(rel);
    if (f) yield f;
  }
}
