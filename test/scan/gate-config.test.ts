// The gate cannot be configured by the change it gates: `scan --range base..pr` and `scan --ci` read the
// config from the base of the range, report changes to it as findings, and list inline-marker suppressions.
// Real temp repositories, the built CLI.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, git, repoWith, write } from '../support/gate-repo.js';

const TOKEN = githubToken(4242);
const LEAK = { 'app.py': `token = "${TOKEN}"\n` };

interface Rec {
  rule: string;
  file: string;
  commit?: string;
  suppressed?: boolean;
  suppression?: string;
}
function scanJson(dir: string, args: string[], env: Record<string, string> = {}): { code: number; stderr: string; findings: Rec[]; suppressed: Rec[] } {
  const r = runCli(['scan', dir, '--format', 'json', ...args], { cwd: dir, env });
  let doc: { findings?: Rec[]; suppressed?: Rec[] } = {};
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    // exit 2: no document; the assertion on `code` says why
  }
  return { code: r.code, stderr: r.stderr, findings: doc.findings ?? [], suppressed: doc.suppressed ?? [] };
}

/** The leak in app.py is reported, the config change too, and the gate exits 1. */
function expectCaught(r: ReturnType<typeof scanJson>, changed: string): void {
  expect(r.stderr).not.toMatch(/Error|at .*\.js:\d+/);
  expect(r.code).toBe(1);
  expect(r.findings.filter((f) => f.file === 'app.py').length).toBeGreaterThan(0);
  expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed', file: changed }));
}

const BASE_CONFIG = { '.secret-sweep.yaml': 'allowlist:\n  paths: [fixtures/]\n' };

