/**
 * The repository's Python code, for analyses that look at who reads a file: tracked and untracked
 * (not ignored) `*.py` files and notebooks' code cells, as git lists them. Files too large or not
 * readable are skipped; outside a git work tree there are none (the caller then errs on the cautious side
 * only where it found something).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { notebookCode, type PythonSource } from './python-env-readers.js';

const MAX_BYTES = 1 << 20;

export function pythonSourcesOf(root: string): PythonSource[] {
  let listed: string;
  try {
    listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.py', '*.ipynb'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  } catch {
    return [];
  }
  const out: PythonSource[] = [];
  for (const file of [...new Set(listed.split('\0').filter(Boolean))].sort()) {
    const full = path.join(root, file);
    try {
      if (!statSync(full).isFile() || statSync(full).size > MAX_BYTES) continue;
      const text = readFileSync(full, 'utf8');
      const code = file.endsWith('.ipynb') ? notebookCode(text) : text;
      if (code !== undefined) out.push({ file, text: code });
    } catch {
      /* gone or unreadable: nothing to learn from it */
    }
  }
  return out;
}
