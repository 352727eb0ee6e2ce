// `scan --ci` in real shallow clones (`git clone --depth 1 file://...`, as actions/checkout does by
// default): the range's base is fetched (deeper until the range is whole), a force-pushed `before` too;
// with --no-fetch, or when the remote no longer has the base, exit 2 naming `fetch-depth: 0`, never a pass.
// The Action's own Scan step, run on a default (depth 1) checkout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  temps.push(d);
  return d;
};

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
function commit(repo: string, file: string, text: string, msg: string): string {
  writeFileSync(join(repo, file), text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', msg);
  return git(repo, 'rev-parse', 'HEAD');
}

/** An upstream with an old leak (before the range), then `n` clean commits: the base; returns its path and the base SHA. */
function upstream(n = 60): { src: string; base: string } {
  const src = temp('ss-shallow-src-');
  git(src, 'init', '-q', '-b', 'main');
  commit(src, 'old.py', `OLD = "${githubToken(11)}"\n`, 'old leak, before the range');
  for (let i = 0; i < n; i++) commit(src, 'counter.txt', `${i}\n`, `clean ${i}`);
  return { src, base: git(src, 'rev-parse', 'HEAD') };
}

function shallowClone(src: string, rev = 'HEAD'): string {
  const dst = join(temp('ss-shallow-dst-'), 'checkout');
  git(tmpdir(), 'init', '-q', dst);
  git(dst, 'remote', 'add', 'origin', `file://${src}`);
  // What actions/checkout does: fetch the one commit by SHA, depth 1, and check it out.
  git(dst, 'fetch', '-q', '--no-tags', '--depth=1', 'origin', git(src, 'rev-parse', rev));
  git(dst, 'checkout', '-q', '--detach', 'FETCH_HEAD');
  return dst;
}

function githubPush(before: string, after: string, extra: Record<string, unknown> = {}): Record<string, string> {
  const file = join(temp('ss-event-'), 'event.json');
  writeFileSync(file, JSON.stringify({ ref: 'refs/heads/main', before, after, ...extra }));
  return { ...GIT_ENV, GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: file, GITHUB_SHA: after };
}

const files = (out: string) => out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { file: string }).file).sort();

