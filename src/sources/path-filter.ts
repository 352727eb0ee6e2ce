/** The config's `allowlist.paths` (gitignore-style patterns, relative to the scanned root), for every source. */
import { makeIgnore } from '../lazy.js';

/** A predicate for config `allowlist.paths` (gitignore-style patterns); undefined when there are none. */
export function pathExcluder(patterns: string[] | undefined): ((path: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const ig = makeIgnore().add(patterns);
  return (path) => {
    try {
      return ig.ignores(path);
    } catch {
      return false;
    }
  };
}
