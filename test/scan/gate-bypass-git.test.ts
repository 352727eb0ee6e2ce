// Bypass attempts through git itself: replace refs and grafts that show a clean commit in place of the
// one that leaks, and repository config that would have git run a program (textconv, external diff,
// fsmonitor). The gate reads the object database as it is (GIT_NO_REPLACE_OBJECTS, no graft file) and
// never lets git run a program the repository names (src/sources/git/run.ts).
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, repoWith, write } from '../support/gate-repo.js';

const TOKEN = githubToken(7101);
const LEAK = { 'app.py': `token = "${TOKEN}"\n` };

describe('the range as the object database has it', () => {
  it('git replace: the leaking head replaced by a clean commit is still scanned as it is', () => {
    const { dir, base, head } = repoWith({}, LEAK);
    git(dir, 'checkout', '-q', '-b', 'clean', base);
    const clean = commitAll(dir, { 'app.py': 'token = None\n' }, 'clean twin');
    git(dir, 'checkout', '-q', 'pr');
    git(dir, 'replace', head, clean);
    expect(git(dir, 'show', 'pr:app.py')).toBe('token = None'); // what git shows everyone else
    for (const args of [['--range', `${base}..${head}`], ['--range', 'main..pr'], ['--history']]) {
      const r = gateScan(dir, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py', commit: head }));
    }
  });

  it('a grafts file that cuts the leaking commit out of the range', () => {
    const { dir, base } = repoWith({}, LEAK);
    git(dir, 'rm', '-q', 'app.py');
    git(dir, 'commit', '-q', '-m', 'remove it again');
    const head = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(join(dir, '.git', 'info', 'grafts'), `${head} ${base}\n`);
    for (const args of [['--range', 'main..pr'], ['--history']]) {
      const r = gateScan(dir, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py' }));
    }
  });
});

describe('git never runs a program the repository names', () => {
  it('textconv and external diff drivers, fsmonitor: not run, and the leak is found', () => {
    const { dir } = repoWith({}, { '.gitattributes': '*.py diff=hide\n', ...LEAK });
    const ran = join(dir, '..', `ran-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const script = join(dir, '.git', 'hide.sh');
    writeFileSync(script, `#!/bin/sh\ntouch '${ran}'\necho clean\n`);
    chmodSync(script, 0o755);
    git(dir, 'config', 'diff.hide.textconv', script);
    git(dir, 'config', 'diff.hide.command', script);
    git(dir, 'config', 'diff.external', script);
    for (const args of [['--range', 'main..pr'], ['--history']]) {
      const r = gateScan(dir, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.py' }));
    }
    git(dir, 'reset', '-q', '--soft', 'main');
    write(dir, { 'other.py': 'x = 1\n' }); // an untracked file: an fsmonitor would be asked about it
    git(dir, 'config', 'core.fsmonitor', script); // last: the test's own git calls would run it
    const staged = gateScan(dir, ['--staged']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(existsSync(ran)).toBe(false);
  });
});
