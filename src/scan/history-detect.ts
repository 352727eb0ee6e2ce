/**
 * Detection on one blob, shared by the worker threads and the main thread (small scans run inline).
 * Findings cross the thread boundary as plain data: the hidden plaintext secret and line text are
 * sent explicitly beside them and re-attached with `attachSecret` on the other side.
 */
import { fromPortable, toPortable, type Finding, type PortableFinding } from '../findings/finding.js';
import type { Detector, DetectorOptions } from '../detect/detector.js';
import { bytesToText, isUtf16 } from '../sources/decode-text.js';

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

/** Detect in one blob; undefined when nothing was found (the common case: nothing to send back). */
export function detectBlob(detector: Detector, job: BlobJob): BlobFindings | undefined {
  // Most blobs hold no keyword at all: reject them on their bytes, before decoding.
  if (!isUtf16(job.data) && !detector.mayMatch(job.data, job.path)) return undefined;
  const text = bytesToText(job.data);
  const findings = detector.detect({ text, provenance: { kind: 'git-blob', path: job.path, blob: job.sha } });
  if (findings.length === 0) return undefined;
  return { sha: job.sha, findings: findings.map(toPortable) };
}

/** Re-attach the hidden secrets after a findings batch crossed a thread boundary. */
export function reviveFindings(r: BlobFindings): Finding[] {
  return r.findings.map(fromPortable);
}
