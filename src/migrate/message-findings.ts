/**
 * Values in commit and annotated-tag messages ("remove token ghp_…" pasted into a message): the history
 * scan reads files only, yet a message is in every clone too. Found here so they are reported (rotate) and
 * written to the replacements file, which the scrub also gives to `--replace-message`.
 * Branch and tag names are not read (filter-repo cannot rewrite them from a replacements file either).
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import type { Finding, Provenance } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';

interface Message {
  text: string;
  commit: string;
  place: string;
}

/** Records of git's output, split on \x01, read as they come (a large history's messages do not fit one buffer). */
async function records(root: string, args: string[], each: (rec: string) => void): Promise<void> {
  const proc = spawn('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  const done = new Promise<number>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve(code ?? 1));
  });
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
    const parts = (rest + decoder.write(chunk)).split('\x01');
    rest = parts.pop()!;
    for (const p of parts) each(p);
  }
  each(rest + decoder.end());
  if ((await done) !== 0) throw new Error(`git ${args[0]} failed`);
}

/** Each message with where it is: commits of every ref, then annotated tags. */
async function eachMessage(root: string, each: (m: Message) => void): Promise<void> {
  await records(root, ['log', '--all', '--no-color', '--format=%x01%H%x00%B'], (rec) => {
    const z = rec.indexOf('\0');
    if (z > 0) each({ commit: rec.slice(0, z), text: rec.slice(z + 1), place: 'commit message' });
  });
  await records(root, ['for-each-ref', 'refs/tags', '--format=%01%(objecttype)%00%(objectname)%00%(refname:short)%00%(contents)'], (rec) => {
    const [type, id, name, ...text] = rec.split('\0');
    if (type === 'tag' && id && name !== undefined) each({ commit: id, text: text.join('\0'), place: `message of tag ${name}` });
  });
}

/** Findings in messages whose values no file finding already has (those are scrubbed from messages too). */
export async function messageFindings(root: string, rules: RuleSpec[], options: DetectorOptions, known: ReadonlySet<string>): Promise<Finding[]> {
  const detector = createDetector(rules, options);
  const byFingerprint = new Map<string, Finding>();
  const scan = (m: Message) => {
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
  };
  // A repository git cannot list the messages of (none of the history scan's concern) has none to read here.
  await eachMessage(root, scan).catch(() => undefined);
  return [...byFingerprint.values()];
}
