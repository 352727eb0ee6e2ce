/** Git scan modes (--staged, --history, --range, --ci): dispatch to the git sources, loaded lazily. */
import type { ScanResult, Scanner } from '../engine/scanner.js';
import { commitOf } from '../findings/finding.js';
import type { StagedIndex } from '../sources/git/staged.js';

export interface GitScanRequest {
  root: string;
  mode: 'staged' | 'history' | 'range' | 'ci';
  range?: string;
  revs?: string[];
  allLines: boolean;
  excludePaths: string[];
  /** Commits whose findings are accepted (gitleaks `allowlist.commits`), lower-case SHAs. */
  allowCommits?: string[];
  /** Show a progress bar (TTY and not CI). */
  progress?: boolean;
  /** Environment to read CI variables from (tests pass their own). */
  env?: Record<string, string | undefined>;
  /** --ci: the range already worked out (`ciTarget`); worked out here when absent. */
  ci?: CiTarget;
  /** --staged: the repository and staged diff already read (by the gate); read here when absent. */
  staged?: StagedIndex;
}

/** What `--ci` scans: a range, or whole histories (`revs`, [] = nothing), and the reason for the log. */
export interface CiTarget {
  range?: string;
  revs?: string[];
  note: string;
  platform?: 'github' | 'gitlab' | 'generic';
  /** A pull/merge request, with its target branch when named. */
  request?: { target?: string };
  /** The repository's default branch, when the platform names it. */
  defaultBranch?: string;
}

/** Work out what `--ci` scans from the CI platform's environment (ci-range.ts). */
export async function ciTarget(env: Record<string, string | undefined>): Promise<CiTarget> {
  const { ciRange, readCiEvent } = await import('./ci-range.js');
  const ci = ciRange(env, { event: readCiEvent(env) });
  return { range: ci.range, revs: ci.revs, note: `--ci: ${ci.reason}`, platform: ci.platform, request: ci.request, defaultBranch: ci.defaultBranch };
}

/** A git mode through the scanner (its rules, detector options, limits); the baseline is left to the caller. */
export async function runGitScan(scanner: Scanner, req: GitScanRequest): Promise<ScanResult> {
  let request = req;
  let ciNote: string | undefined;
  if (req.mode === 'ci' && req.range === undefined) {
    const ci = req.ci ?? (await ciTarget(req.env ?? process.env));
    ciNote = ci.note;
    if (ci.revs && ci.revs.length === 0) {
      const now = new Date().toISOString();
      return { findings: [], stats: { files: 0, bytes: 0, skipped: [], notes: [ciNote] }, startedAt: now, finishedAt: now };
    }
    request = { ...req, range: ci.range, revs: ci.revs };
  }
  const { runGitModes } = await import('./git-scan.js');
  const result = await runGitModes(scanner, request);
  // `result.paths`: every path the scanned commits touch (a token in a file name is published with the
  // commit even when the file's content is clean), listed by the history source while it read the log.
  if (ciNote) result.stats.notes.unshift(ciNote);
  // Commit prefixes; an empty one would match every commit, so it matches none.
  const allow = new Set((req.allowCommits ?? []).map((c) => c.trim().toLowerCase()).filter((c) => c.length > 0));
  if (allow.size) {
    result.findings = result.findings.filter((f) => {
      const commit = commitOf(f);
      if (commit && [...allow].some((c) => commit.toLowerCase().startsWith(c))) return false;
      return true;
    });
  }
  return result;
}
