/**
 * `scan --ci` in a shallow clone. GitHub's actions/checkout fetches one commit by default (GitLab 20), so
 * the base of the range and the commits in between are often not there: git then fails on the base
 * ("unknown revision"), or the oldest commit present looks as if it added its whole tree. Before the scan,
 * fetch what the range needs from the remote: both ends by SHA, deeper until no commit of the range sits
 * on the shallow boundary, at last the whole history. With --no-fetch, or when the remote will not give
 * it, stop (exit 2) saying what to set: a gate never passes on whatever part of a range happened to be there.
 * `--range` and `--history` (the operator's own revisions) do not fetch: in a shallow clone whose history
 * the scan needs they stop the same way (`checkShallowGate`), unless --allow-skips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SweepError } from '../errors.js';
import { firstGitLine, runGit } from '../sources/git/run.js';

export interface CiHistoryOptions {
  /** Fetch what is missing from the remote (default); false: say what is missing and stop. */
  fetch: boolean;
  platform: 'github' | 'gitlab' | 'generic';
}

/** `--deepen` steps before `--unshallow`: most pushes and pull requests are within the first. */
const DEEPEN_STEPS = [50, 1000];

async function git(root: string, args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await runGit(root, args);
  return { ok: r.code === 0, out: r.stdout.toString('utf8').trim(), err: firstGitLine(r.stderr) };
}

