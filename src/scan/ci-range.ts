/**
 * `scan --ci`: which commits to scan, worked out from the CI platform's environment.
 *
 * `ciRange` is pure: it takes the environment and the already-parsed event payload (GitHub Actions writes
 * it to the file named by GITHUB_EVENT_PATH); `readCiEvent` is the only I/O. The answer is either
 * `range` ("A..B": the commits B adds over A) or `revs` (walk the whole history reachable from them), with a
 * one-line `reason` saying why, for the log.
 */
import { readFileSync } from 'node:fs';

export interface CiRange {
  /** `A..B`: scan what the commits reachable from B but not from A introduce. */
  range?: string;
  /** Scan the whole history reachable from these revisions (when there is no usable base); [] = nothing to scan. */
  revs?: string[];
  /** One line for the log: the platform, the event, and why this range. */
  reason: string;
  platform: 'github' | 'gitlab' | 'generic';
  /** A pull/merge request: its target branch, when named (ci-base-check.ts checks the base against it). */
  request?: { target?: string };
  /** A push: the pushed branch (undefined for a tag). The config of a push elsewhere than the default branch comes from the default branch. */
  push?: { branch?: string };
  /** The repository's default branch, when the platform names it: whole-history scans take their config from it. */
  defaultBranch?: string;
  /**
   * A request's title, description and source branch name: a squash merge's commit message is made of the
   * title and description, a merge commit's names the branch, and both land on the target.
   */
  texts?: Array<{ place: string; text: string }>;
}

export interface CiRangeOptions {
  /** The parsed GitHub event payload (see `readCiEvent`); undefined when there is none. */
  event?: unknown;
  /** What to scan when nothing better is known (default HEAD). */
  head?: string;
}

const ZERO = /^0+$/;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/** A usable commit id: a full hex SHA that is not all zeros (git's "no commit"). */
function sha(v: unknown): string | undefined {
  return typeof v === 'string' && SHA.test(v) && !ZERO.test(v) ? v.toLowerCase() : undefined;
}

function isZero(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0 && ZERO.test(v);
}

