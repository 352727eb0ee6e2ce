/**
 * `scan --ci` on a pull or merge request: the base the platform names must not sit inside the change.
 * A base at the head itself (an empty range), or on one of the change's own commits, would leave the
 * commits before it unscanned while the run passes. When the target branch is in the clone
 * (`origin/<target>`, fetched when missing unless --no-fetch), every commit of the head that the target
 * lacks must be in the range; when it is not, an empty range is refused, since nothing shows that the head
 * adds nothing. Exit 2 with one line.
 */
import { SweepError } from '../errors.js';
import { firstGitLine, runGit } from '../sources/git/run.js';

export interface CiBaseTarget {
  range?: string;
  /** A pull/merge request event (not a push), with its target branch when named (GITHUB_BASE_REF, CI_MERGE_REQUEST_TARGET_BRANCH_NAME). */
  request?: { target?: string };
}

async function out(root: string, args: string[]): Promise<{ ok: boolean; text: string; err: string }> {
  const r = await runGit(root, args);
  return { ok: r.code === 0, text: r.stdout.toString('utf8').trim(), err: firstGitLine(r.stderr) };
}

const count = async (root: string, args: string[]) => {
  const r = await out(root, ['rev-list', '--count', ...args, '--']);
  if (!r.ok) throw new SweepError(`--ci: git rev-list ${args.join(' ')} failed: ${r.err}`);
  return Number(r.text);
};

const short = (rev: string) => (/^[0-9a-f]{40,64}$/.test(rev) ? rev.slice(0, 12) : rev);

/**
 * Throws when the range of a pull/merge request leaves some of the change's commits out. `fetch`: the
 * target branch may be fetched again (a cached clone's origin/<target> can lag behind the base).
 */
export async function checkCiBase(root: string, ci: CiBaseTarget, fetch: boolean): Promise<void> {
  if (!ci.request || ci.range === undefined || ci.range.includes('...')) return;
  const at = ci.range.indexOf('..');
  const base = ci.range.slice(0, at) || 'HEAD';
  const head = ci.range.slice(at + 2) || 'HEAD';
  const name = ci.request.target;
  const target = name ? `refs/remotes/origin/${name}` : undefined;
  const hasTarget = async () => target !== undefined && (await out(root, ['rev-parse', '-q', '--verify', '--end-of-options', `${target}^{commit}`])).ok;
  // The change's commits the range leaves out: reachable from the head and from the base, not from the target.
  const left = async () => {
    const mb = await out(root, ['merge-base', '--end-of-options', base, head]);
    return mb.ok ? count(root, ['--end-of-options', mb.text, `^${target}`]) : 0; // unrelated: the range holds all of the head
  };
  const fetchTarget = () => runGit(root, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--end-of-options', 'origin', `+refs/heads/${name}:${target}`]);
  // Not in the clone (GitLab fetches only the pipeline's ref): fetch it once, as the config lookup does
  // right after this check, so that a base inside the change is caught there too.
  let fetched = false;
  if (fetch && target !== undefined && !(await hasTarget())) {
    await fetchTarget();
    fetched = true;
  }
  if (!(await hasTarget())) {
    if ((await count(root, ['--end-of-options', `^${base}`, head])) === 0)
      throw new SweepError(`--ci: the request's range ${short(base)}..${short(head)} holds no commits, and origin/${name ?? '<target>'} is not in the clone to show that the head adds nothing: refusing to pass it unscanned (fetch the target branch, or pass --range BASE..HEAD)`);
    return;
  }
  let n = await left();
  if (n > 0 && fetch && !fetched) {
    await fetchTarget();
    n = await left();
  }
  if (n > 0)
    throw new SweepError(`--ci: the request's base ${short(base)} is not on origin/${name}: ${n} commit${n === 1 ? '' : 's'} of the change before it would go unscanned; refusing (pass --range origin/${name}..${short(head)} to scan them)`);
}
