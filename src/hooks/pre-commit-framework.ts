/**
 * The pre-commit framework (https://pre-commit.com): one `repo: local` entry in `.pre-commit-config.yaml`.
 *
 * The file is parsed with the `yaml` Document API (to find `repos:` and its indentation, and to check the
 * result), but the edit itself is a text insertion of whole lines between marker comments, so every other
 * byte of the user's file (comments, quoting, spacing) stays as it was, and uninstall restores it exactly.
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isMap, isNode, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { yamlMessage } from '../findings/redact.js';
import { SweepError } from '../errors.js';
import { beginLine, END, findBlock, hookSnippet, isDir, removeBlock, type Block, type HookInstaller, type InstallOptions, type RepoContext } from './installer.js';

export const CONFIG_FILE = '.pre-commit-config.yaml';
export const HOOK_ID = 'secret-sweep';
export const MESSAGE_HOOK_ID = 'secret-sweep-commit-msg';
/** `pre-commit install` installs these hook types (the commit-msg one runs only when git calls pre-commit for it). */
const CREATED_HEADER = '# pre-commit framework hooks (https://pre-commit.com): run `pre-commit install` once per clone.\ndefault_install_hook_types: [pre-commit, commit-msg]\nrepos:\n';
/** What versions before the commit-msg hook created (uninstall still removes such a file). */
const OLD_CREATED_HEADER = '# pre-commit framework hooks (https://pre-commit.com): run `pre-commit install` once per clone.\nrepos:\n';

/** Where the staged scan runs: commits and merge commits (not pre-push: the index is not what is pushed). */
export const STAGED_SCAN_STAGES = ['commit', 'merge-commit', 'manual'] as const;

/** The hook entry: `sh -c SNIPPET` runs the same script the git and husky hooks run. */
export function hookEntry(opts: Pick<InstallOptions, 'command'>): Record<string, unknown> {
  return {
    repo: 'local',
    hooks: [
      {
        id: HOOK_ID,
        name: 'secret-sweep (credentials in staged changes)',
        entry: 'sh',
        args: ['-c', hookSnippet(opts.command), 'secret-sweep-hook'],
        language: 'system',
        pass_filenames: false,
        require_serial: true,
        // Run whatever files are staged: pre-commit skips a hook when no staged file matches its filters
        // (`types: [file]` leaves out a symlink, whose target text was a token: round 8, docs/gate.md).
        always_run: true,
        // Without `stages`, pre-commit runs a hook at every hook type installed: the commit-msg one too,
        // so each commit scanned the index twice. The pre-3.2 names work on every pre-commit from 2.9.2 to
        // 4.x (3.2+ map them and warn); the new ones fail before 3.2 (docs/ci-and-hooks.md).
        stages: [...STAGED_SCAN_STAGES],
      },
      {
        // The message file is the one file pre-commit passes at this stage ($1 of the script).
        id: MESSAGE_HOOK_ID,
        name: 'secret-sweep (credentials in the commit message)',
        entry: 'sh',
        args: ['-c', hookSnippet(opts.command, 'commit-msg'), 'secret-sweep-hook'],
        language: 'system',
        stages: ['commit-msg'],
        require_serial: true,
        always_run: true,
      },
    ],
  };
}

/** The `- repo: local` item as lines indented to `indent`. */
function entryLines(indent: string, opts: Pick<InstallOptions, 'command'>): string {
  const item = new Document([hookEntry(opts)]).toString({ lineWidth: 0 });
  return item.replace(/\n$/, '').split('\n').map((l) => (l === '' ? '' : indent + l)).join('\n') + '\n';
}

/** The block of lines: marker, the `- repo: local` item indented to `indent`, marker. */
export function entryBlock(origin: 'inserted' | 'created', indent: string, opts: Pick<InstallOptions, 'command'>): string {
  return indent + beginLine(origin) + entryLines(indent, opts) + indent + END + '\n';
}

/** In a `converted` block, each line that `hook install` replaced, so uninstall can put it back. */
const KEPT = '#= ';

/**
 * A flow-style `repos: [...]` (`repos: []` above all) cannot take a block item: the `repos:` lines are
 * rewritten as a block list (each item's own text, then ours) inside the markers, with the original lines
 * kept there as `#= ` comments. Undefined when the layout is not the simple one this handles.
 */
