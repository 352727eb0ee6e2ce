// `hook install` / `hook uninstall`: what is written where, chaining, refusing, and byte-for-byte removal.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { git, hook, makeRepo } from './helpers.js';

function mode(p: string): number {
  return statSync(p).mode & 0o777;
}

function snapshot(p: string) {
  return { bytes: readFileSync(p), mode: mode(p) };
}

describe('plain git hook', () => {
  it('creates .git/hooks/pre-commit (executable) and removes it again', () => {
    const repo = makeRepo();
    const r = hook(repo, 'install', '--git');
    expect(r.code).toBe(0);
    const file = join(repo, '.git', 'hooks', 'pre-commit');
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('#!/bin/sh\n# >>> secret-sweep >>> created')).toBe(true);
    expect(text).toContain('scan --staged');
    expect(text).toContain('git commit --no-verify');
    expect(mode(file) & 0o111).toBe(0o111);
    expect(hook(repo, 'install', '--git').stdout).toMatch(/already installed/);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(hook(repo, 'uninstall').code).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('chains an existing shell hook: our block after the shebang, the rest untouched; uninstall restores it byte-for-byte', () => {
    const repo = makeRepo();
    const file = join(repo, '.git', 'hooks', 'pre-commit');
    const original = '#!/usr/bin/env bash\nset -euo pipefail\necho "lint"\nexit 0\n';
    writeFileSync(file, original, { mode: 0o750 });
    chmodSync(file, 0o750);
    const before = snapshot(file);
    const r = hook(repo, 'install');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/using git \(detected/);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n# >>> secret-sweep >>> inserted')).toBe(true);
    expect(text.endsWith('# <<< secret-sweep <<<\nset -euo pipefail\necho "lint"\nexit 0\n')).toBe(true);
    expect(hook(repo, 'uninstall', '--git').code).toBe(0);
    expect(snapshot(file)).toEqual(before);
  });

  it('refuses a hook it cannot extend (not a shell script), one line, exit 2, file untouched', () => {
    const repo = makeRepo();
    const file = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(file, '#!/usr/bin/env python3\nimport sys\nsys.exit(0)\n', { mode: 0o755 });
    const before = snapshot(file);
    const r = hook(repo, 'install', '--git');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not a shell script.*--force/);
    expect(snapshot(file)).toEqual(before);
  });

  it('--force moves such a hook aside and chains it; uninstall puts it back byte-for-byte', () => {
    const repo = makeRepo();
    const file = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(file, '#!/usr/bin/env python3\nimport sys\nsys.exit(0)\n', { mode: 0o755 });
    const before = snapshot(file);
    expect(hook(repo, 'install', '--git', '--force').code).toBe(0);
    expect(snapshot(file + '.secret-sweep-chained')).toEqual(before);
    expect(readFileSync(file, 'utf8')).toContain('pre-commit.secret-sweep-chained');
    expect(hook(repo, 'uninstall').code).toBe(0);
    expect(snapshot(file)).toEqual(before);
    expect(existsSync(file + '.secret-sweep-chained')).toBe(false);
  });

  it('refuses a hook that is not executable (git ignores it) unless --force', () => {
    const repo = makeRepo();
    const file = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(file, '#!/bin/sh\necho disabled\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    const r = hook(repo, 'install', '--git');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not executable/);
  });

  it('respects core.hooksPath (relative to the top of the work tree), from a subfolder too', () => {
    const repo = makeRepo();
    git(repo, 'config', 'core.hooksPath', 'tools/hooks');
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    const r = hook(join(repo, 'src', 'deep'), 'install', '--git');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(repo, 'tools', 'hooks', 'pre-commit'))).toBe(true);
    expect(existsSync(join(repo, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(r.stdout).toContain('tools/hooks/pre-commit');
  });

  it('in a linked worktree, installs where git runs hooks (the common hooks folder)', () => {
    const repo = makeRepo();
    const wt = repo + '-wt';
    git(repo, 'worktree', 'add', '-q', wt);
    expect(hook(wt, 'install', '--git').code).toBe(0);
    expect(existsSync(join(repo, '.git', 'hooks', 'pre-commit'))).toBe(true);
  });

  it('will not write into husky\'s generated folder: says to use --husky', () => {
    const repo = makeRepo();
    git(repo, 'config', 'core.hooksPath', '.husky/_');
    const r = hook(repo, 'install', '--git');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--husky/);
  });

  it('uninstall with nothing installed says so and exits 0', () => {
    const repo = makeRepo();
    const r = hook(repo, 'uninstall');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not installed/);
  });

  it('outside a repository: one line, exit 2', () => {
    const r = hook('/', 'install', '--git');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not inside a git work tree/);
  });

  it('--command is baked into the hook', () => {
    const repo = makeRepo();
    hook(repo, 'install', '--git', '--command', 'node tools/ss.js');
    expect(readFileSync(join(repo, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('__ss_run() { node tools/ss.js "$@"; }');
  });
});

describe('husky', () => {
  it('detected from core.hooksPath; block at the top of an existing .husky/pre-commit (v9, no shebang); restored exactly', () => {
    const repo = makeRepo();
    mkdirSync(join(repo, '.husky'));
    git(repo, 'config', 'core.hooksPath', '.husky/_');
    const file = join(repo, '.husky', 'pre-commit');
    writeFileSync(file, 'npm test\nnpx lint-staged\n');
    const before = snapshot(file);
    const r = hook(repo, 'install');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/using husky/);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# >>> secret-sweep >>> inserted')).toBe(true);
    expect(text.endsWith('# <<< secret-sweep <<<\nnpm test\nnpx lint-staged\n')).toBe(true);
    expect(hook(repo, 'uninstall').code).toBe(0);
    expect(snapshot(file)).toEqual(before);
  });

  it('v8 layout: after the shebang and the husky.sh line', () => {
    const repo = makeRepo();
    mkdirSync(join(repo, '.husky'));
    const file = join(repo, '.husky', 'pre-commit');
    const original = '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\nnpm test\n';
    writeFileSync(file, original, { mode: 0o755 });
    expect(hook(repo, 'install', '--husky').code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n# >>> secret-sweep')).toBe(true);
    hook(repo, 'uninstall', '--husky');
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('creates .husky/pre-commit when missing and notes when husky is not active', () => {
    const repo = makeRepo();
    const r = hook(repo, 'install', '--husky');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/npx husky/);
    expect(existsSync(join(repo, '.husky', 'pre-commit'))).toBe(true);
    hook(repo, 'uninstall');
    expect(existsSync(join(repo, '.husky', 'pre-commit'))).toBe(false);
  });
});

describe('pre-commit framework', () => {
  const userConfig = [
    '# our hooks: keep this comment',
    'default_stages: [commit]',
    'repos:',
    '  # formatting',
    '  - repo: https://github.com/pre-commit/pre-commit-hooks',
    '    rev: v4.5.0   # pinned',
    '    hooks:',
    '      - id: trailing-whitespace',
    "      - {id: end-of-file-fixer, exclude: '^docs/'}",
    '',
    '# trailing comment',
    'fail_fast: false',
    '',
  ].join('\n');

  it('adds a local entry after the last repo, keeping every other byte; uninstall restores the file exactly', () => {
    const repo = makeRepo();
    const file = join(repo, '.pre-commit-config.yaml');
    writeFileSync(file, userConfig);
    const r = hook(repo, 'install');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/using pre-commit/);
    expect(r.stdout).toMatch(/pre-commit install/);
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('  # >>> secret-sweep');
    expect(text.slice(0, at)).toBe(userConfig.slice(0, userConfig.indexOf('\n# trailing') ));
    const cfg = parseDocument(text).toJS() as { repos: Array<{ repo: string; hooks: Array<Record<string, unknown>> }>; fail_fast: boolean };
    expect(cfg.fail_fast).toBe(false);
    expect(cfg.repos).toHaveLength(2);
    const ours = cfg.repos[1]!;
    expect(ours.repo).toBe('local');
    expect(ours.hooks[0]).toMatchObject({ id: 'secret-sweep', language: 'system', entry: 'sh', pass_filenames: false });
    expect(String((ours.hooks[0]!.args as string[])[1])).toContain('scan --staged');
    const again = hook(repo, 'install', '--pre-commit');
    expect(again.stdout, again.stderr).toMatch(/already installed/);
    expect(hook(repo, 'uninstall').code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(userConfig);
  });

  it('creates the config when there is none, and uninstall deletes it', () => {
    const repo = makeRepo();
    const file = join(repo, '.pre-commit-config.yaml');
    expect(hook(repo, 'install', '--pre-commit').code).toBe(0);
    expect((parseDocument(readFileSync(file, 'utf8')).toJS() as { repos: unknown[] }).repos).toHaveLength(1);
    hook(repo, 'uninstall', '--pre-commit');
    expect(existsSync(file)).toBe(false);
  });

  it('leaves a config that already references secret-sweep alone', () => {
    const repo = makeRepo();
    const file = join(repo, '.pre-commit-config.yaml');
    const cfg = 'repos:\n  - repo: https://example.invalid/secret-sweep\n    rev: v0.1.0\n    hooks:\n      - id: secret-sweep\n';
    writeFileSync(file, cfg);
    const r = hook(repo, 'install', '--pre-commit');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/already has a hook with id secret-sweep/);
    expect(readFileSync(file, 'utf8')).toBe(cfg);
  });

  it('converts a flow-style `repos:` (`repos: []`, or flow items) to a block list with the entry last; idempotent; uninstall restores the bytes', () => {
    const repo = makeRepo();
    const file = join(repo, '.pre-commit-config.yaml');
    const flow = [
      '# keep me',
      'repos: [{repo: https://github.com/psf/black, rev: 24.1.0, hooks: [{id: black}]},',
      "        {repo: local, hooks: [{id: x, name: x, entry: 'true', language: system}]}]  # two",
      'fail_fast: true',
    ].join('\n'); // no final newline: kept as it is
    for (const cfg of ['repos: []\n', flow]) {
      writeFileSync(file, cfg);
      const before = (parseDocument(cfg).toJS() as { repos: unknown[] }).repos;
      const r = hook(repo, 'install', '--pre-commit');
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(file, 'utf8');
      const doc = parseDocument(text).toJS() as { repos: Array<{ repo: string; hooks: Array<{ id: string }> }>; fail_fast?: boolean };
      expect(doc.repos.slice(0, -1)).toEqual(before);
      expect(doc.repos.at(-1)!.hooks.map((h) => h.id)).toEqual(['secret-sweep', 'secret-sweep-commit-msg']);
      if (cfg === flow) expect(text.startsWith('# keep me\n') && doc.fail_fast === true).toBe(true);
      const again = hook(repo, 'install', '--pre-commit');
      expect(again.stdout, again.stderr).toMatch(/already installed/);
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(hook(repo, 'uninstall').code).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(cfg);
    }
    // Edited inside the converted list since: uninstall refuses rather than drop the user's repo.
    writeFileSync(file, 'repos: []\n');
    hook(repo, 'install', '--pre-commit');
    writeFileSync(file, readFileSync(file, 'utf8').replace('repos:\n', 'repos:\n  - {repo: meta, hooks: [{id: identity}]}\n'));
    const u = hook(repo, 'uninstall');
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/edited since/);
  });

  it('refuses what it cannot extend safely (a flow-style top level), one line, exit 2', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.pre-commit-config.yaml'), '{repos: []}\n');
    const r = hook(repo, 'install', '--pre-commit');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/by hand/);
  });

  it('reports invalid YAML with file:line', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.pre-commit-config.yaml'), 'repos:\n  - repo: local\n    hooks: [\n');
    const r = hook(repo, 'install', '--pre-commit');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.pre-commit-config\.yaml:\d+: not valid YAML/);
  });
});

describe('usage', () => {
  it('one kind at a time', () => {
    const repo = makeRepo();
    const r = hook(repo, 'install', '--git', '--husky');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/choose one of/);
  });
});
