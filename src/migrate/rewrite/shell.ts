/**
 * The shell rewriter: `VAR="…"`, `export VAR=…` (also `local`, `readonly`, `declare -x`) become
 *   VAR="$(aws secretsmanager get-secret-value --secret-id NAME --query SecretString --output text | jq -ner 'input | .["KEY"]')"
 *
 * Why jq: it is the usual JSON tool next to the AWS CLI (GitHub's runners, the AWS CloudShell, Homebrew,
 * Debian's `jq` package, macOS 15+), and `-ne 'input | …'` makes a missing key (null) or a failed `aws`
 * call (empty input) a non-zero status, so `set -e` scripts stop instead of running with an empty
 * password. Because `export`/`readonly`/`local` would hide that status, `export X=…` becomes
 * `X=…; export X` (and `local X=…` becomes `local X; X=…`). `python3 -c` was
 * the alternative; it is absent on minimal images and macOS without the developer tools. The note names
 * both requirements. A password inside a URL gets `| @uri` (the secret stores the decoded value).
 *
 * Parser: a small hand-written scanner (there is no shell parser worth loading for this): it knows
 * quotes, escapes, comments, `$(…)`, backquotes and heredoc bodies well enough to tell whether a line
 * begins a simple assignment, and where its value word ends. A literal anywhere else (inside a command's
 * arguments, a heredoc, a `case` pattern) is left for a human with the edit to make.
 */
import type { RewriteInput, Rewriter, RewriteSite } from './rewriter.js';
import { emptyResult, guardParses, lineStarts, locateSites, noteUnhandled, PLAIN_KEY, PLAIN_NAME, URI_RULE, type SiteRewriteResult } from './sites.js';

/**
 * Region and endpoint as the AWS SDKs read them (AWS_REGION before AWS_DEFAULT_REGION; the service's
 * endpoint variable before AWS_ENDPOINT_URL): AWS CLI v1 reads neither AWS_REGION nor, before 1.29,
 * the endpoint variables, so they are passed explicitly when set (the last --endpoint-url wins).
 */
const AWS_SETTINGS = '${AWS_REGION:+--region "$AWS_REGION"} ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} '
  + '${AWS_ENDPOINT_URL_SECRETS_MANAGER:+--endpoint-url "$AWS_ENDPOINT_URL_SECRETS_MANAGER"}';

export function fetchCommand(ref: { secretName: string; jsonKey?: string }, uri = false): string {
  const base = `aws secretsmanager get-secret-value --secret-id ${ref.secretName} --query SecretString --output text ${AWS_SETTINGS}`;
  if (!ref.jsonKey) return base;
  return `${base} | jq -ner 'input | .["${ref.jsonKey}"]${uri ? ' | @uri' : ''}'`;
}

export interface ShellLine {
  /** Offset where the line starts. */
  start: number;
  /** The line starts inside a heredoc body or a multi-line quote. */
  continued: boolean;
}

/** Per-line state: which lines start as ordinary code (not inside a heredoc or an open quote). */
export function scanShell(text: string): { lines: ShellLine[]; error?: string } {
  const starts = lineStarts(text);
  const lines: ShellLine[] = [];
  let quote: '' | "'" | '"' = '';
  let heredocs: Array<{ tag: string; strip: boolean }> = [];
  let inHeredoc: { tag: string; strip: boolean } | undefined;
  let paren = 0;
  for (let li = 0; li < starts.length; li++) {
    const s = starts[li]!;
    const e = li + 1 < starts.length ? starts[li + 1]! : text.length;
    const line = text.slice(s, e).replace(/\r?\n$/, '');
    lines.push({ start: s, continued: quote !== '' || inHeredoc !== undefined });
    if (inHeredoc) {
      const body = inHeredoc.strip ? line.replace(/^\t+/, '') : line;
      if (body === inHeredoc.tag) inHeredoc = heredocs.shift();
      continue;
    }
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote === "'") {
        if (c === "'") quote = '';
        continue;
      }
      if (c === '\\') {
        i++;
        continue;
      }
      if (quote === '"') {
        if (c === '"') quote = '';
        continue;
      }
      if (c === "'" || c === '"') quote = c;
      else if (c === '#' && (i === 0 || /[\s;(|&]/.test(line[i - 1]!))) break;
      else if (c === '(') paren++;
      else if (c === ')') paren--;
      else if (c === '<' && line[i + 1] === '<' && line[i + 2] !== '<') {
        const m = /^<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(line.slice(i));
        if (m) {
          heredocs.push({ tag: m[3]!, strip: m[1] === '-' });
          i += m[0].length - 1;
        }
      }
    }
    if (!quote && heredocs.length) {
      inHeredoc = heredocs.shift();
    }
  }
  void paren;
  if (quote) return { lines, error: 'unclosed quote' };
  if (inHeredoc) return { lines, error: `unclosed heredoc ${inHeredoc.tag}` };
  heredocs = [];
  return { lines };
}

