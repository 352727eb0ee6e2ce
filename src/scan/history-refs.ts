/**
 * `--history` walks commits: a ref that names a tree or a blob directly (`git tag t <blob>`, a tag object
 * of a tree, any `refs/*` pointing at one) holds content no commit reaches, pushed and fetched with the
 * ref. Such content is not walked, so the gate says so (exit 2, naming the ref) instead of passing.
 */
import { SweepError } from '../errors.js';
import { openRepo, type RepoInfo } from '../sources/git/repo.js';
import { firstGitLine, runGit } from '../sources/git/run.js';

/** The refs whose object (peeled through tag objects) is not a commit, each as `ref (type)`; `repo`: already opened. */
export async function nonCommitRefs(path: string, repo?: RepoInfo): Promise<string[]> {
  // Discovery first: its one-line errors (not a repository, another user's repository) are the ones to show.
  const { root } = repo ?? (await openRepo(path));
  // Only the refs' own names and ids here (no object is read): a ref to a missing or corrupt object is
  // left to the commit walk, whose error names the ref and what is wrong with it.
  const r = await runGit(root, ['for-each-ref', '--format=%(objectname) %(refname)']);
  if (r.code !== 0) throw new SweepError(`${path}: git for-each-ref failed: ${firstGitLine(r.stderr)}`);
  const refs: Array<{ id: string; name: string }> = [];
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const m = /^([0-9a-f]{40,64}) (.+)$/.exec(line);
    if (m) refs.push({ id: m[1]!, name: m[2]! });
  }
  if (refs.length === 0) return [];
  // Each object peeled through any tag objects (`id^{}`); a missing one answers "missing" (see above).
  const types = await runGit(root, ['cat-file', '--batch-check=%(objecttype)'], refs.map((x) => `${x.id}^{}\n`).join(''));
  if (types.code !== 0) throw new SweepError(`${path}: git cat-file failed: ${firstGitLine(types.stderr)}`);
  const answers = types.stdout.toString('utf8').split('\n');
  const out: string[] = [];
  refs.forEach((ref, i) => {
    const type = answers[i]?.trim();
    if (type === 'tree' || type === 'blob') out.push(`${ref.name} (${type})`);
  });
  return out;
}
