/** The config's `allowlist.paths` (gitignore-style patterns, relative to the scanned root), for every source. */
import { makeIgnore } from '../lazy.js';

/**
 * A predicate for config `allowlist.paths` (gitignore-style patterns); undefined when there are none.
 * Case-sensitive, as git paths are: with the package's default (ignore case), `/rules/` also left
 * `RULES/prod.env` unscanned, a path a change picks (gate round 5).
 */
export function pathExcluder(patterns: string[] | undefined): ((path: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const ig = makeIgnore({ ignorecase: false }).add(patterns);
  return (path) => {
    try {
      return ig.ignores(path);
    } catch {
      return false;
    }
  };
}
