/**
 * The git modes behind one call, for `runGitScan` (git-modes.ts): `--staged [--all-lines]`,
 * `--history [REV...]`, `--range A..B`. Modules load lazily, so a pre-commit `--staged` never loads
 * the history machinery (worker pool, simple-git).
 */
import type { ScanResult, Scanner } from '../engine/scanner.js';
import { SweepError } from '../errors.js';
import type { GitScanRequest } from './git-modes.js';
import type { HistoryStats } from '../sources/git/history-source.js';

export interface GitScanResult extends ScanResult {
  /** History modes only: commits, blobs, skips, workers. */
  history?: HistoryStats;
}

export async function runGitModes(scanner: Scanner, req: GitScanRequest): Promise<GitScanResult> {
  const { runSource, sortFindings } = await import('../engine/run-source.js');
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
    mergeResults: isRange && !req.pushed ? { into: req.mergeInto } : undefined,
    excludePaths: req.excludePaths,
    progress: req.progress,
    pathClass: pathClassifier(scanner.rules, { globalPaths: scanner.detector.allowlist?.paths, pathExclusions: scanner.detector.pathExclusions }),
  });
  // Messages are pushed with their commits: read those of the same commits (and, for a whole history, the
  // annotated tags'), while the blobs are read: their git log and detection used to follow the blob scan,
  // a fork of the grown process and a walk of every commit added to the wall clock. Started once the
  // revisions are known; a scan that fails or finds no commit drops them.
  const messages =
    req.messages === false
      ? undefined
      : source.started.then(async () => {
          const { scanMessages } = await import('../sources/git/messages.js');
          return scanMessages({
            root: source.repo.root, revArgs: [...source.revisions], tags: req.mode === 'history' && (req.revs ?? []).length === 0,
            rules: scanner.rules, options: scanner.detector, known: new Set(), headers: true, tagNames: headNames(req),
            extra: (req.texts ?? []).map((t) => ({ ...t, commit: source.revisions.find((r) => !r.startsWith('^')) ?? '' })),
          });
        });
  messages?.catch(() => {}); // awaited below when the scan went through
  const result = await runSource(source, scanner);
  if (messages && source.history.commits > 0) {
    // A secret already found in a file is not reported twice.
    const known = new Set(result.findings.map((f) => f.fingerprint));
    const inMessages = (
      await messages.catch((e: Error) => {
        throw new SweepError(`${req.root}: commit messages could not be read (${e.message})`);
      })
    ).filter((f) => !known.has(f.fingerprint));
    if (inMessages.length) result.findings = sortFindings([...result.findings, ...inMessages]);
  }
  return { ...result, history: source.history };
}

/**
 * The names a scan's head was given by, which may be annotated tags pushed with it: a range's right end,
 * the revisions of a partial history, and on CI the tag a pipeline runs for (GitHub `GITHUB_REF`
 * `refs/tags/…`, GitLab `CI_COMMIT_TAG`).
 */
function headNames(req: GitScanRequest): string[] {
  const names: string[] = [];
  if (req.range !== undefined) {
    const dots = req.range.includes('...') ? '...' : '..';
    names.push(req.range.slice(req.range.indexOf(dots) + dots.length) || 'HEAD');
  }
  for (const r of req.revs ?? []) if (!r.startsWith('^') && !r.includes('..')) names.push(r);
  if (req.mode === 'ci') {
    const env = req.env ?? process.env;
    const ref = env.GITHUB_ACTIONS === 'true' ? env.GITHUB_REF : env.GITLAB_CI === 'true' && env.CI_COMMIT_TAG ? `refs/tags/${env.CI_COMMIT_TAG}` : undefined;
    if (ref?.startsWith('refs/tags/')) names.push(ref);
  }
  return [...new Set(names)];
}
