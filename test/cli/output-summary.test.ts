// With -o FILE the report goes to the file and the CI log still gets the summary and notes on stderr, in
// every format (the documented GitLab job and the Action write reports to files).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';

describe('-o FILE: summary on stderr', () => {
  for (const format of ['sarif', 'json', 'jsonl', 'gitlab', 'junit', 'text']) {
    it(`--format ${format} -o FILE`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'ss-out-'));
      const token = githubToken(961);
      writeFileSync(join(dir, 'a.py'), `A = "${token}"\n`);
      const r = runCli(['scan', '.', '--format', format, '-o', 'report.out', '--exclude', 'report.out'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^secret-sweep: 1 finding in 1 file; 1 file scanned, .*; report written to report\.out$/m);
      expect(r.stderr.includes(token)).toBe(false);
      expect(readFileSync(join(dir, 'report.out'), 'utf8').length).toBeGreaterThan(0);
    });
  }

  it('notes (here the baseline count) are on stderr too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-out-'));
    writeFileSync(join(dir, 'a.py'), `A = "${githubToken(962)}"\n`);
    expect(runCli(['baseline', '.', '-o', 'b.txt'], { cwd: dir }).code).toBe(0);
    const r = runCli(['scan', '.', '--baseline', 'b.txt', '--format', 'sarif', '-o', 'r.sarif'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^secret-sweep: no leaks found/m);
    expect(r.stderr).toMatch(/^secret-sweep: note: 1 finding accepted by the baseline b\.txt/m);
  });
});

describe("secret-sweep's own reports", () => {
  // README: `scan . --format sarif -o leaks.sarif`, then `scan .` again: the report is an untracked file of the
  // folder. Its rule names, descriptions and help (SARIF lists every rule, JUnit names each) and its redacted
  // matches must not be findings, or each run reports the last one's report.
  it("written into the scanned folder (SARIF: every rule's texts; JUnit: every rule's id), they are not findings of the next scan", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-out-'));
    writeFileSync(join(dir, 'a.py'), `A = "${githubToken(963)}"\n`);
    for (const format of ['sarif', 'junit']) {
      expect(runCli(['scan', '.', '--format', format, '-o', `report.${format}`], { cwd: dir }).code).toBe(1);
    }
    const again = runCli(['scan', '.', '--format', 'jsonl'], { cwd: dir });
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file)).toEqual(['a.py']);
  });
});
