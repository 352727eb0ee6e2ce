/**
 * A limit on findings per file. A generated or dumped file can hold a million credential-shaped strings;
 * kept, they cost gigabytes (each finding carries its secret and line) and bury the report, and making
 * them costs tens of microseconds each. So the detector is asked for at most N + 1 per rule
 * (`detectUpTo`), the first N of the file are kept, the rest of the file is not detected any more, and
 * the file is named in a note and a warning so the user knows the report is incomplete and can raise N.
 * Findings of a file arrive in file order (windows in order, each window's findings by offset), so the
 * ones kept are the first N by position: the same ones on every run. (Exactly the first N, unless one
 * finding swallows more than N of another rule's before it, which `complete` then reports as capped.)
 * Precedent: Google Cloud DLP's `max_findings_per_item`.
 */
import type { Detector } from '../detect/detector.js';
import { attachSecret, lineTextOf, secretOf, type Finding } from '../findings/finding.js';
import type { Fragment, SourceStats } from '../sources/source.js';

/** Default for --max-findings-per-file (config `max_findings_per_file`); 0 means no limit. */
export const DEFAULT_MAX_FINDINGS_PER_FILE = 1000;

export class FindingsCap {
  private readonly counts = new Map<string, number>();
  private readonly over: string[] = [];

  /** `limit` 0 or undefined: no limit. */
  constructor(private readonly limit: number | undefined) {}

  /** Detect in one fragment of `path` and push onto `into` the findings still within the limit. */
  detect(detector: Detector, fragment: Fragment, into: Finding[]): void {
    const path = fragment.provenance.path;
    if (!this.limit) {
      for (const f of detector.detect(fragment)) into.push(detach(f));
      return;
    }
    const had = this.counts.get(path) ?? 0;
    // Past the limit the rest of the file (its later windows) is not worth detecting: nothing would be kept.
    if (had > this.limit) return;
    const room = this.limit - had;
    // One more than there is room for, so that a file with more findings than the limit is known to have.
    const r = detector.detectUpTo(fragment, room + 1);
    // Baselined findings ride along (the scan drops and counts them) without using the room.
    const findings = r.findings.filter((f) => !f.baselined);
    for (const f of r.findings) if (f.baselined) into.push(detach(f));
    for (let i = 0; i < findings.length && i < room; i++) into.push(detach(findings[i]!));
    const total = had + (r.complete ? findings.length : Math.max(findings.length, room + 1));
    if (total > this.limit) this.over.push(path);
    this.counts.set(path, total);
  }

  /** True when `path` is past the limit (its remaining fragments need not be read). */
  full(path: string): boolean {
    return this.limit !== undefined && this.limit > 0 && (this.counts.get(path) ?? 0) > this.limit;
  }

  /** Files that had more findings than the limit. */
  get capped(): string[] {
    return this.over;
  }
}

/** Name the capped files (or blobs) in the stats and their notes, in a stable order. */
export function noteCapped(stats: SourceStats, capped: string[], limit: number): void {
  if (capped.length === 0) return;
  capped.sort();
  stats.findingsCapped = capped;
  for (const path of capped) stats.notes.push(capNote(path, limit));
}

export function capNote(path: string, limit: number): string {
  return `more than ${limit} findings in ${path}; only the first ${limit} reported (raise with --max-findings-per-file, 0 for no limit)`;
}

/**
 * A string that does not keep alive the text it was sliced from. V8 makes a slice of 13 or more characters
 * a view into its parent: a finding's secret, line and key would otherwise pin the whole file, or the
 * whole window, they were found in until the report is written (hundreds of MB for a large file).
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** The finding with its secret, line text and key copied out of the scanned text. */
function detach(f: Finding): Finding {
  const line = lineTextOf(f);
  attachSecret(f, own(secretOf(f)), line === undefined ? undefined : own(line));
  if (f.key !== undefined) f.key = own(f.key);
  return f;
}
