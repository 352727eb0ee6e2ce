import type { Finding, Provenance } from '../findings/finding.js';
import type { RepoInfo } from './git/repo.js';

/**
 * A piece of text to scan. Sources yield fragments; the detector never knows where they came from.
 */
export interface Fragment {
  /** Decoded text (UTF-8, or UTF-16 with BOM, already turned into a JS string). */
  text: string;
  provenance: Provenance;
  /**
   * When set, only findings whose secret starts on one of these 1-based lines are reported
   * (e.g. the lines a staged change adds). Undefined means every line.
   */
  onlyLines?: Set<number>;
  /** Set when `text` is one window of an input too large to scan whole (sources/windows.ts). */
  window?: FragmentWindow;
}

/**
 * Where a window's text sits in the whole input, and the part of it the window reports. Findings are
 * reported at offsets, lines and columns of the whole input; one whose secret starts outside [from, to)
 * is left to the neighbouring window, which sees it with its full context (so none is reported twice).
 */
export interface FragmentWindow {
  /** Offset of text[0] in the whole input (UTF-16 code units). */
  offset: number;
  /** 1-based line and column of text[0] in the whole input. */
  line: number;
  column: number;
  /** The window's own part of `text`: [from, to). */
  from: number;
  to: number;
}

/** Something skipped, with the reason; counted in the summary and reported as warnings. */
export interface Skipped {
  path: string;
  reason: 'binary' | 'too-large' | 'unreadable' | 'symlink' | 'encoding' | 'lfs-pointer' | 'lfs-object' | 'submodule' | 'special-file';
  detail?: string;
}

export interface SourceStats {
  files: number;
  bytes: number;
  skipped: Skipped[];
  /** Free-form notes shown to the user (e.g. "shallow clone: history is incomplete"). */
  notes: string[];
  /** Files with more findings than --max-findings-per-file (only the first ones reported; also in `notes`). */
  findingsCapped?: string[];
  /** --only-verified: findings not listed because their issuer could not say (verification unknown). */
  notVerified?: number;
}

/**
 * One interface for every input: working tree, file arguments, stdin, git index, git history.
 * A source of text yields fragments (`fragments()` streams; a source must not hold all content in
 * memory); a source of blobs (git history) yields blob ids that the engine's lanes read themselves.
 */
export type Source = TextSource | BlobSource;

export interface TextSource {
  readonly name: string;
  fragments(): AsyncIterable<Fragment>;
  stats(): SourceStats;
}

/** A blob the engine's lanes read from the repository themselves (its bytes never cross a thread). */
export interface BlobUnit {
  sha: string;
  /** The path it was first seen at (path-scoped rules and allowlists see it). */
  path: string;
}

/** What the engine read of a blob source's blobs: counts, skips (with reasons), findings per blob sha. */
export interface SourceTally {
  scanned: number;
  bytes: number;
  skipped: Skipped[];
  capped: string[];
  results: Array<{ unit: string; findings: Finding[] }>;
}

/**
 * Git history: blobs to read (each distinct blob once), then, from what they held, findings with their
 * provenance (one blob may sit in many commits: where a finding came from is kept apart from the text).
 */
export interface BlobSource {
  readonly name: string;
  readonly repo: RepoInfo;
  /** False when there is nothing to read (said in the stats' notes). */
  open(): Promise<boolean>;
  /** Likely more than `n` blobs (the engine then starts its workers before the first blob). */
  larger(n: number): Promise<boolean>;
  /** Ready to list blobs; `tally` is the engine's running count (for progress). */
  start(tally: Readonly<Pick<SourceTally, 'scanned' | 'bytes'>>): Promise<void>;
  /** Worker threads reading besides the main thread. */
  readers(workers: number): void;
  blobs(): AsyncIterable<BlobUnit>;
  stop(failed: boolean): void;
  finish(tally: SourceTally, capNotes: (stats: SourceStats) => void): Promise<Finding[]>;
  stats(): SourceStats;
  /** Every path the source's commits touch (for findings about a path itself), listed while reading blobs(). */
  touchedPaths(): string[];
}

export function isBlobSource(s: Source): s is BlobSource {
  return 'blobs' in s;
}

export function emptyStats(): SourceStats {
  return { files: 0, bytes: 0, skipped: [], notes: [] };
}
