/**
 * What a blob's path changes in detection: rules scoped to paths (`path`), rule allowlists by path, the
 * config's path allowlist (gitleaks `allowlist.paths`), and the lock-file, bundle and code-file judgements
 * of hard-negatives.ts where they are on. A history scan reads each distinct blob once; it reads it again
 * at a path of another class. Before (gate round 5), a blob read first at `x.d.ts`, whose path a generic
 * rule's allowlist covers, was never read at `settings.py`, where the same bytes are a finding.
 */
import { RE2 } from './re2.js';
import type { RuleSpec } from '../rules/rule.js';
import { pathExclusionClass } from './hard-negatives.js';

/** Paths of one class (the same string) give the same findings for the same bytes. */
export function pathClassifier(specs: readonly RuleSpec[], options: { globalPaths?: string[]; pathExclusions?: boolean } = {}): (path: string) => string {
  const tests: RE2[] = [];
  for (const s of specs) {
    if (s.path) tests.push(new RE2(s.path));
    for (const a of s.allowlist ?? []) for (const p of a.paths ?? []) tests.push(new RE2(p));
  }
  for (const p of options.globalPaths ?? []) tests.push(new RE2(p));
  const byPath = options.pathExclusions !== false;
  const cache = new Map<string, string>();
  return (path) => {
    let c = cache.get(path);
    if (c === undefined) {
      c = '';
      for (let i = 0; i < tests.length; i++) if (tests[i]!.test(path)) c += `${i},`;
      if (byPath) c += pathExclusionClass(path);
      if (cache.size >= 100_000) cache.clear();
      cache.set(path, c);
    }
    return c;
  };
}
