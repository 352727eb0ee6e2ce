/**
 * The git modes behind one call, for `runGitScan` (git-modes.ts): `--staged [--all-lines]`,
 * `--history [REV...]`, `--range A..B`. Modules load lazily, so a pre-commit `--staged` never loads
 * the history machinery (worker pool, simple-git).
 */
import type { ScanResult } from './run-scan.js';
import type { GitScanRequest } from './git-modes.js';
import type { HistoryStats } from './history-scan.js';

export interface GitScanResult extends ScanResult {
  /** History modes only: commits, blobs, skips, workers. */
  history?: HistoryStats;
}

export async function runGitModes(req: GitScanRequest): Promise<GitScanResult> {
  if (req.mode === 'staged') {
    const [{ stagedSource }, { scanSource }] = await Promise.all([import('../sources/git/staged.js'), import('./run-scan.js')]);
    const source = await stagedSource(req.root, { allLines: req.allLines, maxFileSize: req.maxFileSize, excludePaths: req.excludePaths });
    return scanSource(source, { rules: req.rules, detector: req.detector, baseline: req.baseline, maxFindingsPerFile: req.maxFindingsPerFile });
  }
  const startedAt = new Date().toISOString();
  const [{ scanHistory }, { filterBaseline }] = await Promise.all([import('./history-scan.js'), import('../findings/baseline.js')]);
  // --ci arrives here with the range (or revs) already worked out by ci-range.ts.
  const isRange = req.mode === 'range' || (req.mode === 'ci' && req.range !== undefined);
  const r = await scanHistory({
    path: req.root,
    revs: isRange ? undefined : req.revs,
    range: isRange ? req.range : undefined,
    specs: req.rules,
    detectorOptions: req.detector,
    maxFileSize: req.maxFileSize,
    excludePaths: req.excludePaths,
    progress: req.progress,
    workers: req.workers,
    maxFindingsPerBlob: req.maxFindingsPerFile,
  });
  const findings = req.baseline ? filterBaseline(r.findings, req.baseline) : r.findings;
  return { findings, stats: r.stats, history: r.history, startedAt, finishedAt: new Date().toISOString() };
}
