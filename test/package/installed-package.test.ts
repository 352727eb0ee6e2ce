// The package as a user installs it: `npm pack`, then `npm i --omit=optional <tarball>` in a fresh project
// (not a git repository). The rule examples (fake credentials in real formats) are not shipped, so the
// installed package does not flag itself even when node_modules is scanned; node_modules is skipped by
// default; scanning works without the optional (migrate, AWS, --verify) packages, and what needs one says
// which. Slow: an npm install from npm's cache or the registry.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { installTarball, packProject } from '../support/npm-install.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

let tarball = '';
let project = '';

function cli(args: string[]) {
  const bin = join(project, 'node_modules/secret-sweep/bin/secret-sweep.js');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function jsonl(file: string): Array<{ rule: string; file: string }> {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { rule: string; file: string });
}

beforeAll(() => {
  const dest = mkdtempSync(join(tmpdir(), 'ss-pack-'));
  temps.push(dest);
  tarball = packProject(dest);
  project = installTarball(tarball, ['--omit=optional'], temps);
}, 600_000);

describe('the installed package', () => {
  it('ships the built rules, not rules/*.yaml with their examples', () => {
    const files = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    expect(files).toContain('package/dist/builtin-rules.bin');
    expect(files).toContain('package/dist/builtin-scan-rules.bin');
    // The keyword automaton built with them, and the pre-commit hook's one-file entry.
    expect(files).toContain('package/dist/builtin-automaton.json');
    expect(files).toContain('package/dist/builtin-automaton.bin');
    expect(files).toContain('package/dist/bundle/hook.cjs');
    expect(files).toContain('package/bin/precompiled.js');
    expect(files).toContain('package/dist/bundle/scan.cjs');
    expect(files.filter((f) => f.startsWith('package/rules/'))).toEqual([]);
    expect(files.filter((f) => f.includes('cache'))).toEqual([]);
  });

  it('does not flag itself: 0 findings in node_modules/secret-sweep even with --include-vendored', () => {
    const out = join(project, 'all.jsonl');
    const r = cli(['scan', '.', '--include-vendored', '--format', 'jsonl', '-o', out]);
    expect(r.code, r.stderr).toBeLessThan(2);
    const own = jsonl(out).filter((f) => f.file.startsWith('node_modules/secret-sweep/'));
    expect(own.map((f) => `${f.file} ${f.rule}`)).toEqual([]);
    rmSync(out);
  });

  it('a default scan outside git skips node_modules (saying so) and finds the project\'s own leak with the shipped rules', () => {
    writeFileSync(join(project, 'settings.py'), `API_TOKEN = "${githubToken(4242)}"\n`);
    try {
      const out = join(project, 'own.jsonl');
      const r = cli(['scan', '.', '--format', 'jsonl', '-o', out]);
      expect(r.code, r.stderr).toBe(1);
      expect(jsonl(out).map((f) => `${f.file} ${f.rule}`)).toEqual(['settings.py github-pat-classic']);
      expect(r.stderr).toMatch(/note: skipped 1 folder of installed third-party code \(node_modules\/\): --include-vendored scans them/);
      rmSync(out);
    } finally {
      rmSync(join(project, 'settings.py'));
    }
  });

  it('scans without the optional packages; what needs one names it and exits 2', () => {
    for (const p of ['typescript', 'web-tree-sitter', '@aws-sdk/client-secrets-manager', 'pg']) expect(existsSync(join(project, 'node_modules', p)), p).toBe(false);
    expect(cli(['rules', 'explain', 'github-pat-classic']).stdout).toMatch(/examples: +in rules\/\S+\.yaml of the repository \(not in the installed package/);
    writeFileSync(join(project, 'refs.env'), 'APP_SETTING=sm://app/dev/setting\n');
    const run = cli(['run', '--env-file', 'refs.env', '--region', 'us-east-1', '--', process.execPath, '-e', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^secret-sweep: APP_SETTING: the AWS Secrets Manager backend .* needs the optional package @aws-sdk\/client-secrets-manager, which is not installed .*npm i "@aws-sdk\/client-secrets-manager@[~^]3/),
    ]);
  });
});
