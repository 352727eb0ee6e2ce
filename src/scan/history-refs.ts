/**
 * `--history` walks commits: a ref that names a tree or a blob directly (`git tag t <blob>`, a tag object
 * of a tree, any `refs/*` pointing at one) holds content no commit reaches, pushed and fetched with the
 * ref. Such content is not walked, so the gate says so (exit 2, naming the ref) instead of passing.
 */
import { SweepError } from '../errors.js';
import { firstGitLine, runGit } from '../sources/git/run.js';

/** The refs whose object (peeled through tag objects) is not a commit, each as `ref (type)`. */
export async function nonCommitRefs(root: string): Promise<string[]> {
  const r = await runGit(root, ['for-each-ref', '--format=%(objecttype) %(*objecttype) %(refname)']);
  if (r.code !== 0) throw new SweepError(`git for-each-ref failed: ${firstGitLine(r.stderr)}`);
  const out: string[] = [];
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const m = /^(\w+) (\w*) (.+)$/.exec(line);
    if (!m) continue;
    const type = m[1] === 'tag' ? m[2] : m[1];
    if (type === 'tree' || type === 'blob') out.push(`${m[3]} (${type})`);
  }
  return out;
}
