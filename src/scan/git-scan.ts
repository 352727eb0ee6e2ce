/**
 * The git modes behind one call, for `runGitScan` (git-modes.ts): `--staged [--all-lines]`,
 * `--history [REV...]`, `--range A..B`. Modules load lazily, so a pre-commit `--staged` never loads
 * the history machinery (worker pool, simple-git).
 */
import type { ScanResult, Scanner } from '../engine/scanner.js';
import type { GitScanRequest } from './git-modes.js';
import type { HistoryStats } from '../sources/git/history-source.js';

export interface GitScanResult extends ScanResult {
  /** History modes only: commits, blobs, skips, workers. */
  history?: HistoryStats;
}

export async function runGitModes(scanner: Scanner, req: GitScanRequest): Promise<GitScanResult> {
  const { runSource } = await import('../engine/run-source.js');
  if (req.mode === 'staged') {
    const { stagedSource } = await import('../sources/git/staged.js');
    return runSource(await stagedSource(req.root, { allLines: req.allLines, maxFileSize: scanner.limits.maxFileSize, excludePaths: req.excludePaths }, req.staged), scanner);
  }
  const { HistorySource } = await import('../sources/git/history-source.js');
  const { pathClassifier } = await import('../detect/path-class.js');
  // --ci arrives here with the range (or revs) already worked out by ci-range.ts.
  const isRange = req.mode === 'range' || (req.mode === 'ci' && req.range !== undefined);
  const source = new HistorySource({
    path: req.root,
    repo: req.repo,
    revs: isRange ? undefined : req.revs,
    range: isRange ? req.range : undefined,
    excludePaths: req.excludePaths,
    progress: req.progress,
    pathClass: pathClassifier(scanner.rules, { globalPaths: scanner.detector.allowlist?.paths, pathExclusions: scanner.detector.pathExclusions }),
  });
  return { ...(await runSource(source, scanner)), history: source.history };
}