function convertFlowRepos(text: string, doc: Document.Parsed, opts: Pick<InstallOptions, 'command'>): string | undefined {
  const map = doc.contents;
  if (!isMap(map) || map.flow) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === 'repos');
  const key = pair?.key as Node | undefined;
  const seq = pair?.value;
  if (!key?.range || !isSeq(seq) || !seq.flow || !seq.range) return undefined;
  const start = key.range[0];
  if (start > 0 && text[start - 1] !== '\n') return undefined;
  const nl = text.indexOf('\n', seq.range[1]);
  const end = nl < 0 ? text.length : nl + 1;
  // Only a comment may follow the closing bracket on its line (it stays in the kept lines).
  if (!/^[ \t]*(#.*)?\n?$/.test(text.slice(seq.range[1], end))) return undefined;
  const items: string[] = [];
  for (const it of seq.items) {
    if (!isNode(it) || !it.range) return undefined;
    // A flow item's continuation lines only need to be indented past the `-`.
    items.push('  - ' + text.slice(it.range[0], it.range[1]).replace(/\n/g, '\n    ') + '\n');
  }
  const original = text.slice(start, end);
  const kept = original.replace(/\n$/, '').split('\n').map((l) => KEPT + l + '\n').join('');
  const block = beginLine('converted') + kept + 'repos:\n' + items.join('') + entryLines('  ', opts) + END + (original.endsWith('\n') ? '\n' : '');
  return text.slice(0, start) + block + text.slice(end);
}

/** The file as it was before a `converted` install; refuses when the list was edited since. */
function restoreConverted(text: string, b: Block): string {
  const body = text.slice(b.start, b.end);
  const kept = body.split('\n').filter((l) => l.startsWith(KEPT)).map((l) => l.slice(KEPT.length));
  const restored = text.slice(0, b.start) + kept.join('\n') + (body.endsWith('\n') ? '\n' : '') + text.slice(b.end);
  const now = (parseDocument(text).toJS() as { repos?: unknown } | null)?.repos;
  const was = (parseDocument(restored).toJS() as { repos?: unknown } | null)?.repos;
  const last = Array.isArray(now) ? (now[now.length - 1] as { repo?: unknown } | undefined) : undefined;
  if (!Array.isArray(now) || last?.repo !== 'local' || JSON.stringify(now.slice(0, -1)) !== JSON.stringify(was))
    throw new SweepError('the `repos:` list that `hook install` rewrote was edited since; not changed; remove the secret-sweep entry and the marker and `#= ` lines by hand', CONFIG_FILE);
  return restored;
}

function configPath(repo: RepoContext): string {
  return join(repo.top, CONFIG_FILE);
}

function parse(text: string) {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const err = doc.errors[0];
  // The parser may quote the faulty line, which may hold a credential: quoted through yamlMessage.
  if (err) throw new SweepError(`not valid YAML: ${yamlMessage(err.message, text)}`, `${CONFIG_FILE}:${err.linePos?.[0].line ?? 1}`);
  return doc;
}

/** The hooks with our id in the parsed config (ours or someone else's remote entry). */
function hookIds(doc: ReturnType<typeof parseDocument>): string[] {
  const repos = doc.toJS()?.repos;
  if (!Array.isArray(repos)) return [];
  return repos.flatMap((r: { hooks?: Array<{ id?: unknown }> }) => (Array.isArray(r?.hooks) ? r.hooks.map((h) => String(h?.id)) : []));
}

/** Where to insert: after the last content line of the last `repos` item; and the `-` indentation. */
function insertionPoint(text: string, seq: Node & { items: unknown[]; range?: [number, number, number] | null }): { at: number; indent: string } | undefined {
  if (!seq.range || seq.items.length === 0) return undefined;
  const lineStart = text.lastIndexOf('\n', seq.range[0] - 1) + 1;
  const indent = text.slice(lineStart, seq.range[0]);
  if (!/^ *$/.test(indent)) return undefined;
  const last = seq.items[seq.items.length - 1] as Node;
  if (!last.range) return undefined;
  // The item's range runs on over trailing blank and comment lines: stop after its last content line.
  const lines = text.slice(last.range[0], last.range[1]).split(/(?<=\n)/);
  while (lines.length > 1 && /^\s*(#.*)?\s*$/.test(lines[lines.length - 1]!)) lines.pop();
  const at = last.range[0] + lines.join('').length;
  if (at > text.length || (at < text.length && text[at - 1] !== '\n') || (at === text.length && !text.endsWith('\n'))) return undefined;
  return { at, indent };
}

/** The config with our entry added after the last repo (or the flow list converted); checked by parsing. */
function withEntry(text: string, opts: Pick<InstallOptions, 'command'>): string {
  const doc = parse(text);
  if (!isMap(doc.contents)) throw new SweepError(`expected a mapping with \`repos:\`; not changed; ${manual()}`, CONFIG_FILE);
  const seq = doc.contents.get('repos', true);
  const point = isSeq(seq) && !seq.flow ? insertionPoint(text, seq as never) : undefined;
  const next = point
    ? text.slice(0, point.at) + entryBlock('inserted', point.indent, opts) + text.slice(point.at)
    : isSeq(seq) && seq.flow ? convertFlowRepos(text, doc, opts) : undefined;
  if (next === undefined) throw new SweepError(`\`repos:\` is not a list laid out so that it can be extended safely; not changed; ${manual()}`, CONFIG_FILE);
  // Check the edit: the whole document unchanged except our entry appended to `repos`.
  const before = doc.toJS() as { repos: unknown[] };
  const expected = { ...before, repos: [...before.repos, hookEntry(opts)] };
  if (JSON.stringify(parseDocument(next).toJS()) !== JSON.stringify(expected))
    throw new SweepError(`could not add the entry without changing others; not changed; ${manual()}`, CONFIG_FILE);
  return next;
}

function manual(): string {
  return 'add the `repo: local` entry by hand (see docs/ci-and-hooks.md, "pre-commit framework")';
}

export const preCommitInstaller: HookInstaller = {
  kind: 'pre-commit',
  detect: (repo) => existsSync(configPath(repo)) && !isDir(configPath(repo)),
  installed: (repo) => existsSync(configPath(repo)) && findBlock(readFileSync(configPath(repo), 'utf8')) !== undefined,
  install(repo, opts) {
    const file = configPath(repo);
    const note = 'run `pre-commit install --hook-type pre-commit --hook-type commit-msg` once per clone so git calls pre-commit for both (and `pre-commit run secret-sweep` to try it)';
    if (!existsSync(file)) {
      writeFileSync(file, CREATED_HEADER + entryBlock('created', '  ', opts));
      return { changed: true, messages: [`created ${CONFIG_FILE} with a secret-sweep hook`, note] };
    }
    const text = readFileSync(file, 'utf8');
    const b = findBlock(text);
    if (b?.origin === 'converted') {
      const updated = withEntry(restoreConverted(text, b), opts);
      if (updated === text) return { changed: false, messages: [`already installed in ${CONFIG_FILE}`] };
      writeFileSync(file, updated);
      return { changed: true, messages: [`updated the secret-sweep entry in ${CONFIG_FILE}`] };
    }
    if (b) {
      const indent = /^[ \t]*/.exec(text.slice(b.start))![0];
      const updated = text.slice(0, b.start) + entryBlock(b.origin === 'created' ? 'created' : 'inserted', indent, opts) + text.slice(b.end);
      if (updated === text) return { changed: false, messages: [`already installed in ${CONFIG_FILE}`] };
      writeFileSync(file, updated);
      return { changed: true, messages: [`updated the secret-sweep entry in ${CONFIG_FILE}`] };
    }
    if (hookIds(parse(text)).includes(HOOK_ID) && !opts.force)
      return { changed: false, messages: [`${CONFIG_FILE} already has a hook with id ${HOOK_ID}: left as it is (--force adds a local one too)`] };
    writeFileSync(file, withEntry(text, opts));
    return { changed: true, messages: [`added a secret-sweep hook to ${CONFIG_FILE}`, note] };
  },
  uninstall(repo) {
    const file = configPath(repo);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const b = findBlock(text);
    if (!b) return { changed: false, messages: [`not installed in ${CONFIG_FILE}`] };
    const rest = b.origin === 'converted' ? restoreConverted(text, b) : removeBlock(text, b);
    if (b.origin === 'created' && (rest === CREATED_HEADER || rest === OLD_CREATED_HEADER)) {
      unlinkSync(file);
      return { changed: true, messages: [`removed ${CONFIG_FILE} (secret-sweep had created it)`] };
    }
    writeFileSync(file, rest);
    return { changed: true, messages: [`removed the secret-sweep entry from ${CONFIG_FILE}`] };
  },
};
