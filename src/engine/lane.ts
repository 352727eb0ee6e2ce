/**
 * What every lane of the scan pool runs, in a worker thread (worker.ts) or on the main thread: one
 * compiled detector, and jobs of two kinds —
 *   'files': working-tree paths, read from disk and detected, answered at once;
 *   'blobs': blob ids, read through the lane's own `git cat-file --batch` (kept across jobs, so the
 *            delta bases of one path's versions stay in that git's cache) and detected as they stream.
 * Blob and file bytes never cross a thread: only paths and ids go in, tallies come out.
 */
import type { Detector } from '../detect/detector.js';
import { warmUpDecoding } from '../detect/decode.js';
import { toPortable, type Finding } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import type { RepoInfo } from '../sources/git/repo.js';
import type { Skipped } from '../sources/source.js';
import { readFileForScan } from '../sources/read-file.js';
import { BlobScanner } from './blob-scanner.js';
import { emptyTally, type Tally } from './detect-blob.js';
import { FindingsCap } from './findings-cap.js';
import type { PortableDetectorOptions } from './scanner.js';

export interface LaneInit {
  rules: RuleSpec[];
  detector: PortableDetectorOptions;
  maxFileSize: number;
  /** Findings kept per file or blob (0: no limit). */
  maxFindingsPerFile: number;
  /** Where 'files' jobs' paths are. */
  root?: string;
  /** Where 'blobs' jobs' ids are. */
  repo?: RepoInfo;
}

export type Job =
  | { kind: 'files'; paths: string[] }
  | { kind: 'blobs'; /** Blob sha and the path it was first seen at. */ blobs: Array<[sha: string, path: string]> };

export type LaneRequest = { id: number; job: Job } | { end: true };

/** A job's tally, or its error; or the lane's end. */
export type LaneResponse = { id: number; tally: Tally } | { id: number; error: string } | { ended: true };

export class LaneCore {
  private blobs?: BlobScanner;
  private ending = false;

  constructor(
    private readonly init: LaneInit,
    private readonly detector: Detector,
    private readonly reply: (r: LaneResponse) => void,
    /** Reading blobs failed: the lane cannot go on. */
    private readonly fail: (e: Error) => void,
    /** Blob reads ask sizes first (an oversized blob is skipped unread): worth it only for a lone reader. */
    private readonly sizesFirst = false,
  ) {}

  handle(req: LaneRequest): void {
    if ('end' in req) {
      this.ending = true;
      if (this.blobs) this.blobs.end();
      else this.reply({ ended: true });
      return;
    }
    const { id, job } = req;
    if (job.kind === 'files') {
      try {
        this.reply({ id, tally: this.files(job.paths) });
      } catch (e) {
        this.reply({ id, error: (e as Error).message });
      }
      return;
    }
    this.blobReader().push({ id, blobs: job.blobs });
  }

  /** Stop: drop the blobs not yet handed to git, wait for git to answer those in flight. */
  async abort(): Promise<void> {
    if (!this.blobs) return;
    this.blobs.abort();
    await this.blobs.done.catch(() => {});
  }

  private blobReader(): BlobScanner {
    if (this.blobs) return this.blobs;
    const { repo, maxFileSize, maxFindingsPerFile } = this.init;
    if (!repo) throw new Error('a blobs job in a lane without a repository');
    const scanner = new BlobScanner(this.detector, repo, maxFileSize, maxFindingsPerFile, (id, tally) => this.reply({ id, tally }), this.sizesFirst);
    scanner.done.then(
      () => this.ending && this.reply({ ended: true }),
      (e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))),
    );
    return (this.blobs = scanner);
  }

  private files(paths: string[]): Tally {
    return scanFiles(this.detector, this.init.root!, paths, this.init.maxFileSize, this.init.maxFindingsPerFile);
  }
}

/**
 * Read and detect working-tree files (a lane's 'files' job, or a small tree on the main thread); a large
 * file comes as windows, read and scanned one at a time.
 * No byte prefilter (Detector.mayMatch) here: measured cold, as every tree scan's threads are, building
 * RE2's DFA for the keyword alternation costs more than decoding and walking the files it rejects (most
 * bytes of a source tree hold a keyword somewhere).
 */
export function scanFiles(detector: Detector, root: string, paths: string[], maxFileSize: number, maxFindingsPerFile: number): Tally {
  // A large tree's batch: the decoders get their feedback first (decode.ts warmUpDecoding).
  if (paths.length >= 32) warmUpDecoding();
  const t = emptyTally();
  const cap = new FindingsCap(maxFindingsPerFile);
  const kept: Finding[] = [];
  const opts = { onReadError: (s: Skipped) => t.skipped.push(s) };
  for (const rel of paths) {
    const r = readFileForScan(root, rel, maxFileSize, opts);
    if ('skipped' in r) t.skipped.push(r.skipped);
    if (!('fragments' in r)) continue;
    t.scanned++;
    t.bytes += r.bytes;
    for (const fragment of r.fragments) {
      cap.detect(detector, fragment, kept);
      if (cap.full(rel)) break; // the rest of the file would add nothing: stop reading it
    }
    if (kept.length) t.results.push({ unit: rel, findings: kept.map(toPortable) });
    kept.length = 0;
  }
  for (const c of cap.capped) t.capped.push(c);
  return t;
}
