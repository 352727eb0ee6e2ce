// Bypass attempts through the shape of the tree: a symlink whose target is the secret (its blob is the
// target text, and was skipped as "symlink"). Git modes scan a symlink's blob like any other text.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { gateScan, git, repoWith } from '../support/gate-repo.js';

const TOKEN = githubToken(7301);

describe('a symlink whose target is a token', () => {
  it('--range, --history and --staged report it (exit 1), the token redacted', () => {
    const { dir } = repoWith({});
    symlinkSync(TOKEN, join(dir, 'creds'));
    git(dir, 'add', 'creds');
    const staged = gateScan(dir, ['--staged']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(staged.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file: 'creds' }));
    git(dir, 'commit', '-q', '--no-verify', '-m', 'link');
    for (const args of [['--range', 'main..pr'], ['--history']]) {
      const r = gateScan(dir, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file: 'creds' }));
      expect(JSON.stringify(r.findings)).not.toContain(TOKEN);
    }
  });
});
