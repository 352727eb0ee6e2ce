/**
 * Detection on one blob, and the tally every pool job answers with (files and blobs alike).
 * Findings cross the thread boundary as plain data: the hidden plaintext secret and line text are
 * sent explicitly beside them and re-attached with `attachSecret` on the other side.
 */
import { fromPortable, toPortable, type Finding, type PortableFinding } from '../findings/finding.js';
import type { Detector } from '../detect/detector.js';
import { unreadableDetail, type BlobOutcome } from '../sources/git/blobs.js';
import { isUtf16, skipReason } from '../sources/decode-text.js';
import { binaryText, hidesBinary } from '../sources/binary-text.js';
import type { Skipped } from '../sources/source.js';
import { withLfsObject, type LfsPointer, type LfsRead } from '../sources/git/lfs.js';
import { bytesFragments } from '../sources/windows.js';
import { FindingsCap } from '../engine/findings-cap.js';

export interface BlobJob {
  sha: string;
  /** The path the blob was first seen at (path-scoped rules and allowlists see it). */
  path: string;
  data: Uint8Array;
}

/** The findings of one unit read by a lane: a blob (`unit` is its sha) or a file (its path). */
export interface UnitFindings {
  unit: string;
  findings: PortableFinding[];
}

/**
 * Detect in one blob; undefined when nothing was found (the common case: nothing to send back). With a
 * `limit` (findings per blob, see findings-cap.ts), the first `limit` are kept and `capped` says there
 * were more.
 */
export function detectBlob(detector: Detector, job: BlobJob, limit = 0): (UnitFindings & { capped?: boolean }) | undefined {
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
  return { unit: job.sha, findings: findings.map(toPortable), ...(capped ? { capped } : {}) };
}

/**
 * What happened to the units (files, blobs) a job read: plain data, summed across lanes. Every unit not
 * scanned is in `skipped` with its reason (too-large, unreadable, binary, lfs-pointer, ...).
 */
export interface Tally {
  scanned: number;
  bytes: number;
  skipped: Skipped[];
  results: UnitFindings[];
  /** Units with more findings than the limit (a file's path; `path (blob sha)` for a blob). */
  capped: string[];
}

export function emptyTally(): Tally {
  return { scanned: 0, bytes: 0, skipped: [], results: [], capped: [] };
}

export function addTally(into: Tally, t: Tally): void {
  into.scanned += t.scanned;
  into.bytes += t.bytes;
  for (const s of t.skipped) into.skipped.push(s);
  for (const r of t.results) into.results.push(r);
  for (const c of t.capped) into.capped.push(c);
}

/**
 * Count one blob read from git (skipped: why; otherwise scanned, with any findings). `lfs`: reads the
 * object an LFS pointer names (git/lfs.ts); a gate scans it in the pointer's place.
 */
export function tallyBlob(detector: Detector, o: BlobOutcome<unknown>, path: string, t: Tally, limit = 0, lfs?: (pointer: LfsPointer) => LfsRead): void {
  if (o.skip) {
    if (o.skip === 'too-large') {
      t.skipped.push({ path, reason: 'too-large', detail: `blob ${o.req.sha.slice(0, 12)}, ${o.size} bytes` });
    } else {
      t.skipped.push({ path, reason: 'unreadable', detail: unreadableDetail(o.req.sha, o.skip) });
    }
    return;
  }
  let why = skipReason(o.data);
  let data = o.data;
  let size = o.size;
  const obj = lfs && withLfsObject(o.data, lfs);
  if (obj) {
    if ('unread' in obj) {
      t.skipped.push({ path, reason: obj.tooLarge ? 'too-large' : 'lfs-object', detail: `blob ${o.req.sha.slice(0, 12)}: ${obj.unread}` });
      return;
    }
    data = obj.data;
    size = data.length;
    why = skipReason(data);
  }
  // Blobs are read by the git modes, which are gates: binary content is read for what it hides, not skipped.
  if (why === 'binary' || (why === undefined && hidesBinary(data))) {
    const bin = binaryText(data);
    if ('unscanned' in bin) {
      t.skipped.push({ path, reason: bin.tooLarge ? 'too-large' : 'encoding', detail: `blob ${o.req.sha.slice(0, 12)}: ${bin.unscanned}` });
      return;
    }
    data = Buffer.from(bin.text, 'utf8');
  } else if (why) {
    t.skipped.push({ path, reason: why, detail: `blob ${o.req.sha.slice(0, 12)}` });
    return;
  }
  t.scanned++;
  t.bytes += size;
  const r = detectBlob(detector, { sha: o.req.sha, path, data }, limit);
  if (!r) return;
  if (r.capped) t.capped.push(`${path} (blob ${o.req.sha.slice(0, 12)})`);
  t.results.push({ unit: r.unit, findings: r.findings });
}

/** Re-attach the hidden secrets after a findings batch crossed a thread boundary. */
export function reviveFindings(r: UnitFindings): Finding[] {
  return r.findings.map(fromPortable);
}
