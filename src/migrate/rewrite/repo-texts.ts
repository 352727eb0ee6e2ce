/**
 * The texts of a repository's files that an analysis looks at (who reads a file, who loads a module):
 * tracked and untracked (not ignored) files as git lists them, outside node_modules, chosen by name
 * (`keep`) and then by text (`wanted`). Files too large or not readable are skipped; outside a git work
 * tree there are none (the caller then errs on the cautious side only where it found something).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PythonSource } from './python-env-readers.js';

const MAX_BYTES = 1 << 20;

export function repoTexts(root: string, keep: (file: string) => boolean, wanted: (text: string) => boolean = () => true): PythonSource[] {
  let listed: string;
  try {
    listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  } catch {
    return [];
  }
  const out: PythonSource[] = [];
  for (const file of [...new Set(listed.split('\0').filter(Boolean))].sort()) {
    if (/(^|\/)node_modules\//.test(file) || !keep(file)) continue;
    try {
      const full = path.join(root, file);
      if (!statSync(full).isFile() || statSync(full).size > MAX_BYTES) continue;
      const text = readFileSync(full, 'utf8');
      if (wanted(text)) out.push({ file, text });
    } catch {
      /* gone or unreadable: nothing to learn from it */
    }
  }
  return out;
}
