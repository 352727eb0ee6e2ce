/**
 * Files in the repository a vault writes values to (Backend.valueFiles, the dotenv backend's `.env`):
 * before the first vault write each is made git-ignored and, when git tracks it, removed from the index
 * (`git rm --cached`, the file stays on disk), so none of its values can be committed by the next
 * `git commit -a`. Returns what was done, for the report.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { checkedPathSync, writeFileAtomic } from '../fs/write-file.js';
import { testCrashPoint } from './journal.js';

/** True when the git command exits 0. */
export function gitSays(root: string, args: string[]): boolean {
  try {
    execFileSync('git', args, { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Add `pattern` as a line of the repository's `.gitignore` (created when missing), in its line-ending style. */
export function appendIgnoreLine(root: string, pattern: string, before?: (file: string) => void): void {
  const gi = checkedPathSync(root, '.gitignore', { mustExist: false });
  let text = '';
  let mode = 0o644;
  try {
    text = readFileSync(gi, 'utf8');
    mode = statSync(gi).mode & 0o7777;
  } catch {
    /* a new .gitignore */
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  before?.('.gitignore');
  writeFileAtomic(gi, `${text}${text === '' || text.endsWith('\n') ? '' : eol}${pattern}${eol}`, { mode, onStep: testCrashPoint });
}

export function protectValueFiles(root: string, files: readonly string[]): string[] {
  const notes: string[] = [];
  if (!files.length || !gitSays(root, ['rev-parse', '--is-inside-work-tree'])) return notes;
  for (const file of files) {
    checkedPathSync(root, file, { mustExist: false });
    if (!gitSays(root, ['check-ignore', '-q', '--no-index', '--', file])) {
      appendIgnoreLine(root, `/${file}`);
      notes.push(`${file} holds the values: added to .gitignore`);
    }
    if (gitSays(root, ['ls-files', '--error-unmatch', '--', file])) {
      execFileSync('git', ['rm', '--cached', '-q', '--', file], { cwd: root, stdio: 'ignore' });
      notes.push(`${file} was tracked by git and holds the values: removed from the index (\`git rm --cached ${file}\`; the file stays on disk, ignored). Commit that removal; its earlier contents stay in history until you scrub it`);
    }
  }
  return notes;
}
