/**
 * Generated files (the secrets helper, a requirements.txt) that the repository's .gitignore would keep out
 * of the next commit: a folder ignored by pattern (`/credentials/**\/*.*`, with the project's own module
 * force-added) gets the helper beside that module, and `git add -A` would leave it out, so the rewritten
 * code fails to import it in a fresh clone. Each is staged with `git add -f` (it holds no value) and named.
 */
import { gitSays } from './value-files.js';

/** Stage those of `files` (repository-relative) that git ignores and does not track; returns a note for each. */
export function stageIgnoredGenerated(root: string, files: readonly string[]): string[] {
  const notes: string[] = [];
  for (const f of files) {
    if (!gitSays(root, ['check-ignore', '-q', '--', f])) continue;
    if (gitSays(root, ['ls-files', '--error-unmatch', '--', f])) continue;
    const staged = gitSays(root, ['add', '-f', '--', f]);
    notes.push(staged
      ? `${f}: git-ignored (.gitignore), so it was staged with \`git add -f\`: commit it, the rewritten code imports it`
      : `${f}: git-ignored (.gitignore): commit it with \`git add -f ${f}\`, the rewritten code imports it`);
  }
  return notes;
}
