/**
 * Whole-file secrets after they are stored (issue 13, defect 11): the file leaves git (ignored first,
 * then `git rm --cached`, so it is never tracked and un-ignored at once; the local copy stays) and the
 * program that reads it starts under `secret-sweep run --file PATH=sm://NAME#file -- COMMAND`, which
 * writes it (0600) for the command's lifetime.
 */
import { appendIgnoreLine, gitSays } from './value-files.js';
import type { Plan } from './plan/types.js';
import { WHOLE_FILE_KEY } from './plan/group-whole-file.js';
import { smReference } from './run-env.js';

export interface WholeFile {
  file: string;
  secretName: string;
  jsonKey: string;
  /** The start command of a program that reads the file (paths relative to the repository root). */
  command: string;
}

/** The whole files of a plan (pure). */
export function wholeFilesOf(plan: Plan): WholeFile[] {
  const out: WholeFile[] = [];
  for (const s of plan.secrets) {
    if (s.kind !== 'whole-file') continue;
    const f = s.fields.find((x) => x.key === WHOLE_FILE_KEY);
    if (!f || f.source.kind !== 'span' || f.source.commit) continue;
    out.push({
      file: f.source.file, secretName: s.name, jsonKey: WHOLE_FILE_KEY,
      command: `secret-sweep run --file ${f.source.file}=${smReference(s.name, WHOLE_FILE_KEY)} -- COMMAND`,
    });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * Ignore `file` (a `/file` line in the root `.gitignore` unless git ignores it already), then untrack it
 * if it is tracked. Idempotent (a resumed or second run does nothing). Returns what changed.
 */
export function untrackAndIgnore(root: string, file: string, before?: (f: string) => void): { ignored: boolean; untracked: boolean } {
  let ignored = false;
  if (!gitSays(root, ['check-ignore', '-q', '--no-index', '--', file])) {
    appendIgnoreLine(root, `/${file.replace(/([*?[\\!#])/g, '\\$1')}`, before);
    ignored = true;
  }
  let untracked = false;
  if (gitSays(root, ['ls-files', '--error-unmatch', '--', file])) {
    before?.(file);
    untracked = gitSays(root, ['rm', '--cached', '-q', '--', file]);
  }
  return { ignored, untracked };
}
