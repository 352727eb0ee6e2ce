/**
 * gitleaks' `.gitleaksignore`: one finding fingerprint per line, `commit:file:rule:line` (git scans) or
 * `file:rule:line` (folder scans); `#` comments. The rule ids are gitleaks' (`github-pat`): they match
 * ours through the same table the `.gitleaks.toml` import uses, or our own / a custom rule's id directly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SweepError } from '../errors.js';
import { commitOf, type Finding } from '../findings/finding.js';
import { quoteUserText } from '../findings/redact.js';
import { GITLEAKS_ID_MAP } from './gitleaks.js';

export const GITLEAKSIGNORE = '.gitleaksignore';

interface IgnoreEntry {
  commit?: string;
  file: string;
  rules: Set<string>;
  line: number;
  /** Where the entry is written, for the suppression note (`.gitleaksignore:3`). */
  at: string;
}

export interface GitleaksIgnore {
  entries: IgnoreEntry[];
  file: string;
}

export function parseGitleaksIgnore(text: string, file: string): GitleaksIgnore {
  const entries: IgnoreEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const entry = raw.trim();
    if (!entry || entry.startsWith('#')) return;
    // file may contain ':' (rare); rule and line are the last two fields, a commit the first when it looks like one.
    const parts = entry.split(':');
    const lineNo = Number(parts.pop());
    const rule = parts.pop();
    if (!rule || parts.length === 0 || !Number.isInteger(lineNo) || lineNo < 1)
      throw new SweepError(`not a gitleaks fingerprint (expected "commit:file:rule:line" or "file:rule:line"): ${quoteUserText(entry)}`, `${file}:${i + 1}`);
    const commit = parts.length > 1 && /^[0-9a-f]{7,40}$/i.test(parts[0]!) ? parts.shift()!.toLowerCase() : undefined;
    entries.push({ commit, file: parts.join(':'), rules: new Set([rule, ...(GITLEAKS_ID_MAP[rule] ?? [])]), line: lineNo, at: `${GITLEAKSIGNORE}:${i + 1}` });
  });
  return { entries, file };
}

/** The root's `.gitleaksignore`, or undefined when there is none. */
export function loadGitleaksIgnore(root: string): GitleaksIgnore | undefined {
  const file = join(root, GITLEAKSIGNORE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new SweepError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, GITLEAKSIGNORE);
  }
  return parseGitleaksIgnore(text, GITLEAKSIGNORE);
}

/** The entry that ignores this finding, if any. A commit-less entry matches in every mode; one with a commit only that commit. */
export function gitleaksIgnoreEntry(ignore: GitleaksIgnore, f: Finding): IgnoreEntry | undefined {
  return ignore.entries.find(
    (e) => e.line === f.line && e.file === f.file && e.rules.has(f.rule) && (e.commit === undefined || (commitOf(f)?.toLowerCase().startsWith(e.commit) ?? false)),
  );
}
