/**
 * No silent skips: what a scan could not read is a warning naming it in every mode, and in the gate modes
 * (--staged, --range, --history, --ci) exit 2 unless --allow-skips. Large text is scanned in windows in
 * gate modes, not skipped for its size. Binary files stay an ordinary skip.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { cleanup, commit, git, keyLine, makeRepo, stage, tempDir, write } from '../sources/git/helpers.js';

afterAll(cleanup);

/** Text just over the 10 MB default cap, with a key on its last line. */
const big = () => 'x = 1\n'.repeat(1_800_000) + keyLine(9);

describe('incomplete runs', () => {
  it('--range: a blob over --max-file-size is exit 2, named on stderr; --allow-skips accepts it', () => {
    const r = makeRepo();
    const base = commit(r, { 'README.md': 'x\n' });
    commit(r, { 'data/dump.sql': 'select 1;\n'.repeat(200) + keyLine(1), 'img.bin': Buffer.from([0, 1, 2, 0]) });
    const gate = runCli(['scan', r, '--range', `${base}..HEAD`, '--max-file-size', '1000', '--format', 'sarif']);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain('data/dump.sql: not scanned, larger than --max-file-size');
    expect(gate.stderr).not.toContain('img.bin'); // binary: an ordinary skip
    expect(JSON.parse(gate.stdout).runs[0].invocations[0].executionSuccessful).toBe(false);
    const accepted = runCli(['scan', r, '--range', `${base}..HEAD`, '--max-file-size', '1000', '--allow-skips']);
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toContain('data/dump.sql');
    expect(accepted.stdout).toContain('incomplete scan: 1 file or blob could not be read');
  });

  it('--history: a missing blob is exit 2 and named', () => {
    const r = makeRepo();
    commit(r, { 'a.txt': 'hello\n', 'gone.txt': 'lost content\n' + keyLine(2) });
    const sha = git(r, 'rev-parse', 'HEAD:gone.txt');
    rmSync(join(r, '.git', 'objects', sha.slice(0, 2), sha.slice(2)));
    const res = runCli(['scan', r, '--history', '--format', 'json']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('gone.txt: not scanned, cannot be read');
    const doc = JSON.parse(res.stdout);
    expect(doc.incomplete).toBe(true);
    expect(doc.skipped.map((s: { path: string }) => s.path)).toEqual(['gone.txt']);
  });

  it('--staged: a large text file is scanned in windows, not skipped for its size', () => {
    const r = makeRepo();
    commit(r, { 'README.md': 'x\n' });
    stage(r, { 'big.log': big() });
    const res = runCli(['scan', r, '--staged', '--format', 'json']);
    expect(res.code, res.stderr).toBe(1);
    const doc = JSON.parse(res.stdout);
    expect(doc.incomplete).toBe(false);
    expect(doc.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['big.log:1800001']);
  });

  it('tree mode: a folder whose path is over PATH_MAX is a warning naming it and an incomplete report', () => {
    // Made one level at a time in a child process (no single call takes the whole path); removed by rm -rf.
    const d = mkdtempSync(join(tmpdir(), 'ss-pathmax-'));
    try {
      const make = "const fs = require('fs'); for (let i = 0; i < 22; i++) { fs.mkdirSync(process.env.SEG); process.chdir(process.env.SEG); } fs.writeFileSync('deep.txt', process.env.BODY);";
      execFileSync(process.execPath, ['-e', make], { cwd: d, env: { ...process.env, SEG: 'd'.repeat(200), BODY: keyLine(5) } });
      const res = runCli(['scan', d, '--format', 'json']);
      expect(res.code).toBe(0);
      expect(res.stderr).toMatch(/warning: d{200}\/.*: not scanned, cannot be read \(ENAMETOOLONG\)/);
      expect(JSON.parse(res.stdout).incomplete).toBe(true);
    } finally {
      execFileSync('rm', ['-rf', d]);
    }
  });

  it('tree mode: a file over the size cap is a warning naming it and an incomplete report, exit unchanged', () => {
    const d = tempDir();
    write(d, { 'big.log': big(), 'ok.txt': 'fine\n' });
    const res = runCli(['scan', d, '--format', 'gitlab']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('big.log: not scanned, larger than --max-file-size');
    expect(JSON.parse(res.stdout).scan.status).toBe('failure');
  });
});
