/**
 * What a JS helper's synchronous reader prefetches: the secret names of the `getSecretSync('NAME', …)`
 * calls in the JS/TS files of the helper's folder (each imports `./secret-sweep-secrets.*`, the helper
 * beside it), as this run leaves them. The list is read from the tree, so a second run over the same
 * tree writes the same helper, and a run that rewrites one more file there adds its names to the others'.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isGeneratedText } from '../backend/backend.js';

const SYNC_CALL = /\bgetSecretSync\(\s*(["'`])([A-Za-z0-9/_+=.@-]+)\1/g;
const JS_FILE = /\.(c|m)?(j|t)sx?$/i;

/** `helper`: the helper's path relative to `root`; `edited`: this run's new texts, by the same kind of path. */
export function syncPrefetchNames(root: string, helper: string, edited: ReadonlyMap<string, string>): string[] {
  const dir = path.posix.dirname(helper);
  const rel = (name: string) => (dir === '.' ? name : `${dir}/${name}`);
  let entries: string[];
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true }).filter((e) => e.isFile() && JS_FILE.test(e.name)).map((e) => rel(e.name));
  } catch {
    entries = [];
  }
  for (const f of edited.keys()) if (path.posix.dirname(f) === dir && JS_FILE.test(f) && !entries.includes(f)) entries.push(f);
  const names = new Set<string>();
  for (const f of entries) {
    let text = edited.get(f);
    if (text === undefined) {
      try {
        text = readFileSync(path.join(root, f), 'utf8');
      } catch {
        continue;
      }
    }
    if (isGeneratedText(text)) continue; // a helper: its comments show calls
    for (const m of text.matchAll(SYNC_CALL)) names.add(m[2]!);
  }
  return [...names].sort();
}