describe('--range: a change that rewrites .secret-sweep.yaml does not switch off its own scan', () => {
  const bypasses: Record<string, string> = {
    'allowlist paths **': 'allowlist:\n  paths: ["**"]\n',
    'use_default_rules: false': 'use_default_rules: false\n',
    'disable the rules that match': 'disable: [github-pat-classic, generic-password-assignment]\n',
    'allowlist regexes ["."]': 'allowlist:\n  regexes: ["."]\n',
    'stopwords ["_"]': 'allowlist:\n  stopwords: ["_"]\n',
    'max_file_size: 1': 'max_file_size: 1\n',
  };
  for (const [name, yaml] of Object.entries(bypasses)) {
    it(`${name} (base without a config: the defaults apply)`, () => {
      const { dir } = repoWith({}, { '.secret-sweep.yaml': yaml, ...LEAK });
      expectCaught(scanJson(dir, ['--range', 'main..pr']), '.secret-sweep.yaml');
    });
  }

  it('widening the base config in one commit and leaking in the next', () => {
    const { dir, head } = repoWith(BASE_CONFIG, { '.secret-sweep.yaml': 'allowlist:\n  paths: [fixtures/, "*.py"]\n' }, LEAK);
    const r = scanJson(dir, ['--range', 'main..pr']);
    expectCaught(r, '.secret-sweep.yaml');
    expect(r.findings.find((f) => f.rule === 'scan-config-changed')!.commit).not.toBe(head);
  });

  it('the base config is the one applied: what it allowlists stays allowlisted', () => {
    const { dir } = repoWith(BASE_CONFIG, { 'fixtures/sample.py': `token = "${TOKEN}"\n` });
    const r = scanJson(dir, ['--range', 'main..pr']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('--range: a change that brings a .gitleaks.toml', () => {
  it("paths = ['''.*''']", () => {
    const { dir } = repoWith({}, { '.gitleaks.toml': "[extend]\nuseDefault = true\n[allowlist]\npaths = ['''.*''']\n", ...LEAK });
    expectCaught(scanJson(dir, ['--range', 'main..pr']), '.gitleaks.toml');
  });

  it('useDefault = false', () => {
    const { dir } = repoWith({}, { '.gitleaks.toml': '[extend]\nuseDefault = false\n', ...LEAK });
    expectCaught(scanJson(dir, ['--range', 'main..pr']), '.gitleaks.toml');
  });

  it('commits = [""] added by the change', () => {
    const { dir } = repoWith({}, { '.gitleaks.toml': '[extend]\nuseDefault = true\n[allowlist]\ncommits = [""]\n', ...LEAK });
    expectCaught(scanJson(dir, ['--range', 'main..pr']), '.gitleaks.toml');
  });

  it('commits = [""] already in the base: an empty commit prefix matches no commit', () => {
    const { dir } = repoWith({ '.gitleaks.toml': '[extend]\nuseDefault = true\n[allowlist]\ncommits = [""]\n' }, LEAK);
    const r = scanJson(dir, ['--range', 'main..pr']);
    expect(r.code).toBe(1);
    expect(r.findings.filter((f) => f.file === 'app.py').length).toBeGreaterThan(0);
    expect(r.findings.some((f) => f.rule === 'scan-config-changed')).toBe(false);
  });
});

describe('--range: baselines and explicit files', () => {
  it('a change that appends its own fingerprint to the committed baseline (given with --baseline) fails the gate', () => {
    const { dir } = repoWith({ '.secret-sweep-baseline': '# secret-sweep baseline v1\n' });
    // The fingerprint the leak will have, as `secret-sweep baseline` writes it.
    write(dir, LEAK);
    const out = join(mkdtempSync(join(tmpdir(), 'ss-gate-bl-')), 'baseline');
    expect(runCli(['baseline', dir, '-o', out], { cwd: dir }).code).toBe(0);
    const entries = readFileSync(out, 'utf8').split('\n').filter((l) => /^[0-9a-f]{16,}/.test(l));
    expect(entries.length).toBeGreaterThan(0);
    commitAll(dir, { ...LEAK, '.secret-sweep-baseline': '# secret-sweep baseline v1\n' + entries.join('\n') + '\n' }, 'leak + baseline');
    const r = scanJson(dir, ['--range', 'main..pr', '--baseline', '.secret-sweep-baseline']);
    expect(r.code).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed', file: '.secret-sweep-baseline' }));
  });

  it('an explicit --config inside the repository is used, and its change in the range still fails the gate', () => {
    const { dir } = repoWith({ 'ci/scan.yaml': 'allowlist:\n  paths: [fixtures/]\n' }, { 'ci/scan.yaml': 'allowlist:\n  paths: ["**"]\n', ...LEAK });
    const r = scanJson(dir, ['--range', 'main..pr', '--config', join(dir, 'ci/scan.yaml')]);
    expect(r.code).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'scan-config-changed', file: 'ci/scan.yaml' }));
  });

  it('an explicit --config outside the repository is the operator\'s: used as is, nothing reported about it', () => {
    const { dir } = repoWith({}, { 'fixtures/sample.py': `token = "${TOKEN}"\n` });
    const cfg = join(mkdtempSync(join(tmpdir(), 'ss-gate-cfg-')), 'ci.yaml');
    writeFileSync(cfg, 'allowlist:\n  paths: [fixtures/]\n');
    const r = scanJson(dir, ['--range', 'main..pr', '--config', cfg]);
    expect(r.code).toBe(0);
  });

  it('--trust-head-config reads the head config, and says so on stderr', () => {
    const { dir } = repoWith({}, { '.secret-sweep.yaml': 'allowlist:\n  paths: ["**"]\n', ...LEAK });
    const r = scanJson(dir, ['--range', 'main..pr', '--trust-head-config']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--trust-head-config/);
    expect(r.stderr).toMatch(/\.secret-sweep\.yaml is changed in this range/);
    expect(runCli(['scan', dir, '--trust-head-config'], { cwd: dir }).code).toBe(2);
  });

  it('a base config that does not load is a one-line error naming BASE:path:line, exit 2', () => {
    const { dir, base } = repoWith({ '.secret-sweep.yaml': 'use_default_rules: true\nmax_file_size: -3\n' }, LEAK);
    const r = runCli(['scan', dir, '--range', 'main..pr'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`secret-sweep: ${base.slice(0, 12)}:.secret-sweep.yaml:2: \`max_file_size\` must be a positive number of bytes`]);
  });

  it('a config change shows in every report format', () => {
    const { dir } = repoWith({}, { '.secret-sweep.yaml': 'use_default_rules: false\n' });
    for (const format of ['text', 'jsonl', 'sarif', 'junit', 'gitlab']) {
      const r = runCli(['scan', dir, '--range', 'main..pr', '--format', format], { cwd: dir });
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).toContain('scan-config-changed');
    }
  });
});

describe('--ci on a GitHub pull_request', () => {
  it('reads the config from the pull request base, not from the checkout', () => {
    const { dir, base, head } = repoWith({}, { '.secret-sweep.yaml': 'allowlist:\n  paths: ["**"]\n', ...LEAK });
    const event = join(mkdtempSync(join(tmpdir(), 'ss-gate-ev-')), 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: head } } }));
    const env = { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_SHA: head, GITLAB_CI: '' };
    expectCaught(scanJson(dir, ['--ci'], env), '.secret-sweep.yaml');
  });
});