/** A branch name safe to put in a revision argument (no option-looking or range-looking names). */
function branch(v: string | undefined): string | undefined {
  return v && !v.startsWith('-') && !v.includes('..') && /^[\w./-]+$/.test(v) ? v : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export function ciRange(env: Record<string, string | undefined>, opts: CiRangeOptions = {}): CiRange {
  if (env.GITHUB_ACTIONS === 'true') {
    const defaultBranch = branch(str(get(opts.event, 'repository', 'default_branch')));
    return { ...github(env, opts), ...(defaultBranch ? { defaultBranch } : {}) };
  }
  if (env.GITLAB_CI === 'true') {
    const defaultBranch = branch(env.CI_DEFAULT_BRANCH);
    return { ...gitlab(env, opts), ...(defaultBranch ? { defaultBranch } : {}) };
  }
  const head = opts.head ?? 'HEAD';
  return {
    revs: [head],
    platform: 'generic',
    reason: `no known CI platform (GitHub Actions, GitLab CI) in the environment: scanning the whole history of ${head}; pass --range BASE..HEAD to scan less`,
  };
}

function whole(platform: CiRange['platform'], head: string, why: string): CiRange {
  return { revs: [head], platform, reason: `${why}: scanning the whole history of ${head}` };
}

function github(env: Record<string, string | undefined>, opts: CiRangeOptions): CiRange {
  const event = env.GITHUB_EVENT_NAME ?? '';
  const ev = opts.event;
  const head = sha(env.GITHUB_SHA) ?? opts.head ?? 'HEAD';
  const p = 'github';
  if (event === 'push') {
    const before = get(ev, 'before');
    if (isZero(get(ev, 'after')) || get(ev, 'deleted') === true) return { revs: [], platform: p, reason: 'GitHub push that deletes the branch: nothing to scan' };
    const after = sha(get(ev, 'after')) ?? head;
    if (isZero(before)) return whole(p, after, 'GitHub push that creates the branch (before is all zeros)');
    const b = sha(before);
    if (!b) return whole(p, after, `GitHub push without a usable "before" in the event payload${ev === undefined ? ' (GITHUB_EVENT_PATH unreadable)' : ''}`);
    const ref = str(get(ev, 'ref'));
    const push = { branch: ref?.startsWith('refs/heads/') ? branch(ref.slice('refs/heads/'.length)) : undefined };
    return { range: `${b}..${after}`, platform: p, push, reason: `GitHub push: the pushed commits ${b.slice(0, 12)}..${after.slice(0, 12)}` };
  }
  if (event === 'pull_request' || event === 'pull_request_target') {
    const base = sha(get(ev, 'pull_request', 'base', 'sha'));
    const prHead = sha(get(ev, 'pull_request', 'head', 'sha')) ?? head;
    const ref = branch(env.GITHUB_BASE_REF) ?? branch(str(get(ev, 'pull_request', 'base', 'ref')));
    const request = { target: ref };
    const texts = requestTexts([
      ['pull request title', get(ev, 'pull_request', 'title')],
      ['pull request description', get(ev, 'pull_request', 'body')],
      ['pull request branch name', get(ev, 'pull_request', 'head', 'ref')],
    ]);
    if (base) return { range: `${base}..${prHead}`, platform: p, request, texts, reason: `GitHub ${event}: the pull request's commits ${base.slice(0, 12)}..${prHead.slice(0, 12)}` };
    if (ref) return { range: `origin/${ref}..${prHead}`, platform: p, request, texts, reason: `GitHub ${event}: the commits not on origin/${ref} (no base SHA in the event payload)` };
    return whole(p, prHead, `GitHub ${event} without a base (no event payload, no GITHUB_BASE_REF)`);
  }
  if (event === 'merge_group') {
    const base = sha(get(ev, 'merge_group', 'base_sha'));
    const mgHead = sha(get(ev, 'merge_group', 'head_sha')) ?? head;
    if (base) return { range: `${base}..${mgHead}`, platform: p, reason: `GitHub merge_group: ${base.slice(0, 12)}..${mgHead.slice(0, 12)}` };
    return whole(p, mgHead, 'GitHub merge_group without a base_sha');
  }
  return whole(p, head, `GitHub event "${event || 'unknown'}" has no base commit`);
}

function gitlab(env: Record<string, string | undefined>, opts: CiRangeOptions): CiRange {
  const head = sha(env.CI_COMMIT_SHA) ?? opts.head ?? 'HEAD';
  const p = 'gitlab';
  if (env.CI_MERGE_REQUEST_IID || env.CI_PIPELINE_SOURCE === 'merge_request_event') {
    const base = sha(env.CI_MERGE_REQUEST_DIFF_BASE_SHA);
    const iid = env.CI_MERGE_REQUEST_IID ? ` !${env.CI_MERGE_REQUEST_IID}` : '';
    const target = branch(env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME);
    const request = { target };
    const texts = requestTexts([
      ['merge request title', env.CI_MERGE_REQUEST_TITLE],
      ['merge request description', env.CI_MERGE_REQUEST_DESCRIPTION],
      ['merge request branch name', env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME],
    ]);
    if (base) return { range: `${base}..${head}`, platform: p, request, texts, reason: `GitLab merge request${iid}: ${base.slice(0, 12)}..${head.slice(0, 12)}` };
    if (target) return { range: `origin/${target}..${head}`, platform: p, request, texts, reason: `GitLab merge request${iid}: the commits not on origin/${target} (no CI_MERGE_REQUEST_DIFF_BASE_SHA)` };
    return whole(p, head, `GitLab merge request${iid} without a base`);
  }
  const before = env.CI_COMMIT_BEFORE_SHA;
  if (isZero(before)) {
    const what = env.CI_COMMIT_TAG ? `tag ${env.CI_COMMIT_TAG}` : env.CI_PIPELINE_SOURCE && env.CI_PIPELINE_SOURCE !== 'push' ? `${env.CI_PIPELINE_SOURCE} pipeline` : 'push that creates the branch';
    return whole(p, head, `GitLab ${what} (CI_COMMIT_BEFORE_SHA is all zeros)`);
  }
  const b = sha(before);
  if (b) return { range: `${b}..${head}`, platform: p, push: { branch: env.CI_COMMIT_TAG ? undefined : branch(env.CI_COMMIT_BRANCH) }, reason: `GitLab push: the pushed commits ${b.slice(0, 12)}..${head.slice(0, 12)}` };
  return whole(p, head, 'GitLab pipeline without CI_COMMIT_BEFORE_SHA');
}

function requestTexts(fields: Array<[string, unknown]>): CiRange['texts'] {
  return fields.flatMap(([place, v]) => (typeof v === 'string' && v.length > 0 ? [{ place, text: v }] : []));
}

/**
 * The only I/O of `--ci`: GitHub Actions' event payload (JSON at GITHUB_EVENT_PATH). Undefined when not on
 * GitHub Actions or when the file is missing or not JSON (ciRange then falls back and says so).
 */
export function readCiEvent(env: Record<string, string | undefined>, read: (path: string) => string = (f) => readFileSync(f, 'utf8')): unknown {
  if (env.GITHUB_ACTIONS !== 'true' || !env.GITHUB_EVENT_PATH) return undefined;
  try {
    return JSON.parse(read(env.GITHUB_EVENT_PATH)) as unknown;
  } catch {
    return undefined;
  }
}
