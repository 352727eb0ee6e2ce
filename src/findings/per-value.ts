/**
 * One finding per value (fingerprint) over many small texts (commit messages, headers, ref names): the
 * first place it was read is where it is reported, every place is in `seen.places`, none is at HEAD.
 */
import type { Detector } from '../detect/detector.js';
import type { Finding, Provenance } from './finding.js';

export interface PerValueFindings {
  read(text: string, prov: Provenance): void;
  findings(): Finding[];
}

/** Values in `known` (already found elsewhere) and findings `keep` refuses are left out. */
export function findingsPerValue(detector: Detector, known: ReadonlySet<string>, keep?: (f: Finding) => boolean): PerValueFindings {
  const byFingerprint = new Map<string, Finding>();
  return {
    read(text, prov) {
      for (const f of detector.detect({ text, provenance: prov })) {
        if (known.has(f.fingerprint) || (keep && !keep(f))) continue;
        const had = byFingerprint.get(f.fingerprint);
        if (had) {
          had.seen!.places.push(prov);
          continue;
        }
        f.seen = { at: prov, places: [prov], presentAtHead: false };
        byFingerprint.set(f.fingerprint, f);
      }
    },
    findings: () => [...byFingerprint.values()],
  };
}
