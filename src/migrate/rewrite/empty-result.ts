/**
 * A rewrite run that changed nothing: what runRewriters starts from, and what a resumed run's report starts
 * from. Its own module so that the resume path need not load the rewriters (run-rewriters.ts is imported lazily).
 */
import type { RewriteRunResult } from './run-rewriters.js';

export function emptyRewriteResult(): RewriteRunResult {
  return { edits: [], manual: [], notes: [], generated: [], envRefs: [], runFiles: [], envResolvedBy: [], envQuoted: [], dependencies: [], lockfiles: [], wholeFiles: [] };
}
