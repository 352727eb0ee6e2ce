/**
 * The git modes behind one call, for `runGitScan` (git-modes.ts): `--staged [--all-lines]`,
 * `--history [REV...]`, `--range A..B`. Modules load lazily, so a pre-commit `--staged` never loads
 * the history machinery (worker pool, simple-git).
 */
import type { ScanResult, Scanner } from '../engine/scanner.js';
import type { GitScanRequest } from './git-modes.js';
import type { HistoryStats } from './history-scan.js';

export interface GitScanResult extends ScanResult {
  /** History modes only: commits, blobs, skips, workers. */
  history?: HistoryStats;
}

export async function runGitModes(scanner: Scanner, req: GitScanRequest): Promise<GitScanResult> {
  const { maxFileSize, maxFindingsPerFile, jobs } = scanner.limits;
  if (req.mode === 'staged') {
    const [{ stagedSource }, { runSource }] = await Promise.all([import('../sources/git/staged.js'), import('../engine/run-source.js')]);
    const source = await stagedSource(req.root, { allLines: req.allLines, maxFileSize, excludePaths: req.excludePaths });
    return runSource(source, scanner);
  }
  const startedAt = new Date().toISOString();
  const { scanHistory } = await import('./history-scan.js');
  // --ci arrives here with the range (or revs) already worked out by ci-range.ts.
  const isRange = req.mode === 'range' || (req.mode === 'ci' && req.range !== undefined);
  const r = await scanHistory({
    path: req.root,
    revs: isRange ? undefined : req.revs,
    range: isRange ? req.range : undefined,
    specs: scanner.rules,
    detectorOptions: scanner.detector,
    maxFileSize,
    excludePaths: req.excludePaths,
    progress: req.progress,
    workers: jobs,
    maxFindingsPerBlob: maxFindingsPerFile,
  });
  return { findings: r.findings, stats: r.stats, history: r.history, startedAt, finishedAt: new Date().toISOString() };
}
