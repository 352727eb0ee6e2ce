import { readdirSync } from 'node:fs';
import { join } from 'node:path';

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
