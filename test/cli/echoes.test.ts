/**
 * Echoes: a credential given where an argument goes (a revision, a path, a rule id, a command, a size) is
 * never printed back, and one in a file name or a git identity is redacted in every report format; a
 * token in a path is reported as a finding of its own. Each case passes a real-format token (a GitHub
 * token with a valid checksum, fake-secrets.ts) and checks stdout and stderr with leak-check.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/index.js';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';
import { leaksIn, type Secret } from '../support/leak-check.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-echoes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tokenOf(seed: number): Secret {
  const secret = githubToken(seed);
  return { secret, mask: [...secret].map((_, i) => i >= 4), label: 'github-pat-classic' };
}

/** No whole token, no window of it, not even lower-cased. */
function expectNoLeak(run: string, out: { stdout: string; stderr: string }, t: Secret): void {
  const places: Array<[string, string]> = [['stdout', out.stdout], ['stderr', out.stderr]];
  expect(leaksIn(run, places, [t], new Set(), [])).toEqual([]);
  expect(leaksIn(run, places.map(([w, s]) => [w, s.toLowerCase()]), [{ ...t, secret: t.secret.toLowerCase() }], new Set(), [])).toEqual([]);
}

function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...env } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

let repo: string;
beforeAll(() => {
  repo = join(work, 'repo');
  mkdirSync(repo);
  git(repo, ['init', '-q', '-b', 'main']);
  writeFileSync(join(repo, 'a.txt'), 'hello\n');
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init']);
});

describe('a token given as an argument is not echoed in the error', () => {
  const cases: Array<[string, (t: string) => string[], (t: string) => void]> = [
    ['--range', (t) => ['scan', '--range', t, '.'], () => {}],
    ['--range A..token', (t) => ['scan', '--range', `main..${t}`, '.'], () => {}],
    ['--branch', (t) => ['scan', '--history', '--branch', t, '.'], () => {}],
    ['--config', (t) => ['scan', '--config', t, '.'], () => {}],
    ['--baseline', (t) => ['scan', '--baseline', t, '.'], () => {}],
    ['-o', (t) => ['scan', '-o', join(work, 'no-such-dir', t), '.'], () => {}],
    ['rules explain', (t) => ['rules', 'explain', t], () => {}],
    ['rules test', (t) => ['rules', 'test', t], () => {}],
    ['migrate --plan', (t) => ['migrate', '.', '--plan', t], () => {}],
    ['run --', (t) => ['run', '--', t], () => {}],
    ['run -- /path/token', (t) => ['run', '--', `/no/such/${t}`], () => {}],
    ['--max-file-size (lower-cased)', (t) => ['scan', '--max-file-size', t, '.'], () => {}],
    ['a config rule id', () => ['scan', '--config', join(work, 'id.yaml'), '.'], (t) => writeFileSync(join(work, 'id.yaml'), `rules:\n  - id: "${t}"\n    description: x\n    regex: 'acme_[a-z]{10}'\n`)],
    ['a config rule id with a prefix', () => ['scan', '--config', join(work, 'id2.yaml'), '.'], (t) => writeFileSync(join(work, 'id2.yaml'), `rules:\n  - id: "x${t}"\n    description: x\n    regex: 'acme_[a-z]{10}'\n`)],
    ['a folder to scan', (t) => ['scan', join(work, 'no-such', t)], () => {}],
  ];
  cases.forEach(([name, args, setup], i) => {
    it(name, () => {
      const t = tokenOf(1000 + i);
      setup(t.secret);
      const r = runCli(args(t.secret), { cwd: repo });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^secret-sweep: /);
      expectNoLeak(name, r, t);
    });
  });
});

describe('a token in a file name or a git identity', () => {
  const t = tokenOf(77);
  let dir: string;
  let base: string;
  beforeAll(() => {
    dir = join(work, 'names');
    mkdirSync(join(dir, 'conf'), { recursive: true });
    git(dir, ['init', '-q', '-b', 'main']);
    writeFileSync(join(dir, 'README'), 'clean\n');
    git(dir, ['add', '-A']);
    git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base']);
    base = git(dir, ['rev-parse', 'HEAD']);
    writeFileSync(join(dir, 'conf', `${t.secret}.json`), '{"ok": true}\n');
    writeFileSync(join(dir, 'app.env'), `password = "${'Xy7kQ9v' + 'Lm2pR8sTw'}"\n`);
    git(dir, ['add', '-A']);
    git(dir, ['-c', `user.name=dev ${t.secret}`, '-c', `user.email=${t.secret}@example.com`, 'commit', '-qm', 'add']);
  });

  const modes: Array<[string, string[]]> = [
    ['tree', []],
    ['range', ['--range', 'BASE..HEAD']],
    ['history', ['--history']],
  ];
  for (const [mode, flags] of modes) {
    for (const format of FORMATS) {
      it(`${mode}, ${format}: redacted, and the path is a finding`, () => {
        const r = runCli(['scan', '.', '--no-color', '--format', format, ...flags.map((f) => f.replace('BASE', base))], { cwd: dir });
        expect(r.code, r.stderr).toBe(1);
        expectNoLeak(`${mode} ${format}`, r, t);
        if (format === 'json') {
          const report = JSON.parse(r.stdout) as { findings: Array<{ rule: string; file: string; decodedFrom?: string }> };
          expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', decodedFrom: 'path', file: 'conf/ghp_….json' }));
        }
      });
    }
  }

  it('a path the config allowlists is not reported', () => {
    const cfg = join(work, 'allow-conf.yaml');
    writeFileSync(cfg, 'allowlist:\n  paths: ["conf/"]\n');
    for (const flags of [[], ['--history']]) {
      const r = runCli(['scan', '.', '--format', 'json', '--config', cfg, ...flags], { cwd: dir });
      expect(JSON.parse(r.stdout).findings.filter((f: { decodedFrom?: string }) => f.decodedFrom === 'path')).toEqual([]);
    }
  });

  it('staged: the path is a finding', () => {
    const s = tokenOf(78);
    writeFileSync(join(dir, `${s.secret}.txt`), 'clean\n');
    git(dir, ['add', '-A']);
    const r = runCli(['scan', '--staged', '--format', 'json', '.'], { cwd: dir });
    git(dir, ['reset', '-q']);
    expect(r.code, r.stderr).toBe(1);
    expectNoLeak('staged', r, s);
    expect(JSON.parse(r.stdout).findings).toContainEqual(expect.objectContaining({ decodedFrom: 'path' }));
  });
});