describe('scan --ci in a shallow clone', () => {
  it('push: fetches the base and the commits between (deeper than one step), scans only the pushed commits', () => {
    const { src, base } = upstream(10);
    for (let i = 0; i < 70; i++) commit(src, 'counter.txt', `pushed ${i}\n`, `pushed ${i}`);
    commit(src, 'new.py', `NEW = "${githubToken(12)}"\n`, 'leak in the push');
    const after = commit(src, 'counter.txt', 'last\n', 'last');
    const dst = shallowClone(src);
    expect(git(dst, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const out = join(temp('ss-report-'), 'r.jsonl');
    const r = runCli(['scan', dst, '--ci', '--format', 'jsonl', '-o', out], { env: githubPush(base, after) });
    expect(r.code, r.stderr).toBe(1);
    expect(files(readFileSync(out, 'utf8'))).toEqual(['new.py']); // old.py is before the range: not reported
    expect(r.stderr).toMatch(/note: --ci: GitHub push: the pushed commits \S+; fetched what the range needs from origin \(git fetch --deepen=1000\)/);
  }, 180_000); // 70 commits and a clone: 60 s was reached on a loaded 2-core machine

  it('--no-fetch: exit 2, saying what is missing and to set fetch-depth: 0', () => {
    const { src, base } = upstream(3);
    const after = commit(src, 'new.py', `NEW = "${githubToken(13)}"\n`, 'leak');
    const dst = shallowClone(src);
    const r = runCli(['scan', dst, '--ci', '--no-fetch'], { env: githubPush(base, after) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`secret-sweep: --ci: the range's base ${base.slice(0, 12)} is not in this clone, and fetching is off (--no-fetch): fetch the history in the checkout step (actions/checkout with \`fetch-depth: 0\`)`);
  });

  it('force-pushed before (not an ancestor of after): fetched by SHA, scans what after adds over it', () => {
    const { src, base } = upstream(3);
    const before = commit(src, 'gone.py', `GONE = "${githubToken(14)}"\n`, 'to be force-pushed away');
    git(src, 'branch', '-q', 'keep', before); // still on the remote (GitHub keeps force-pushed commits fetchable)
    git(src, 'reset', '-q', '--hard', base);
    const after = commit(src, 'new.py', `NEW = "${githubToken(15)}"\n`, 'rewritten push');
    const dst = shallowClone(src, after);
    const r = runCli(['scan', dst, '--ci', '--format', 'jsonl'], { env: githubPush(before, after, { forced: true }) });
    expect(r.code, r.stderr).toBe(1);
    expect(files(r.stdout)).toEqual(['new.py']);
  });

  it('force-pushed before that the remote no longer has: exit 2 (fail closed), naming fetch-depth: 0', () => {
    const { src, base } = upstream(3);
    const before = commit(src, 'gone.py', 'x = 1\n', 'to be force-pushed away');
    git(src, 'reset', '-q', '--hard', base);
    git(src, 'reflog', 'expire', '--expire=now', '--all');
    git(src, 'gc', '-q', '--prune=now');
    const after = commit(src, 'new.py', `NEW = "${githubToken(16)}"\n`, 'rewritten push');
    const dst = shallowClone(src, after);
    const r = runCli(['scan', dst, '--ci'], { env: githubPush(before, after, { forced: true }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^secret-sweep: --ci: the range's base ${before.slice(0, 12)} is not in this clone, and fetching it from origin failed \\(.+\\): fetch the history in the checkout step \\(actions/checkout with \`fetch-depth: 0\`\\)\\n$`));
  });

  it('pull request on the merge commit (what actions/checkout fetches): base and head fetched, only the PR\'s commits', () => {
    const { src, base } = upstream(3);
    git(src, 'checkout', '-q', '-b', 'feature');
    commit(src, 'feature.py', `F = "${githubToken(17)}"\n`, 'feature leak');
    const head = commit(src, 'more.txt', 'more\n', 'more');
    git(src, 'checkout', '-q', 'main');
    git(src, 'merge', '-q', '--no-ff', '--no-edit', 'feature');
    const merge = git(src, 'rev-parse', 'HEAD');
    git(src, 'update-ref', 'refs/pull/1/merge', merge);
    git(src, 'reset', '-q', '--hard', base);
    const dst = shallowClone(src, merge);
    const file = join(temp('ss-event-'), 'event.json');
    writeFileSync(file, JSON.stringify({ pull_request: { base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'feature' } } }));
    const env = { ...GIT_ENV, GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: file, GITHUB_SHA: merge, GITHUB_BASE_REF: 'main' };
    const r = runCli(['scan', dst, '--ci', '--format', 'jsonl'], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(files(r.stdout)).toEqual(['feature.py']);
  });

  it('GitLab (GIT_DEPTH 1): CI_COMMIT_BEFORE_SHA fetched; --no-fetch names GIT_DEPTH: 0', () => {
    const { src, base } = upstream(3);
    const after = commit(src, 'new.py', `NEW = "${githubToken(18)}"\n`, 'leak');
    const dst = shallowClone(src);
    const env = { ...GIT_ENV, GITLAB_CI: 'true', CI_PIPELINE_SOURCE: 'push', CI_COMMIT_SHA: after, CI_COMMIT_BEFORE_SHA: base };
    const r = runCli(['scan', dst, '--ci', '--format', 'jsonl'], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(files(r.stdout)).toEqual(['new.py']);
    const off = runCli(['scan', shallowClone(src), '--ci', '--no-fetch'], { env });
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/variables: `GIT_DEPTH: 0`/);
  });
});

describe('the Action on a default checkout (depth 1)', () => {
  it('its Scan step fetches the base and reports the pushed leak', () => {
    const { src, base } = upstream(3);
    const after = commit(src, 'new.py', `NEW = "${githubToken(19)}"\n`, 'leak');
    const dst = shallowClone(src);
    const action = parse(readFileSync(fileURLToPath(new URL('../../action.yml', import.meta.url)), 'utf8')) as { runs: { steps: Array<{ name?: string; run?: string }> } };
    const scanStep = action.runs.steps.find((s) => s.name === 'Scan')!.run!;
    const runner = temp('ss-runner-');
    const output = join(runner, 'output');
    writeFileSync(output, '');
    const r = spawnSync('bash', ['-e', '-c', scanStep], {
      cwd: dst,
      encoding: 'utf8',
      env: { ...process.env, ...githubPush(base, after), CI: 'true', SS_PATH: '.', SS_ARGS: '', RUNNER_TEMP: runner, GITHUB_OUTPUT: output, GITHUB_ACTION_PATH: fileURLToPath(new URL('../..', import.meta.url)), PATH: `${join(process.execPath, '..')}:${process.env.PATH}` },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toMatch(/exit-code=1\nfindings=1\n/);
    expect(r.stdout + r.stderr).not.toMatch(/shallow clone: the base commit may be missing/);
  });
});