const ASSIGN = /^([ \t]*)((?:export|local|readonly|declare(?:[ \t]+-[A-Za-z]+)*|typeset(?:[ \t]+-[A-Za-z]+)*)[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/;

interface Word {
  start: number;
  end: number;
  /** Segments with their quoting: [start, end, quote]. */
  segments: Array<[number, number, '' | "'" | '"']>;
}

/** The value word starting at `i` (an assignment's right side), or undefined when it is not simple. */
function valueWord(text: string, i: number): Word | undefined {
  const segments: Word['segments'] = [];
  const start = i;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const e = text.indexOf("'", i + 1);
      if (e < 0) return undefined;
      segments.push([i + 1, e, "'"]);
      i = e + 1;
    } else if (c === '"') {
      let k = i + 1;
      for (; k < text.length && text[k] !== '"'; k++) {
        if (text[k] === '\\') k++;
        else if (text[k] === '`' || (text[k] === '$' && text[k + 1] === '(')) return undefined;
      }
      if (k >= text.length) return undefined;
      segments.push([i + 1, k, '"']);
      i = k + 1;
    } else if (/[\s;&|<>()]/.test(c)) {
      break;
    } else {
      let k = i;
      while (k < text.length && !/[\s;&|<>()'"]/.test(text[k]!)) {
        if (text[k] === '\\' || text[k] === '`' || (text[k] === '$' && text[k + 1] === '(')) return undefined;
        k++;
      }
      segments.push([i, k, '']);
      i = k;
    }
  }
  return { start, end: i, segments };
}

export class ShellRewriter implements Rewriter {
  readonly id = 'shell';

  appliesTo(file: string, text: string): boolean {
    if (/\.(sh|bash|zsh|ksh)$/i.test(file)) return true;
    return !/\.[A-Za-z0-9]+$/.test(file.split('/').pop() ?? '') && /^#!.*\b(ba|z|k|da)?sh\b/.test(text.slice(0, 100));
  }

  rewrite(input: RewriteInput): SiteRewriteResult {
    const out = emptyResult();
    if (input.sites.length === 0) return out;
    const { text } = input;
    const suggest = (s: RewriteSite) => `replace the value with "$(${fetchCommand(s.ref)})"`;
    const manual = (s: RewriteSite, reason: string) => out.unhandled.push({ ...s, reason, suggestion: suggest(s) });
    const scan = scanShell(text);
    if (scan.error) {
      for (const s of input.sites) if (s.kind === 'secret') manual(s, `the script could not be scanned (${scan.error})`);
      return noteUnhandled(out);
    }
    const located = locateSites(text, input.sites, out);
    const byWord = new Map<number, { word: Word; items: typeof located; prefix?: { start: number; end: number; kw: string }; name: string }>();
    for (const loc of located) {
      const li = scan.lines.findIndex((l, k) => l.start <= loc.start && (k + 1 >= scan.lines.length || loc.start < scan.lines[k + 1]!.start));
      const line = scan.lines[li];
      const secret = loc.site.kind === 'secret';
      if (!line || line.continued) {
        if (secret) manual(loc.site, 'the value is inside a heredoc or a multi-line string');
        continue;
      }
      const lineText = text.slice(line.start, text.indexOf('\n', line.start) < 0 ? text.length : text.indexOf('\n', line.start));
      const m = ASSIGN.exec(lineText);
      const word = m ? valueWord(text, line.start + m[0].length) : undefined;
      const rest = word ? text.slice(word.end, line.start + lineText.length) : '';
      if (!m || !word || loc.start < word.start || loc.end > word.end || !/^[ \t]*(;[ \t]*)?(#.*)?\r?$/.test(rest)) {
        if (secret) manual(loc.site, 'the value is part of a command line, not a simple assignment');
        continue;
      }
      const pre = m[2] ? { start: line.start + m[1]!.length, end: line.start + m[1]!.length + m[2].length, kw: m[2].trim().replace(/\s+/g, ' ') } : undefined;
      const g = byWord.get(word.start) ?? { word, items: [], prefix: pre, name: m[3]! };
      g.items.push(loc);
      byWord.set(word.start, g);
    }
    let used = false;
    for (const { word, items, prefix, name } of byWord.values()) {
      const secrets = items.filter((x) => x.site.kind === 'secret');
      if (secrets.length === 0) continue;
      const fail = (reason: string) => {
        for (const x of secrets) manual(x.site, reason);
      };
      if (items.some((x) => !PLAIN_NAME.test(x.site.ref.secretName) || !PLAIN_KEY.test(x.site.ref.jsonKey ?? ''))) {
        fail('the secret name or key has characters that need quoting');
        continue;
      }
      if (prefix && /^(declare|typeset)\b.*-[A-Za-z]*r/.test(prefix.kw)) {
        fail('a read-only declaration: assign the value first, then mark it read-only');
        continue;
      }
      const segOf = (x: (typeof items)[number]) => word.segments.find(([a, b]) => a <= x.start && x.end <= b);
      if (items.some((x) => !segOf(x) || /[\\$`]/.test(text.slice(x.start, x.end)))) {
        fail('the value runs across quotes, escapes or expansions');
        continue;
      }
      if (secrets.some((x) => /\n$/.test(text.slice(x.start, x.end)))) {
        // "$(…)" drops every final line break: the script would read a different value.
        fail('the value ends with a line break, which a command substitution drops');
        continue;
      }
      const only = word.segments.length === 1 && items.length === 1 && word.segments[0]![0] === items[0]!.start && word.segments[0]![1] === items[0]!.end;
      if (only) {
        out.edits.push({ start: word.start, end: word.end, replacement: `"$(${fetchCommand(items[0]!.site.ref)})"` });
      } else {
        for (const x of items) {
          const cmd = `$(${fetchCommand(x.site.ref, x.site.kind === 'secret' && x.site.rule !== undefined && URI_RULE.test(x.site.rule))})`;
          const q = segOf(x)![2];
          out.edits.push({ start: x.start, end: x.end, replacement: q === '"' ? cmd : q === "'" ? `'"${cmd}"'` : `"${cmd}"` });
        }
      }
      if (prefix) {
        // Keep the command substitution's exit status visible to `set -e`.
        if (/^(export|readonly)$/.test(prefix.kw)) {
          out.edits.push({ start: prefix.start, end: prefix.end, replacement: '' });
          out.edits.push({ start: word.end, end: word.end, replacement: `; ${prefix.kw} ${name}` });
        } else {
          out.edits.push({ start: prefix.start, end: prefix.end, replacement: `${prefix.kw} ${name}; ` });
        }
      }
      used = true;
    }
    if (used) out.notes.push(`${input.file}: reads the values with the AWS CLI and jq at run time (both must be installed; region from AWS_REGION or AWS_DEFAULT_REGION, endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL)`);
    noteUnhandled(out);
    return guardParses(text, input.sites, out, (after) => scanShell(after).error);
  }
}
