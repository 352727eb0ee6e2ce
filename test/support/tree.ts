import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Write each `path: text` under `dir`, making folders as needed. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
}

/** Every file of a work tree except .git, relative, sorted (symlinks listed, not followed). */
export function workTreeFiles(root: string, sub = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (rel === '.git') continue;
    if (e.isDirectory()) out.push(...workTreeFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}
