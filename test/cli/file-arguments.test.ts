// `scan FILE...`: any number of files and folders (lint-staged, editors, pre-commit's pass_filenames),
// and --exclude GLOB (repeatable). Findings are named relative to the current folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-files-'));
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'config.ini'), `[api]\ntoken = ${githubToken(941)}\n`);
  writeFileSync(join(dir, 'sub', 'a.py'), `TOKEN = "${githubToken(942)}"\n`);
  writeFileSync(join(dir, 'other', 'b.py'), `TOKEN = "${githubToken(943)}"\n`);
  writeFileSync(join(dir, 'other', 'c.py'), `TOKEN = "${githubToken(944)}"\n`);
  return dir;
}

const files = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { file: string }).file).sort();

describe('scan with file arguments', () => {
  it('scan config.ini scans that one file', () => {
    const dir = tree();
    const r = runCli(['scan', 'config.ini', '--format', 'jsonl'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(files(r.stdout)).toEqual(['config.ini']);
  });

  it('scan a file, a folder and a file in another folder', () => {
    const dir = tree();
    const r = runCli(['scan', 'config.ini', 'sub', 'other/b.py', '--format', 'jsonl'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(files(r.stdout)).toEqual(['config.ini', 'other/b.py', 'sub/a.py']);
  });

  it('--exclude GLOB is repeatable and applies to named files and folders', () => {
    const dir = tree();
    const r = runCli(['scan', 'config.ini', 'sub', 'other', '--exclude', '*.ini', '--exclude', 'other/c.py', '--format', 'jsonl'], { cwd: dir });
    expect(files(r.stdout)).toEqual(['other/b.py', 'sub/a.py']);
    const folder = runCli(['scan', '.', '--exclude', 'sub/', '--format', 'jsonl'], { cwd: dir });
    expect(files(folder.stdout)).toEqual(['config.ini', 'other/b.py', 'other/c.py']);
  });

  it('paths outside the current folder are named from the folder holding them all', () => {
    const dir = tree();
    const r = runCli(['scan', '../config.ini', 'a.py', '--format', 'jsonl'], { cwd: join(dir, 'sub') });
    expect(files(r.stdout)).toEqual(['config.ini', 'sub/a.py']);
  });

  it('a missing path is exit 2 naming it; files with a git mode are exit 2', () => {
    const dir = tree();
    const r = runCli(['scan', 'config.ini', 'nope.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('secret-sweep: nope.txt: no such file or folder');
    const staged = runCli(['scan', '--staged', 'config.ini', 'sub'], { cwd: dir });
    expect(staged.code).toBe(2);
    expect(staged.stderr).toContain('file arguments apply to a working-tree scan');
  });
});
