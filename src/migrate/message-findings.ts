/**
 * Values in commit and annotated-tag messages ("remove token ghp_…" pasted into a message): the history
 * scan reads files only, yet a message is in every clone too. Found here so they are reported (rotate) and
 * written to the replacements file, which the scrub also gives to `--replace-message`.
 * Branch and tag names are not read (filter-repo cannot rewrite them from a replacements file either).
 */
import { execFileSync } from 'node:child_process';
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import type { Finding, Provenance } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';

/** Messages larger than this in total are not read (a history that large is read by the file scan only). */
const MAX_BYTES = 256 * 1024 * 1024;

function gitText(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: MAX_BYTES }).toString('utf8');
}

/** Each message with where it is: commits of every ref, then annotated tags. */
function messages(root: string): Array<{ text: string; commit: string; place: string }> {
  const out: Array<{ text: string; commit: string; place: string }> = [];
  for (const rec of gitText(root, ['log', '--all', '--no-color', '--format=%x01%H%x00%B']).split('\x01')) {
    const z = rec.indexOf('\0');
    if (z > 0) out.push({ commit: rec.slice(0, z), text: rec.slice(z + 1), place: 'commit message' });
  }
  const tags = gitText(root, ['for-each-ref', 'refs/tags', '--format=%01%(objecttype)%00%(objectname)%00%(refname:short)%00%(contents)']);
  for (const rec of tags.split('\x01')) {
    const [type, id, name, ...text] = rec.split('\0');
    if (type === 'tag' && id && name !== undefined) out.push({ commit: id, text: text.join('\0'), place: `message of tag ${name}` });
  }
  return out;
}

/** Findings in messages whose values no file finding already has (those are scrubbed from messages too). */
export function messageFindings(root: string, rules: RuleSpec[], options: DetectorOptions, known: ReadonlySet<string>): Finding[] {
  let all: ReturnType<typeof messages>;
  try {
    all = messages(root);
  } catch {
    return [];
  }
  const detector = createDetector(rules, options);
  const byFingerprint = new Map<string, Finding>();
  for (const m of all) {
    const prov: Provenance = { kind: 'git-blob', path: `(${m.place})`, commit: m.commit };
    for (const f of detector.detect({ text: m.text, provenance: prov })) {
      if (known.has(f.fingerprint)) continue;
      const had = byFingerprint.get(f.fingerprint);
      if (had) {
        had.seen!.places.push(prov);
        continue;
      }
      f.seen = { at: prov, places: [prov], presentAtHead: false };
      byFingerprint.set(f.fingerprint, f);
    }
  }
  return [...byFingerprint.values()];
}
