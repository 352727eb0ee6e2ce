// Installed third-party code (node_modules, virtualenvs, Go/Composer vendor/) is skipped by a folder walk
// unless --include-vendored; in a git work tree git's list decides (a committed vendor folder is scanned).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-vendored-'));
  temps.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const leak = (seed: number) => `TOKEN = "${githubToken(seed)}"\n`;
const files = (r: { stdout: string }) => r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { file: string }).file).sort();

describe('vendored folders', () => {
  const dir = tree({
    'app.py': leak(1),
    'node_modules/aws-sdk/README.md': leak(2),
    'web/node_modules/x/index.js': leak(3),
    '.venv/lib/site.py': leak(4),
    'env39/pyvenv.cfg': 'home = /usr/bin\n',
    'env39/lib/mod.py': leak(5),
    'go/vendor/modules.txt': '# example.com/x v1.0.0\n',
    'go/vendor/example.com/x/x.go': leak(6),
    'vendor/mine.py': leak(7), // a plain vendor/ folder (no Go or Composer marker) is the project's own
  });

  it('are skipped outside git, with a note naming them and the flag', () => {
    const r = runCli(['scan', dir, '--format', 'jsonl']);
    expect(r.code).toBe(1);
    expect(files(r)).toEqual(['app.py', 'vendor/mine.py']);
    expect(r.stderr).toBe('');
    const text = runCli(['scan', dir, '--no-color']);
    expect(text.stdout).toMatch(/note: skipped 5 folders of installed third-party code \(\.venv\/, env39\/, go\/vendor\/ and 2 more\): --include-vendored scans them/);
  });

  it('--include-vendored scans them', () => {
    const r = runCli(['scan', dir, '--format', 'jsonl', '--include-vendored']);
    expect(files(r)).toEqual(['.venv/lib/site.py', 'app.py', 'env39/lib/mod.py', 'go/vendor/example.com/x/x.go', 'node_modules/aws-sdk/README.md', 'vendor/mine.py', 'web/node_modules/x/index.js']);
  });

  it('a folder named on the command line is scanned, its nested node_modules not', () => {
    const r = runCli(['scan', join(dir, 'web/node_modules/x'), '--format', 'jsonl']);
    expect(files(r)).toEqual(['index.js']);
  });

  it('in a git work tree, committed vendored files are scanned (git decides)', () => {
    const repo = tree({ 'node_modules/lib/index.js': leak(8), 'app.py': 'x = 1\n' });
    const git = (...a: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { cwd: repo });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'vendored');
    expect(files(runCli(['scan', repo, '--format', 'jsonl']))).toEqual(['node_modules/lib/index.js']);
  });
});
