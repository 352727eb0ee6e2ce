/**
 * Values in ref names: a branch `leak/ghp_…` or a tag `rel-AKIA…` is pushed, fetched and listed by every
 * host with the repository, yet no file, message or header holds it. Found here so the value is reported
 * (rotate) and written to the replacements file, which the scrub's `--refname-callback` applies to ref
 * names (scrub-callbacks.ts). Every ref is read: remote-tracking ones are the shared repository's branches.
 */
import { execFileSync } from 'node:child_process';
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import type { Finding, Provenance } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';

/** One finding per value found in ref names whose value no other finding has (`known`); its commit is the ref's object. */
export function refNameFindings(root: string, rules: RuleSpec[], options: DetectorOptions, known: ReadonlySet<string>): Finding[] {
  let listing: string;
  try {
    listing = execFileSync('git', ['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }).toString('utf8');
  } catch {
    return []; // no refs to read (not a repository: the history scan says so)
  }
  const detector = createDetector(rules, options);
  const byFingerprint = new Map<string, Finding>();
  for (const line of listing.split('\n')) {
    const m = /^([0-9a-f]{40,64}) (.+)$/.exec(line);
    if (!m) continue;
    const prov: Provenance = { kind: 'git-blob', path: '(ref name)', commit: m[1]! };
    for (const f of detector.detect({ text: m[2]!, provenance: prov })) {
      if (known.has(f.fingerprint)) continue;
      const had = byFingerprint.get(f.fingerprint);
      if (had) had.seen!.places.push(prov);
      else byFingerprint.set(f.fingerprint, Object.assign(f, { seen: { at: prov, places: [prov], presentAtHead: false } }));
    }
  }
  return [...byFingerprint.values()];
}
