/**
 * Commit and annotated-tag messages as text to scan. A message is pushed and cloned with its commit, so a
 * token pasted into one ("remove token ghp_…") is as public as one in a file. Read by `scan --history /
 * --range / --ci` (scan/message-scan.ts) and by migrate (migrate/message-findings.ts), streamed: a large
 * history's messages do not fit one buffer.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { createDetector, type DetectorOptions } from '../../detect/detector.js';
import type { Finding, Provenance } from '../../findings/finding.js';
import type { RuleSpec } from '../../rules/rule.js';

export interface Message {
  text: string;
  /** The commit, or the tag object's id. */
  commit: string;
  /** `commit message` or `message of tag NAME`: the finding's file is this in parentheses. */
  place: string;
}

/** Records of git's output, split on \x01, read as they come; rejects when git fails. */
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

const COMMIT_HEAD = /^[0-9a-f]{40}(?:[0-9a-f]{24})?\0/;
const TAG_HEAD = /^(\w+)\0([0-9a-f]{40}(?:[0-9a-f]{24})?)\0([^\0]*)\0/;

/**
 * Records split on \x01, which a message may hold too: a piece that does not start as a record does (an id
 * then NUL) is the rest of the message before it, so text after a \x01 in a message is not dropped.
 */
function framed(head: RegExp, each: (head: RegExpExecArray, text: string) => void): { rec: (r: string) => void; end: () => void } {
  let cur: { m: RegExpExecArray; text: string } | undefined;
  return {
    rec: (r) => {
      const m = head.exec(r);
      if (m) {
        if (cur) each(cur.m, cur.text);
        cur = { m, text: r.slice(m[0].length) };
      } else if (cur) cur.text += '\x01' + r;
    },
    end: () => cur && each(cur.m, cur.text),
  };
}

/** Each message of the commits `revArgs` select (git log order), then, with `tags`, of every annotated tag. */
export async function eachMessage(root: string, revArgs: string[], tags: boolean, each: (m: Message) => void): Promise<void> {
  const commits = framed(COMMIT_HEAD, (m, text) => each({ commit: m[0].slice(0, -1), text, place: 'commit message' }));
  await records(root, ['log', '--no-color', '--format=%x01%H%x00%B', ...revArgs, '--'], commits.rec);
  commits.end();
  if (!tags) return;
  const tagged = framed(TAG_HEAD, (m, text) => {
    if (m[1] === 'tag') each({ commit: m[2]!, text, place: `message of tag ${m[3]}` });
  });
  await records(root, ['for-each-ref', 'refs/tags', '--format=%01%(objecttype)%00%(objectname)%00%(refname:short)%00%(contents)'], tagged.rec);
  tagged.end();
}

export interface MessageScan {
  root: string;
  revArgs: string[];
  tags: boolean;
  rules: RuleSpec[];
  options: DetectorOptions;
  /** Fingerprints already found elsewhere (in files): not reported again. */
  known: ReadonlySet<string>;
  /** Which findings to keep (default all). */
  keep?: (f: Finding) => boolean;
}

/** One finding per secret found in the messages; `seen.places` lists every message that held it (log order). */
export async function scanMessages(s: MessageScan): Promise<Finding[]> {
  const detector = createDetector(s.rules, s.options);
  const byFingerprint = new Map<string, Finding>();
  await eachMessage(s.root, s.revArgs, s.tags, (m) => {
    const prov: Provenance = { kind: 'git-blob', path: `(${m.place})`, commit: m.commit };
    for (const f of detector.detect({ text: m.text, provenance: prov })) {
      if (s.known.has(f.fingerprint) || (s.keep && !s.keep(f))) continue;
      const had = byFingerprint.get(f.fingerprint);
      if (had) {
        had.seen!.places.push(prov);
        continue;
      }
      f.seen = { at: prov, places: [prov], presentAtHead: false };
      byFingerprint.set(f.fingerprint, f);
    }
  });
  return [...byFingerprint.values()];
}
