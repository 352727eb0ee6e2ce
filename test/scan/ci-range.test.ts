// `scan --ci` range detection, with each platform's environment set the way that platform sets it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciRange, readCiEvent } from '../../src/scan/ci-range.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const ZERO = '0'.repeat(40);

/** Writes the event payload as GitHub does (a JSON file) and returns the env pointing at it. */
function githubEnv(event: string, payload: unknown, extra: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ss-ci-'));
  const file = join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: file,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_WORKSPACE: '/home/runner/work/app/app',
    ...extra,
  };
}

/** What `runGitScan` does for mode 'ci'. */
function detect(env: Record<string, string | undefined>) {
  return ciRange(env, { event: readCiEvent(env) });
}

describe('GitHub Actions', () => {
  it('push: before..after from the event payload', () => {
    const env = githubEnv('push', { ref: 'refs/heads/main', before: A, after: B, created: false, deleted: false }, { GITHUB_SHA: B, GITHUB_REF: 'refs/heads/main' });
    const r = detect(env);
    expect(r).toMatchObject({ range: `${A}..${B}`, platform: 'github' });
    expect(r.revs).toBeUndefined();
    expect(r.reason).toMatch(/push/);
  });

  it('push creating a branch (before all zeros): whole history of after', () => {
    const env = githubEnv('push', { ref: 'refs/heads/feature', before: ZERO, after: B, created: true }, { GITHUB_SHA: B });
    const r = detect(env);
    expect(r.range).toBeUndefined();
    expect(r.revs).toEqual([B]);
    expect(r.reason).toMatch(/all zeros/);
  });

  it('push deleting a branch: nothing to scan', () => {
    const env = githubEnv('push', { ref: 'refs/heads/old', before: A, after: ZERO, deleted: true }, { GITHUB_SHA: ZERO });
    const r = detect(env);
    expect(r.revs).toEqual([]);
    expect(r.range).toBeUndefined();
  });

  it('push with an unreadable event file: whole history of GITHUB_SHA, and says why', () => {
    const env = { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: '/nonexistent/event.json', GITHUB_SHA: C };
    const r = detect(env);
    expect(r.revs).toEqual([C]);
    expect(r.reason).toMatch(/unreadable/);
  });

  it('pull_request: base.sha..head.sha (not the merge commit in GITHUB_SHA)', () => {
    const env = githubEnv(
      'pull_request',
      { action: 'synchronize', number: 7, pull_request: { base: { ref: 'main', sha: A }, head: { ref: 'feature', sha: B } } },
      { GITHUB_SHA: C, GITHUB_REF: 'refs/pull/7/merge', GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature' },
    );
    expect(detect(env)).toMatchObject({ range: `${A}..${B}`, platform: 'github' });
  });

  it('pull_request_target is read the same way', () => {
    const env = githubEnv('pull_request_target', { pull_request: { base: { sha: A }, head: { sha: B } } }, { GITHUB_SHA: A, GITHUB_BASE_REF: 'main' });
    expect(detect(env).range).toBe(`${A}..${B}`);
  });

  it('pull_request without a payload falls back to origin/GITHUB_BASE_REF', () => {
    const env = { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_SHA: C, GITHUB_BASE_REF: 'release/1.x' };
    expect(detect(env)).toMatchObject({ range: `origin/release/1.x..${C}` });
  });

  it('a base ref that looks like an option or a range is not used', () => {
    const env = { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_SHA: C, GITHUB_BASE_REF: '--output=x' };
    expect(detect(env).revs).toEqual([C]);
    expect(detect(env).range).toBeUndefined();
    const env2 = { ...env, GITHUB_BASE_REF: 'a..b' };
    expect(detect(env2).range).toBeUndefined();
  });

  it('merge_group: base_sha..head_sha', () => {
    const env = githubEnv('merge_group', { merge_group: { base_sha: A, head_sha: B } }, { GITHUB_SHA: B });
    expect(detect(env).range).toBe(`${A}..${B}`);
  });

  it('other events (schedule, workflow_dispatch): whole history of GITHUB_SHA', () => {
    const env = githubEnv('workflow_dispatch', { inputs: {} }, { GITHUB_SHA: C });
    const r = detect(env);
    expect(r.revs).toEqual([C]);
    expect(r.reason).toMatch(/workflow_dispatch/);
  });

  it('garbage in the payload is not passed on to git', () => {
    const env = githubEnv('push', { before: '--upload-pack=evil', after: 'HEAD; rm -rf /' }, { GITHUB_SHA: C });
    const r = detect(env);
    expect(r.range).toBeUndefined();
    expect(r.revs).toEqual([C]);
  });
});

describe('GitLab CI', () => {
  const base = { CI: 'true', GITLAB_CI: 'true', CI_PROJECT_DIR: '/builds/acme/app', CI_COMMIT_SHA: B, CI_COMMIT_REF_NAME: 'feature' };

  it('merge request pipeline: CI_MERGE_REQUEST_DIFF_BASE_SHA..CI_COMMIT_SHA', () => {
    const env = {
      ...base,
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_IID: '42',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: A,
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_TARGET_BRANCH_SHA: C,
      CI_COMMIT_BEFORE_SHA: ZERO, // GitLab sets it to zeros in MR pipelines
    };
    const r = detect(env);
    expect(r).toMatchObject({ range: `${A}..${B}`, platform: 'gitlab' });
    expect(r.reason).toMatch(/!42/);
  });

  it('merge request without the diff base: origin/target..head', () => {
    const env = { ...base, CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: '3', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' };
    expect(detect(env).range).toBe(`origin/main..${B}`);
  });

  it('push: CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA', () => {
    const env = { ...base, CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BEFORE_SHA: A, CI_COMMIT_BRANCH: 'feature' };
    expect(detect(env)).toMatchObject({ range: `${A}..${B}`, platform: 'gitlab' });
  });

  it('first push of a branch (before all zeros): whole history', () => {
    const env = { ...base, CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BEFORE_SHA: ZERO, CI_COMMIT_BRANCH: 'feature' };
    const r = detect(env);
    expect(r.revs).toEqual([B]);
    expect(r.range).toBeUndefined();
    expect(r.reason).toMatch(/creates the branch/);
  });

  it('tag and scheduled pipelines have no before: whole history, reason says which', () => {
    expect(detect({ ...base, CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BEFORE_SHA: ZERO, CI_COMMIT_TAG: 'v1.0.0' }).reason).toMatch(/tag v1\.0\.0/);
    expect(detect({ ...base, CI_PIPELINE_SOURCE: 'schedule', CI_COMMIT_BEFORE_SHA: ZERO }).reason).toMatch(/schedule pipeline/);
  });
});

describe('no known CI', () => {
  it('whole history of HEAD, with the reason and the --range hint', () => {
    const r = detect({ CI: 'true', JENKINS_URL: 'http://ci' });
    expect(r).toMatchObject({ revs: ['HEAD'], platform: 'generic' });
    expect(r.reason).toMatch(/--range/);
  });

  it('the GitHub event file is only read on GitHub Actions', () => {
    let reads = 0;
    readCiEvent({ GITHUB_EVENT_PATH: '/x' }, () => (reads++, '{}'));
    expect(reads).toBe(0);
    expect(readCiEvent({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: '/x' }, () => '{"before":1}')).toEqual({ before: 1 });
    expect(readCiEvent({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: '/x' }, () => 'not json')).toBeUndefined();
  });
});
