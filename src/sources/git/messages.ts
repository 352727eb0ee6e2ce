/**
 * Commit and annotated-tag messages as text to scan. A message is pushed and cloned with its commit, so a
 * token pasted into one ("remove token ghp_…") is as public as one in a file. Read by `scan --history /
 * --range / --ci` (scan/message-scan.ts) and by migrate (migrate/message-findings.ts), streamed: a large
 * history's messages do not fit one buffer.
 */
import { StringDecoder } from 'node:string_decoder';
import { createDetector, type DetectorOptions } from '../../detect/detector.js';
import type { Finding, Provenance } from '../../findings/finding.js';
import { findingsPerValue } from '../../findings/per-value.js';
import type { RuleSpec } from '../../rules/rule.js';
import { runGit, spawnGit } from './run.js';

export interface Message {
  text: string;
  /** The commit, or the tag object's id. */
  commit: string;
  /** `commit message` or `message of tag NAME`: the finding's file is this in parentheses. */
  place: string;
}

/**
 * Records of git's output, split on \x01, read as they come; rejects when git fails. Git runs as for every
 * other scan (run.ts): without `refs/replace/*` or grafts, which would show another commit's message.
 */
async function records(root: string, args: string[], each: (rec: string) => void): Promise<void> {
  const proc = spawnGit(root, args);
  proc.stdin.end();
  proc.stderr.resume();
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

/**
 * Each message of the commits `revArgs` select (git log order), then, with `headers`, each commit's header
 * lines, then, with `tags`, the message of every annotated tag.
 */
export async function eachMessage(root: string, revArgs: string[], tags: boolean, each: (m: Message) => void, headers = false, tagNames: readonly string[] = []): Promise<void> {
  const ids: string[] = [];
  const commits = framed(COMMIT_HEAD, (m, text) => {
    const commit = m[0].slice(0, -1);
    if (headers) ids.push(commit);
    each({ commit, text, place: 'commit message' });
  });
  await records(root, ['log', '--no-color', '--format=%x01%H%x00%B', ...revArgs, '--'], commits.rec);
  commits.end();
  if (headers) await eachHeader(root, ids, each);
  const seenTags = new Set<string>();
  for (const name of tagNames) await eachTagObject(root, name, seenTags, each);
  if (!tags) return;
  const tagged = framed(TAG_HEAD, (m, text) => {
    if (m[1] === 'tag') each({ commit: m[2]!, text, place: `message of tag ${m[3]}` });
  });
  // The tagger after the message (its line numbers stay the message's): a token as the tagger's name is pushed too.
  await records(root, ['for-each-ref', 'refs/tags', '--format=%01%(objecttype)%00%(objectname)%00%(refname:short)%00%(contents)%0atagger %(taggername) %(taggeremail)'], tagged.rec);
  tagged.end();
}

/**
 * The header of each commit as stored: author and committer (name, email), and every other line a commit
 * object may carry (`encoding`, `gpgsig`, `mergetag`: a whole tag object, or a header of any name that
 * `git hash-object -t commit` accepts and a push keeps). A token written as the author's name or email,
 * or in a header no format placeholder shows, is pushed and cloned with the commit. `tree` and `parent`
 * lines are blanked (ids, nothing else); line numbers are the header's. A message stored under another
 * `encoding` is read as stored as well.
 */
async function eachHeader(root: string, ids: readonly string[], each: (m: Message) => void): Promise<void> {
  if (ids.length === 0) return;
  const proc = spawnGit(root, ['cat-file', '--batch']);
  proc.stderr.resume();
  const done = new Promise<number>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve(code ?? 1));
  });
  // Written as read: a pipe holds only so much, and git answers in order.
  void (async () => {
    for (const id of ids) if (!proc.stdin.write(id + '\n')) await new Promise((r) => proc.stdin.once('drain', r));
    proc.stdin.end();
  })();
  let buf: Buffer = Buffer.alloc(0);
  let at = 0;
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) break;
      const m = /^([0-9a-f]+) commit (\d+)$/.exec(buf.toString('latin1', 0, nl));
      if (!m) throw new Error(`git cat-file: unexpected output for ${ids[at] ?? 'a commit'}`);
      const size = Number(m[2]);
      if (buf.length < nl + 1 + size + 1) break;
      const body = buf.subarray(nl + 1, nl + 1 + size);
      const end = body.indexOf('\n\n');
      const text = body
        .toString('utf8', 0, end < 0 ? body.length : end)
        .split('\n')
        .map((l) => (/^(?:tree|parent) [0-9a-f]+$/.test(l) ? '' : l))
        .join('\n');
      each({ commit: m[1]!, text, place: 'commit header' });
      // `%B` is the message re-encoded from the commit's `encoding` to UTF-8: an ASCII message under
      // `encoding UTF-16LE` comes out as other characters (or nothing), while the stored bytes, which
      // every clone holds, read as written. Such a message is read as stored too.
      const enc = /^encoding (.*)$/m.exec(text)?.[1]?.trim().toLowerCase();
      if (end >= 0 && enc !== undefined && enc !== 'utf-8' && enc !== 'utf8') {
        const stored = body.subarray(end + 2);
        each({ commit: m[1]!, text: stored.toString('utf8'), place: 'commit message' });
        // And decoded as declared: git cuts a UTF-16 message at its first NUL when it re-encodes, and its
        // bytes read as UTF-8 put a NUL between every letter of a token.
        const declared = declaredText(stored, enc);
        if (declared !== undefined) each({ commit: m[1]!, text: declared, place: 'commit message' });
      }
      at++;
      buf = buf.subarray(nl + 1 + size + 1);
    }
  }
  if ((await done) !== 0 || at !== ids.length) throw new Error('git cat-file failed');
}