describe('inline allow markers added by the change', () => {
  const MARKED = { 'app.py': `token = "${TOKEN}"  # gitleaks:allow\n` };

  // Without it, a marker the change adds is not trusted at all (gate-bypass-markers.test.ts).
  const TRUST = { '.secret-sweep.yaml': 'inline_allow: true\n' };

  it('with the base\'s `inline_allow: true`, are honoured but listed: json, jsonl, sarif, text', () => {
    const { dir, head } = repoWith(TRUST, MARKED);
    const r = scanJson(dir, ['--range', 'main..pr']);
    expect(r.code).toBe(0);
    expect(r.findings).toEqual([]);
    expect(r.suppressed.length).toBeGreaterThan(0);
    expect(r.suppressed[0]).toMatchObject({ file: 'app.py', suppressed: true, commit: head });
    expect(r.suppressed[0]!.suppression).toMatch(/gitleaks:allow/);
    expect(JSON.stringify(r.suppressed)).not.toContain(TOKEN);

    const jsonl = runCli(['scan', dir, '--range', 'main..pr', '--format', 'jsonl'], { cwd: dir });
    expect(jsonl.code).toBe(0);
    expect(jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ file: 'app.py', suppressed: true }));

    const sarif = JSON.parse(runCli(['scan', dir, '--range', 'main..pr', '--format', 'sarif'], { cwd: dir }).stdout);
    const results = sarif.runs[0].results as Array<{ suppressions?: Array<{ kind: string }> }>;
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((x) => x.suppressions?.[0]?.kind === 'inSource')).toBe(true);

    const text = runCli(['scan', dir, '--range', 'main..pr', '--no-color'], { cwd: dir });
    expect(text.stdout).toMatch(/\d+ findings? suppressed by inline allow markers/);
    expect(text.stdout).toContain('app.py:1:');
    expect(text.stdout).not.toContain(TOKEN);
  });

  it('a marked copy of a secret does not hide an unmarked copy of it elsewhere in the range', () => {
    const { dir } = repoWith(TRUST, MARKED, { 'lib.py': `token = "${TOKEN}"\n` });
    const r = scanJson(dir, ['--range', 'main..pr']);
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => f.file)).toContain('lib.py');
    expect(r.suppressed.map((f) => f.file)).toContain('app.py');
  });

  it('the base config turns them off (inline_allow: false): the marked secret is a finding', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': 'inline_allow: false\n' }, MARKED);
    const r = scanJson(dir, ['--range', 'main..pr']);
    expect(r.code).toBe(1);
    expect(r.findings.filter((f) => f.file === 'app.py').length).toBeGreaterThan(0);
    expect(r.suppressed).toEqual([]);
  });

  it('--staged lists them too, and honours inline_allow: false', () => {
    const { dir } = repoWith({});
    write(dir, MARKED);
    git(dir, 'add', 'app.py');
    const r = scanJson(dir, ['--staged']);
    expect(r.code).toBe(0);
    expect(r.suppressed).toContainEqual(expect.objectContaining({ file: 'app.py', suppressed: true }));
    // --staged reads the config HEAD has (an untracked or staged one is the change configuring its own scan).
    git(dir, 'reset', '-q');
    write(dir, { '.secret-sweep.yaml': 'inline_allow: false\n' });
    git(dir, 'add', '.secret-sweep.yaml');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'config');
    git(dir, 'add', 'app.py');
    const off = scanJson(dir, ['--staged']);
    expect(off.code).toBe(1);
    expect(off.findings.filter((f) => f.file === 'app.py').length).toBeGreaterThan(0);
  });

  it('inline_allow must be true or false: one line naming file and line, exit 2', () => {
    const { dir } = repoWith({});
    write(dir, { '.secret-sweep.yaml': 'use_default_rules: true\ninline_allow: "no"\n' });
    const r = runCli(['scan', dir], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^secret-sweep: .*\.secret-sweep\.yaml:2: `inline_allow` must be true or false$/);
  });
});
