/**
 * `scan --ci` on a push: which commits a push gate scans. The platform's `before` is not evidence of what
 * was gated: GitLab lets whoever may set pipeline variables override `CI_COMMIT_BEFORE_SHA` (`git push -o
 * ci.variable=…`), so `before` = the head gave an empty range and `before` = the leaking commit, with a clean
 * commit on top, a range that leaves the leak out; both passed. And a genuine force-push back to an older
 * commit is an empty range too. So:
 * - a push whose head is not on the default branch scans the head's commits that the default branch lacks
 *   (`origin/<default>..head`, fetched when missing), whatever `before` (or the branch name) says: what
 *   its merge request scans. The default branch is gated by its own pushes.
 * - a push whose range holds no commits (the default branch, a tag, no default branch to compare against)
 *   scans the whole history of the head, as a push that creates the branch does.
 * Only the range changes here; completeCiHistory then fetches what it needs in a shallow clone.
 */
import { SweepError } from '../errors.js';
import { firstGitLine, runGit } from '../sources/git/run.js';
import { originTip } from './gate-config.js';

export interface CiPushTarget {
  range?: string;
  revs?: string[];
  note: string;
  push?: { branch?: string };
  defaultBranch?: string;
}

const short = (rev: string) => (/^[0-9a-f]{40,64}$/.test(rev) ? rev.slice(0, 12) : rev);

function ends(range: string): { a: string; b: string } {
  const at = range.indexOf('..');
  return { a: range.slice(0, at) || 'HEAD', b: range.slice(at + 2) || 'HEAD' };
}

/**
 * A push whose head is not on the default branch (a feature branch, a tag of a feature commit, or a push
 * that only claims to be to the default branch: GitLab's CI_COMMIT_BRANCH is a variable too):
 * `origin/<default>..head` in place of `before..head`, when the default branch is in the clone (fetched
 * once when missing and `fetch`). Changes `ci` in place; returns whether it did.
 */
export async function branchPushRange(root: string, ci: CiPushTarget, fetch: boolean): Promise<boolean> {
  if (!ci.push || !ci.defaultBranch || ci.range === undefined) return false;
  const tip = await originTip(root, ci.defaultBranch, fetch);
  if (!tip) return false;
  const { b } = ends(ci.range);
  // On the default branch (an ancestor of its tip): its own pushes gate it; before..after stays.
  const on = await runGit(root, ['merge-base', '--is-ancestor', '--end-of-options', b, tip]);
  if (on.code === 0) return false;
  // 1: not an ancestor; anything else (the head not in a shallow clone yet): widen all the same, the
  // completion that follows fetches what the new range needs or refuses.
  ci.range = `${tip}..${b}`;
  const what = ci.push.branch ? `a push to ${ci.push.branch}` : 'a push';
  ci.note += `; ${what} whose head is not on the default branch: scanning every commit of ${short(b)} not on origin/${ci.defaultBranch} (${short(tip)}), not only the pushed ones ("before" is not evidence of what was gated)`;
  return true;
}

/**
 * A push range that holds no commits (the head is the `before` commit or an ancestor of it: a force-push
 * back, or a `before` set by hand): the whole history of the head instead, as for a new branch. Changes
 * `ci` in place; returns whether it did. Runs after the range's ends are in the clone.
 */
export async function emptyPushRange(root: string, ci: CiPushTarget): Promise<boolean> {
  if (!ci.push || ci.range === undefined) return false;
  const { a, b } = ends(ci.range);
  const r = await runGit(root, ['rev-list', '--count', '--end-of-options', `^${a}`, b, '--']);
  if (r.code !== 0) throw new SweepError(`--ci: git rev-list ${short(a)}..${short(b)} failed: ${firstGitLine(r.stderr)}`);
  if (Number(r.stdout.toString('utf8').trim()) > 0) return false;
  ci.range = undefined;
  ci.revs = [b];
  ci.note += `; the push range ${short(a)}..${short(b)} holds no commits (a force-push back to an older commit, or a "before" that is not the branch's previous tip): scanning the whole history of ${short(b)}, as for a new branch`;
  return true;
}