const short = (rev: string) => (/^[0-9a-f]{40,64}$/.test(rev) ? rev.slice(0, 12) : rev);
const has = async (root: string, rev: string) => (await git(root, ['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`])).ok;
const isShallow = async (root: string) => (await git(root, ['rev-parse', '--is-shallow-repository'])).out === 'true';

/** The commits whose parents a shallow clone does not have. */
async function shallowBoundary(root: string): Promise<Set<string>> {
  const file = resolve(root, (await git(root, ['rev-parse', '--git-path', 'shallow'])).out);
  return new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : []);
}

/** Why `A..B` (or the whole history of `revs`) cannot be scanned as it is; undefined when it can. */
async function missing(root: string, what: { a: string; b: string } | { revs: string[] }): Promise<string | undefined> {
  if ('revs' in what) {
    for (const r of what.revs) if (!(await has(root, r))) return (await notACommit(root, r)) ?? `${short(r)} is not in this clone`;
    return (await isShallow(root)) ? `the history of ${what.revs.map(short).join(', ')} is cut off (shallow clone)` : undefined;
  }
  if (!(await has(root, what.a))) return `the range's base ${short(what.a)} is not in this clone`;
  if (!(await has(root, what.b))) return `the range's head ${short(what.b)} is not in this clone`;
  const cut = await shallowBoundary(root);
  if (cut.size === 0) return undefined;
  const list = await git(root, ['rev-list', '--end-of-options', `${what.a}..${what.b}`]);
  if (!list.ok) return `git rev-list ${short(what.a)}..${short(what.b)} failed: ${list.err}`;
  if (list.out.split('\n').some((c) => cut.has(c))) return `the history between ${short(what.a)} and ${short(what.b)} is cut off (shallow clone)`;
  return undefined;
}

/** `REV is a blob/tree, not a commit` when the clone has it as such (a pushed tag of a blob): no fetch helps. */
async function notACommit(root: string, rev: string): Promise<string | undefined> {
  const t = await git(root, ['cat-file', '-t', '--end-of-options', rev]);
  return t.ok && t.out !== 'commit' && t.out !== 'tag' ? `${short(rev)} is a ${t.out}, not a commit` : undefined;
}

/** What to fetch for a revision: a SHA as it is; `origin/NAME` (a base branch) as that branch. */
function wanted(rev: string, remote: string): string {
  const m = /^origin\/(.+)$/.exec(rev);
  return m ? `+refs/heads/${m[1]}:refs/remotes/${remote}/${m[1]}` : rev;
}

async function pickRemote(root: string): Promise<string | undefined> {
  const names = (await git(root, ['remote'])).out.split('\n').filter(Boolean);
  return names.includes('origin') ? 'origin' : names.length === 1 ? names[0] : undefined;
}

/** The one-line error: what is missing, why it was not fetched, and what to set on this platform. */
function advice(why: string, reason: string, platform: CiHistoryOptions['platform']): SweepError {
  const how =
    platform === 'github'
      ? 'fetch the history in the checkout step (actions/checkout with `fetch-depth: 0`)'
      : platform === 'gitlab'
        ? 'fetch the history in the job (variables: `GIT_DEPTH: 0`)'
        : 'fetch the history first (`git fetch --unshallow`)';
  return new SweepError(`--ci: ${why}, and ${reason}: ${how}`);
}

/**
 * Make sure the repository at `root` holds what `--ci` scans (a range, or whole histories), fetching it
 * when allowed. Returns a note when something was fetched; throws a one-line SweepError otherwise.
 */
export async function completeCiHistory(root: string, target: { range?: string; revs?: string[] }, opts: CiHistoryOptions): Promise<string | undefined> {
  let what: { a: string; b: string } | { revs: string[] };
  if (target.range !== undefined) {
    const at = target.range.indexOf('..');
    what = { a: target.range.slice(0, at) || 'HEAD', b: target.range.slice(at + 2) || 'HEAD' };
  } else if (target.revs?.length) what = { revs: target.revs };
  else return undefined;
  let why = await missing(root, what);
  if (!why) return undefined;
  if (why.endsWith('not a commit')) throw new SweepError(`--ci: ${why}: there is no history to scan (a pushed tag of a blob or tree?)`);
  if (!opts.fetch) throw advice(why, 'fetching is off (--no-fetch)', opts.platform);
  const remote = await pickRemote(root);
  if (!remote) throw advice(why, 'there is no remote to fetch it from', opts.platform);
  const wants = ('revs' in what ? what.revs : [what.a, what.b]).filter((r) => r !== 'HEAD').map((r) => wanted(r, remote));
  const steps = (await isShallow(root)) ? [...DEEPEN_STEPS.map((d) => `--deepen=${d}`), '--unshallow'] : [''];
  let failed = '';
  for (const step of steps) {
    if (step && !(await isShallow(root))) break;
    const r = await git(root, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', ...(step ? [step] : []), '--end-of-options', remote, ...wants]);
    if (!r.ok) {
      failed = r.err || 'git fetch failed';
      break;
    }
    why = await missing(root, what);
    if (!why) return `fetched what the range needs from ${remote} (git fetch ${step || remote}${step ? '' : ' by SHA'}): the clone did not have it`;
  }
  throw advice(why!, failed ? `fetching it from ${remote} failed (${failed})` : `the remote ${remote} does not have it either`, opts.platform);
}

const FETCH_HINT = 'fetch the history first (`git fetch --unshallow`; actions/checkout `fetch-depth: 0`; GitLab `GIT_DEPTH: 0`)';

/**
 * `--range A..B` and `--history` in a shallow clone: undefined when the scan can read what it needs, else
 * the one line saying what is missing and how to fetch it; `cutOff`: the scan could still read what is
 * there (a missing end of the range cannot be scanned at all). Only `git rev-parse` runs in a full clone.
 */
export async function shallowGateGap(root: string, what: { range: string } | { history: true }, shallow?: boolean): Promise<{ message: string; cutOff: boolean } | undefined> {
  // `shallow`: known from the repository's discovery (repo.ts), no git call.
  if (!(shallow ?? (await isShallow(root)))) return undefined;
  if ('history' in what) {
    const cut = [...(await shallowBoundary(root))];
    const before = cut.length === 0 ? 'its depth' : `${short(cut[0]!)}${cut.length > 1 ? ` (and ${cut.length - 1} more)` : ''}`;
    return { message: `--history: this is a shallow clone, the history before ${before} is not in it: ${FETCH_HINT}`, cutOff: true };
  }
  const sym = what.range.indexOf('...');
  const at = sym >= 0 ? sym : what.range.indexOf('..');
  if (at < 0) return undefined; // not a range: resolveRange says so
  const why = await missing(root, { a: what.range.slice(0, at) || 'HEAD', b: what.range.slice(at + (sym >= 0 ? 3 : 2)) || 'HEAD' });
  return why ? { message: `--range: ${why}: ${FETCH_HINT}`, cutOff: why.endsWith('(shallow clone)') } : undefined;
}
