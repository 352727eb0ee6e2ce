/**
 * What refs publish beyond the commits they lead to, which runGitScan and the message pass do not read:
 * - their names: a branch `leak/ghp_…` or a tag `rel-AKIA…` is pushed, fetched and listed by every host
 *   with the repository. The scrub's `--refname-callback` rewrites them (scrub-callbacks.ts).
 * - a blob or tree a ref names directly (`git tag key <blob>`, a tag object of a tree): pushed and fetched
 *   with the ref, yet no commit reaches it, so filter-repo skips it ("Unexpected object of type blob") and
 *   the gate's check refuses it (exit 2). Each such object that holds a value is listed; the scrub deletes
 *   the refs that name it (scrub-commands.ts).
 * Found here so each value is reported (rotate) and written to the replacements file. Every ref is read:
 * remote-tracking ones are the shared repository's branches. Git runs without refs/replace, as the gate's.
 */
import { execFileSync } from 'node:child_process';
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import type { Finding, Provenance } from '../findings/finding.js';
import { findingsPerValue } from '../findings/per-value.js';
import type { RuleSpec } from '../rules/rule.js';
import { decodeText } from '../sources/decode-text.js';

const env = { ...process.env, GIT_NO_REPLACE_OBJECTS: '1' };
const gitOut = (root: string, args: string[], input?: string): Buffer =>
  execFileSync('git', args, { cwd: root, env, input, stdio: ['pipe', 'pipe', 'ignore'], maxBuffer: 1 << 30 });

/** One finding per value in ref names or in the blobs and trees refs name, whose value no other finding has (`known`). */
export function refFindings(root: string, rules: RuleSpec[], options: DetectorOptions, known: ReadonlySet<string>): Finding[] {
  let listing: string;
  try {
    listing = gitOut(root, ['for-each-ref', '--format=%(objectname) %(refname)']).toString('utf8');
  } catch {
    return []; // no refs to read (not a repository: the history scan says so)
  }
  const found = findingsPerValue(createDetector(rules, options), known);
  for (const line of listing.split('\n')) {
    const m = /^([0-9a-f]{40,64}) (.+)$/.exec(line);
    if (m) found.read(m[2]!, { kind: 'git-blob', path: '(ref name)', commit: m[1]! });
  }
  for (const [id, type] of nonCommitRefObjects(root)) {
    for (const b of refObjectBlobs(root, id, type)) {
      const d = decodeText(b.data);
      if ('text' in d) found.read(d.text, { kind: 'git-blob', path: `(ref to a ${type})${b.path ? ` ${b.path}` : ''}`, commit: id });
    }
  }
  return found.findings();
}

/** The refs that name a blob or a tree directly (peeled through any tag objects): each object id once, with its type. */
export function nonCommitRefObjects(root: string): Map<string, 'blob' | 'tree'> {
  const objects = new Map<string, 'blob' | 'tree'>();
  try {
    const ids = gitOut(root, ['for-each-ref', '--format=%(objectname)']).toString('utf8').split('\n').filter(Boolean);
    if (ids.length === 0) return objects;
    const peeled = gitOut(root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], ids.map((id) => `${id}^{}\n`).join('')).toString('utf8');
    for (const line of peeled.split('\n')) {
      const [id, type] = line.split(' ');
      if (id && (type === 'blob' || type === 'tree')) objects.set(id, type);
    }
  } catch {
    // no refs to read
  }
  return objects;
}

/** The bytes of a blob a ref names, or of each blob of a tree (with its path). */
export function refObjectBlobs(root: string, id: string, type: 'blob' | 'tree'): Array<{ path: string; data: Buffer }> {
  const blobs = type === 'blob' ? [{ id, path: '' }] : treeBlobs(root, id);
  return blobs.map((b) => ({ path: b.path, data: gitOut(root, ['cat-file', 'blob', b.id]) }));
}

function treeBlobs(root: string, tree: string): Array<{ id: string; path: string }> {
  const out: Array<{ id: string; path: string }> = [];
  for (const entry of gitOut(root, ['ls-tree', '-r', '-z', tree]).toString('utf8').split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (m) out.push({ id: m[1]!, path: m[2]! });
  }
  return out;
}
