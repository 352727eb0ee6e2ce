/**
 * The one central fixer (ESLint's model): every rewriter returns range edits, and only this file turns
 * them into bytes on disk.
 *
 * - `applyEdits` (pure): validates the edits (in range, non-overlapping; two insertions at the same
 *   offset are kept in the order given), applies them bottom-up, and writes inserted line breaks in the
 *   file's own style (a CRLF file gets CRLF).
 * - `writeEdits` (I/O): refuses symlinks and anything outside the repository root (realpath check),
 *   leaves the file alone when nothing changes, and replaces it atomically with the original mode kept
 *   (src/fs/write-file.ts).
 * - `writeNewFile`: the same care for generated files (helper modules), never overwriting a file that
 *   secret-sweep did not generate.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SweepError } from '../../errors.js';
import type { TextEdit } from './rewriter.js';
import { testCrashPoint } from '../journal.js';
import { checkedPathSync, tempPathFor, writeFileAtomic } from '../../fs/write-file.js';
import { GENERATED_MARKER, isGeneratedText } from '../backend/backend.js';
import { latin1Bytes } from './source-encoding.js';

export type Eol = '\n' | '\r\n';

/** The file's line break: CRLF when most of its line breaks are CRLF, else LF. */
export function detectEol(text: string): Eol {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Bare LF in `s` -> `eol` (CRLF already present is left as it is). */
export function withEol(s: string, eol: Eol): string {
  return eol === '\n' ? s : s.replace(/(?<!\r)\n/g, '\r\n');
}

export class EditConflictError extends SweepError {
  constructor(file: string, message: string) {
    super(`cannot apply code edits: ${message}`, file);
    this.name = 'EditConflictError';
  }
}

/** Edits sorted by position (stable: insertions at one offset keep their given order), validated. */
export function sortedEdits(file: string, textLength: number, edits: readonly TextEdit[]): TextEdit[] {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
  let prevEnd = 0;
  let prev: TextEdit | undefined;
  for (const e of sorted) {
    if (!Number.isInteger(e.start) || !Number.isInteger(e.end) || e.start < 0 || e.end < e.start || e.end > textLength) {
      throw new EditConflictError(file, `edit [${e.start}, ${e.end}) is outside the file (length ${textLength})`);
    }
    if (prev && e.start < prevEnd) {
      throw new EditConflictError(file, `edits [${prev.start}, ${prev.end}) and [${e.start}, ${e.end}) overlap`);
    }
    prevEnd = Math.max(prevEnd, e.end);
    prev = e;
  }
  return sorted;
}

/** Pure: the text after the edits. No edits -> the same string. */
export function applyEdits(text: string, edits: readonly TextEdit[], file = '<text>'): string {
  if (edits.length === 0) return text;
  const sorted = sortedEdits(file, text.length, edits);
  const eol = detectEol(text);
  let out = text;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const e = sorted[i]!;
    out = out.slice(0, e.start) + withEol(e.replacement, eol) + out.slice(e.end);
  }
  return out;
}

/** The real path of `file`, checked (see checkedPathSync in src/fs/write-file.ts). */
export async function checkedPath(root: string, file: string, opts: { mustExist: boolean }): Promise<string> {
  return checkedPathSync(root, file, opts);
}

export { tempPathFor };

function processGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Remove the temp files that writes of `files` (repository-relative) left when their process was killed
 * (tempPathFor's names, and `.NAME.PID.tmp` of the report writer before src/fs/write-file.ts), never one
 * whose process still runs.
 * A kill -9 between creating a temp file and renaming it over the file leaves it behind: an untracked
 * file that would block the re-run's clean-tree check (and, for `.env`, hold values). Returns the
 * removed paths, relative to `root`.
 */
export async function removeStaleTemps(root: string, files: Iterable<string>): Promise<string[]> {
  const byDir = new Map<string, Set<string>>();
  for (const f of files) {
    const dir = path.posix.dirname(f.split(path.sep).join('/'));
    byDir.set(dir, (byDir.get(dir) ?? new Set()).add(path.posix.basename(f)));
  }
  const removed: string[] = [];
  for (const [dir, names] of byDir) {
    let entries: string[];
    try {
      entries = await fs.readdir(path.join(root, dir));
    } catch {
      continue;
    }
    for (const e of entries) {
      const m = /^\.(.+)\.(?:secret-sweep-(\d+)-[0-9a-f]+|(\d+))\.tmp$/.exec(e);
      if (!m || !names.has(m[1]!) || !processGone(Number(m[2] ?? m[3]))) continue;
      const rel = dir === '.' ? e : `${dir}/${e}`;
      const st = await fs.lstat(path.join(root, rel)).catch(() => undefined);
      if (!st?.isFile()) continue;
      await fs.rm(path.join(root, rel), { force: true });
      removed.push(rel);
    }
  }
  return removed.sort();
}

/** Replace `real` (already checked) atomically with its mode kept, the journal's crash points in between. */
async function atomicWrite(real: string, content: string | Uint8Array, mode: number): Promise<void> {
  writeFileAtomic(real, content, { mode, onStep: testCrashPoint });
}

export interface WriteEditsResult {
  changed: boolean;
}

/**
 * Apply `edits` to `file` (relative to `root`) on disk. When `expectedText` is given, the file must still
 * hold exactly that text (the rewriter computed its edits from it); otherwise it refuses, naming the file.
 */
export async function writeEdits(
  root: string,
  file: string,
  edits: readonly TextEdit[],
  opts: { expectedText?: string; encoding?: 'latin1' } = {},
): Promise<WriteEditsResult> {
  if (edits.length === 0) return { changed: false };
  const real = await checkedPath(root, file, { mustExist: true });
  const before = await fs.readFile(real, opts.encoding ?? 'utf8');
  if (opts.expectedText !== undefined && before !== opts.expectedText) {
    throw new SweepError('the file changed since the edits were planned; run the migration again', file);
  }
  const after = applyEdits(before, edits, file);
  if (after === before) return { changed: false };
  const bytes = opts.encoding === 'latin1' ? latin1Bytes(after) : after;
  if (bytes === undefined) throw new SweepError('the edited text has characters its latin-1 encoding cannot hold', file);
  const st = await fs.stat(real);
  await atomicWrite(real, bytes, st.mode);
  return { changed: true };
}

export { GENERATED_MARKER };

/**
 * Create (or refresh) a generated file such as a helper module. An existing file is replaced only if it
 * carries GENERATED_MARKER in its first lines; identical content is left alone.
 */
export async function writeNewFile(root: string, file: string, content: string, mode = 0o644): Promise<WriteEditsResult> {
  const real = await checkedPath(root, file, { mustExist: false });
  let existing: string | undefined;
  try {
    existing = await fs.readFile(real, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SweepError('cannot read the existing file', file);
  }
  if (existing === content) return { changed: false };
  if (existing !== undefined) {
    if (!isGeneratedText(existing)) {
      throw new SweepError('a file of that name exists and was not generated by secret-sweep; rename it or remove it', file);
    }
    const st = await fs.stat(real);
    mode = st.mode;
  }
  await atomicWrite(real, content, mode);
  return { changed: true };
}
