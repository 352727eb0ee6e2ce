/** Git scan modes (--staged, --history, --range, --ci): dispatch to the git sources, loaded lazily. */
import type { ScanResult, Scanner } from '../engine/scanner.js';
import { commitOf } from '../findings/finding.js';
import type { StagedIndex } from '../sources/git/staged.js';
import type { RepoInfo } from '../sources/git/repo.js';

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
  /** --history, --range: the repository already opened (by the gate); opened here when absent. */
  repo?: RepoInfo;
  /** History modes: scan the commits' messages too (default); migrate reads them itself (message-findings.ts). */
  messages?: boolean;
  /** A range: what merging its head into this commit (default: the range's base) would commit is scanned too. */
  mergeInto?: string;
  /** A range that is a push as pushed: no merge results (see CiTarget.pushed). */
  pushed?: boolean;
  /** Texts read with the messages (CiTarget.texts). */
  texts?: Array<{ place: string; text: string }>;
}

/** What `--ci` scans: a range, or whole histories (`revs`, [] = nothing), and the reason for the log. */
export interface CiTarget {
  range?: string;
  revs?: string[];
  note: string;
  platform?: 'github' | 'gitlab' | 'generic';
  /** A pull/merge request, with its target branch when named. */
  request?: { target?: string };
  /** A push, with the pushed branch when it is one (not a tag). */
  push?: { branch?: string };
  /** The repository's default branch, when the platform names it. */
  defaultBranch?: string;
  /** A request: the target branch's tip, which the head would be merged into (merge-results.ts). */
  mergeInto?: string;
  /** A push range as pushed (`before..after`): nothing is merged, a force-push's `before` is what it replaced. */
  pushed?: boolean;
  /** A request's title, description and branch name (ci-range.ts): read with the messages. */
  texts?: Array<{ place: string; text: string }>;
}

/** Work out what `--ci` scans from the CI platform's environment (ci-range.ts). */
export async function ciTarget(env: Record<string, string | undefined>): Promise<CiTarget> {
  const { ciRange, readCiEvent } = await import('./ci-range.js');
  const ci = ciRange(env, { event: readCiEvent(env) });
  return { range: ci.range, revs: ci.revs, note: `--ci: ${ci.reason}`, platform: ci.platform, request: ci.request, push: ci.push, defaultBranch: ci.defaultBranch, texts: ci.texts };
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
    request = { ...req, range: ci.range, revs: ci.revs, mergeInto: ci.mergeInto, pushed: ci.pushed, texts: ci.texts };
  }
  const { runGitModes } = await import('./git-scan.js');
  const result = await runGitModes(scanner, request);
  // `result.paths`: every path the scanned commits touch (a token in a file name is published with the
  // commit even when the file's content is clean), listed by the history source while it read the log.
  if (ciNote) result.stats.notes.unshift(ciNote);
  const allow = allowedCommits(req.allowCommits ?? [], req.mode === 'range' || req.mode === 'ci');
  if (allow.ignored.length) result.stats.notes.push(`allowlist.commits: ${allow.ignored.length} entr${allow.ignored.length === 1 ? 'y is' : 'ies are'} not a full commit id and ${allow.ignored.length === 1 ? 'is' : 'are'} not honoured by a range gate (a commit whose id starts with a short prefix can be made to order): ${allow.ignored.slice(0, 3).join(', ')}`);
  if (allow.match.length) {
    result.findings = result.findings.filter((f) => {
      const commit = commitOf(f)?.toLowerCase();
      return !(commit && allow.match.some((c) => (allow.exact ? commit === c : commit.startsWith(c))));
    });
  }
  return result;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The `allowlist.commits` entries that count. A history audit matches prefixes (an empty one would match
 * every commit, so it matches none). A range gate scans commits the change wrote, and a commit id with a
 * chosen 7- or 12-digit prefix takes minutes to make (vary the message until the hash fits): there only a
 * full id counts, matched exactly, as gitleaks does; shorter entries are listed in `ignored`.
 */
export function allowedCommits(entries: readonly string[], gate: boolean): { match: string[]; ignored: string[]; exact: boolean } {
  const all = entries.map((c) => c.trim().toLowerCase()).filter((c) => c.length > 0);
  if (!gate) return { match: [...new Set(all)], ignored: [], exact: false };
  return { match: [...new Set(all.filter((c) => FULL_SHA.test(c)))], ignored: all.filter((c) => !FULL_SHA.test(c)), exact: true };
}