/** `bytes` decoded as the commit's `encoding` header says, when Node knows that encoding (else undefined). */
function declaredText(bytes: Buffer, encoding: string): string | undefined {
  try {
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The annotated tag objects `name` leads to (a tag of a tag, …), each read whole: its header (the tagger's
 * name and email, any other line) and message. A range whose head is a tag (`--range main..v2`, `--ci` on
 * the push of a tag, whose `after` is the tag object) pushes that object with the commits; only a whole
 * `--history` read tag messages before. `object` lines are blanked; line numbers are the object's.
 */
async function eachTagObject(root: string, name: string, seen: Set<string>, each: (m: Message) => void): Promise<void> {
  if (name.startsWith('-') || /[\0\n]/.test(name)) return;
  const first = await runGit(root, ['rev-parse', '-q', '--verify', '--end-of-options', name]);
  let id = first.code === 0 ? first.stdout.toString('utf8').trim() : '';
  for (let depth = 0; /^[0-9a-f]{40,64}$/.test(id) && depth < 32 && !seen.has(id); depth++) {
    seen.add(id);
    const type = await runGit(root, ['cat-file', '-t', id]);
    if (type.code !== 0 || type.stdout.toString('utf8').trim() !== 'tag') return;
    const raw = await runGit(root, ['cat-file', 'tag', id]);
    if (raw.code !== 0) throw new Error(`git cat-file tag ${id} failed`);
    const text = raw.stdout.toString('utf8');
    const tagName = /^tag (.*)$/m.exec(text)?.[1] ?? id.slice(0, 12);
    const next = /^object ([0-9a-f]+)$/m.exec(text)?.[1] ?? '';
    each({ commit: id, text: text.replace(/^object [0-9a-f]+$/m, ''), place: `tag ${tagName}` });
    id = next;
  }
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
  /** Also each commit's header lines (author, committer, other headers); the scan's, not migrate's (which rewrites messages only). */
  headers?: boolean;
  /** Revisions that may name annotated tags pushed with the scanned commits (a range's head): read whole. */
  tagNames?: readonly string[];
  /** Texts from elsewhere that become a message (a request's title: a squash merge's message), read last. */
  extra?: readonly Message[];
}

/** One finding per secret found in the messages; `seen.places` lists every message that held it (log order). */
export async function scanMessages(s: MessageScan): Promise<Finding[]> {
  const found = findingsPerValue(createDetector(s.rules, s.options), s.known, s.keep);
  const read = (m: Message) => found.read(m.text, { kind: 'git-blob', path: `(${m.place})`, commit: m.commit });
  await eachMessage(s.root, s.revArgs, s.tags, read, s.headers, s.tagNames);
  for (const m of s.extra ?? []) read(m);
  return found.findings();
}
