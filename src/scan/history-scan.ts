/**
 * The history scan as one library call (tests and benches): a HistorySource (sources/git/history-source.ts)
 * run through a scanner with these limits. The CLI builds both itself (git-scan.ts).
 */
import type { Finding } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import type { SourceStats } from '../sources/source.js';
import type { RepoInfo } from '../sources/git/repo.js';
import { HistorySource, type HistoryOptions, type HistoryStats } from '../sources/git/history-source.js';
import { runBlobs } from '../engine/run-blobs.js';
import { createScanner } from '../engine/scanner.js';

export type { HistoryStats };

export interface HistoryScanOptions extends HistoryOptions {
  specs: RuleSpec[];
  /** Blobs larger than this are skipped and counted. */
  maxFileSize: number;
  /** Threads that read and detect, the main thread included (default: the scanner's); 0 or 1 = the main thread alone. */
  workers?: number;
  /** Histories with up to this many distinct blobs are read on the main thread (default 1000). */
  inlineBlobs?: number;
  /** Findings kept per blob, the rest noted (default 0: no limit). */
  maxFindingsPerBlob?: number;
}

export interface HistoryScanResult {
  repo: RepoInfo;
  findings: Finding[];
  stats: SourceStats;
  history: HistoryStats;
  /** Every path the scanned commits touch (`git log --name-only`'s list). */
  paths: string[];
}

export async function scanHistory(opts: HistoryScanOptions): Promise<HistoryScanResult> {
  const { specs, maxFileSize, workers, inlineBlobs, maxFindingsPerBlob, ...history } = opts;
  const scanner = createScanner({ rules: specs, maxFileSize, maxFindingsPerFile: maxFindingsPerBlob ?? 0, jobs: workers === undefined ? undefined : Math.max(1, workers) });
  const source = new HistorySource(history);
  const r = await runBlobs(source, scanner, inlineBlobs);
  return { repo: source.repo, findings: r.findings, stats: r.stats, history: source.history, paths: r.paths ?? [] };
}
