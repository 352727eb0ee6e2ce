/**
 * The baseline is applied before the per-file findings cap: a file holding 1,000 accepted findings still
 * has a new secret found, in every mode that takes --baseline.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { cleanup, commit, git, keyLine, makeRepo, stage, tempDir, write } from '../sources/git/helpers.js';

afterAll(cleanup);

const ACCEPTED = 1000; // the default --max-findings-per-file
const old = Array.from({ length: ACCEPTED }, (_, i) => keyLine(i + 1)).join('');
const NEW = ACCEPTED + 7;

function baselineOf(dir: string): string {
  const file = join(tempDir('ss-bl-'), 'baseline.txt');
  const r = runCli(['baseline', dir, '--output', file]);
  expect(r.code, r.stderr).toBe(0);
  return file;
}

function newFindings(args: string[]): string[] {
  const r = runCli([...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(1);
  return (JSON.parse(r.stdout) as { findings: Array<{ line: number }> }).findings.map((f) => `line ${f.line}`);
}

describe('findings cap after the baseline', () => {
  it('tree mode: the new key after 1,000 accepted ones is reported', () => {
    const dir = tempDir();
    write(dir, { 'keys.txt': old });
    const bl = baselineOf(dir);
    write(dir, { 'keys.txt': old + keyLine(NEW) });
    expect(newFindings(['scan', dir, '--baseline', bl])).toEqual([`line ${ACCEPTED + 1}`]);
  });

  it('--staged and --range: the same in a new file holding the accepted keys and a new one', () => {
    const r = makeRepo();
    commit(r, { 'README.md': 'x\n' });
    const base = git(r, 'rev-parse', 'HEAD');
    write(r, { 'keys.txt': old });
    const bl = baselineOf(r);
    stage(r, { 'keys.txt': old + keyLine(NEW) });
    expect(newFindings(['scan', r, '--staged', '--baseline', bl])).toEqual([`line ${ACCEPTED + 1}`]);
    git(r, 'commit', '-q', '-m', 'keys');
    expect(newFindings(['scan', r, '--range', `${base}..HEAD`, '--baseline', bl])).toEqual([`line ${ACCEPTED + 1}`]);
  });
});
