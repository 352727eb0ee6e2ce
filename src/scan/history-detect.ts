/**
 * Detection on one blob, shared by the worker threads and the main thread (small scans run inline).
 * Findings cross the thread boundary as plain data: the hidden plaintext secret and line text are
 * sent explicitly beside them and re-attached with `attachSecret` on the other side.
 */
import { fromPortable, toPortable, type Finding, type PortableFinding } from '../findings/finding.js';
import type { Detector, DetectorOptions } from '../detect/detector.js';
import { unreadableDetail, type BlobOutcome } from '../sources/git/blobs.js';
import { isUtf16, skipReason } from '../sources/decode-text.js';
import type { Skipped } from '../sources/source.js';
import { bytesFragments } from '../sources/windows.js';
import { FindingsCap } from '../engine/findings-cap.js';

export interface BlobJob {
  sha: string;
  /** The path the blob was first seen at (path-scoped rules and allowlists see it). */
  path: string;
  data: Uint8Array;
}

export interface BlobFindings {
  sha: string;
  findings: PortableFinding[];
}

/** Detector options that can be cloned into a worker (no callbacks). */
export type PortableDetectorOptions = Omit<DetectorOptions, 'onDrop'>;

export function portableOptions(o: DetectorOptions | undefined): PortableDetectorOptions {
  if (!o) return {};
  const { onDrop: _drop, ...rest } = o;
  return rest;
}

/**
 * Detect in one blob; undefined when nothing was found (the common case: nothing to send back). With a
 * `limit` (findings per blob, see findings-cap.ts), the first `limit` are kept and `capped` says there
 * were more.
 */
export function detectBlob(detector: Detector, job: BlobJob, limit = 0): (BlobFindings & { capped?: boolean }) | undefined {
  // Most blobs hold no keyword at all: reject them on their bytes, before decoding.
  if (!isUtf16(job.data) && !detector.mayMatch(job.data, job.path)) return undefined;
  const provenance = { kind: 'git-blob' as const, path: job.path, blob: job.sha };
  // A large blob is detected window by window, as large files are.
  const fragments = bytesFragments(job.data, provenance);
  const findings: Finding[] = [];
  const cap = new FindingsCap(limit);
  for (const fragment of fragments) {
    cap.detect(detector, fragment, findings);
    if (cap.full(job.path)) break;
  }
  const capped = cap.capped.length > 0;
  if (findings.length === 0) return undefined;
  return { sha: job.sha, findings: findings.map(toPortable), ...(capped ? { capped } : {}) };
}

/** What happened to the blobs read so far: plain data, summed across worker threads. */
export interface BlobTally {
  scanned: number;
  bytes: number;
  binary: number;
  lfs: number;
  tooLarge: number;
  missing: number;
  skipped: Skipped[];
  results: BlobFindings[];
  /** Blobs with more findings than the limit (`path (blob sha)`). */
  capped: string[];
}

export function emptyTally(): BlobTally {
  return { scanned: 0, bytes: 0, binary: 0, lfs: 0, tooLarge: 0, missing: 0, skipped: [], results: [], capped: [] };
}

export function addTally(into: BlobTally, t: BlobTally): void {
  into.scanned += t.scanned;
  into.bytes += t.bytes;
  into.binary += t.binary;
  into.lfs += t.lfs;
  into.tooLarge += t.tooLarge;
  into.missing += t.missing;
  for (const s of t.skipped) into.skipped.push(s);
  for (const r of t.results) into.results.push(r);
  for (const c of t.capped) into.capped.push(c);
}

/** Count one blob read from git (skipped: why; otherwise scanned, with any findings). */
export function tallyBlob(detector: Detector, o: BlobOutcome<unknown>, path: string, t: BlobTally, limit = 0): void {
  if (o.skip) {
    if (o.skip === 'too-large') {
      t.tooLarge++;
      t.skipped.push({ path, reason: 'too-large', detail: `blob ${o.req.sha.slice(0, 12)}, ${o.size} bytes` });
    } else {
      t.missing++;
      t.skipped.push({ path, reason: 'unreadable', detail: unreadableDetail(o.req.sha, o.skip) });
    }
    return;
  }
  const why = skipReason(o.data);
  if (why) {
    if (why === 'binary') t.binary++;
    else t.lfs++;
    t.skipped.push({ path, reason: why, detail: `blob ${o.req.sha.slice(0, 12)}` });
    return;
  }
  t.scanned++;
  t.bytes += o.size;
  const r = detectBlob(detector, { sha: o.req.sha, path, data: o.data }, limit);
  if (!r) return;
  if (r.capped) t.capped.push(`${path} (blob ${o.req.sha.slice(0, 12)})`);
  t.results.push({ sha: r.sha, findings: r.findings });
}

/** Re-attach the hidden secrets after a findings batch crossed a thread boundary. */
export function reviveFindings(r: BlobFindings): Finding[] {
  return r.findings.map(fromPortable);
}
