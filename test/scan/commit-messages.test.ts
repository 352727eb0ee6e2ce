// Round 8 (docs/gate.md): a token pasted into a commit message ("remove token ghp_…") is pushed and cloned
// with the commit, yet --range and --ci read file contents only and passed it. Messages of the scanned
// commits are now read (and, in --history, annotated tags'): the finding's file is `(commit message)`,
// its line the message's, its commit the commit's. A \x01 before the token (the reader's record separator)
// does not hide it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { gateScan, git, githubEnv, repoWith, write } from '../support/gate-repo.js';

describe('commit and tag messages', { timeout: 60_000 }, () => {
  it('a token in a message fails --range and --ci, naming the commit; a clean message passes; a baseline accepts it by fingerprint; --history reads tag messages', () => {
    const tok = githubToken(8901);
    const { dir, base } = repoWith({});
    write(dir, { 'app.txt': 'one\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', `config: move the deploy token out\n\nThe old one was \x01${tok}, revoked.`);
    const leak = git(dir, 'rev-parse', 'HEAD');
    write(dir, { 'app.txt': 'two\n' });
    git(dir, 'add', '-A');
    // Prose a generic rule could take for an assignment: not a finding.
    git(dir, 'commit', '-q', '--no-verify', '-m', 'auth: the password is now read from the vault\n\npassword = settings value, token: see docs');
    const head = git(dir, 'rev-parse', 'HEAD');

    const range = gateScan(dir, ['--range', `${base}..pr`]);
    expect(range.code, range.stderr).toBe(1);
    expect(range.findings).toEqual([expect.objectContaining({ file: '(commit message)', rule: 'github-pat-classic', line: 3, commit: leak })]);
    const ci = gateScan(dir, ['--ci', '--no-fetch'], githubEnv('push', { before: base, after: head, ref: 'refs/heads/pr' }, head));
    expect(ci.code, ci.stderr).toBe(1);
    expect(ci.findings).toEqual([expect.objectContaining({ file: '(commit message)', commit: leak })]);

    expect(gateScan(dir, ['--range', `${leak}..pr`])).toMatchObject({ code: 0, findings: [] });

    const fingerprint = (range.findings[0] as { fingerprint?: string }).fingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{16,64}$/);
    const bl = join(dir, '.git', 'accepted-baseline.txt');
    writeFileSync(bl, `${fingerprint} github-pat-classic\n`);
    expect(gateScan(dir, ['--range', `${base}..pr`, '--baseline', bl])).toMatchObject({ code: 0, findings: [] });

    const tagTok = githubToken(8902);
    git(dir, 'tag', '-a', 'v1', '-m', `release\n\x01${tagTok}`);
    const hist = gateScan(dir, ['--history']);
    expect(hist.code, hist.stderr).toBe(1);
    expect(hist.findings.map((f) => `${f.file}:${f.line}`).sort()).toEqual(['(commit message):3', '(message of tag v1):2']);

    // A secret also found in a file is reported once, for the file (messages are read beside the blobs).
    write(dir, { 'deploy.env': `TOKEN=${tok}\n` });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'deploy: env file');
    const both = gateScan(dir, ['--history']);
    expect(both.code, both.stderr).toBe(1);
    expect(both.findings.map((f) => `${f.file}:${f.line}`).sort()).toEqual(['(message of tag v1):2', 'deploy.env:1']);
  });
});
