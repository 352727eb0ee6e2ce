// Round 9 of bypass attempts (docs/gate.md).
// - two pull requests each add half of a token on lines git merges cleanly (a TOML """ string continued
//   over a blank line): each request's own blobs are clean, so the second request's gate passed while
//   merging it put the token on main. The gate now also reads what merging the head into the base commits.
// - a token as a commit's author name, or in an extra commit header (`git hash-object -t commit` takes
//   any), passed every mode: only messages were read. And a `refs/replace/*` ref showed a clean message in
//   place of the one that leaked (the message reader did not run git as the rest of the scan does).
// - `--range main..v9` / `--ci` on a tag push with the token in the annotated tag's message: passed.
// - a message stored under `encoding UTF-16LE` (git log re-encodes the ASCII bytes into other characters).
// - a clean file whose name is a token, added only by an evil merge: merge paths were not read as names.
// - a token in a pull request's title or a merge request's description (a squash merge's commit message).
// - Shift-JIS text: `：` (81 46) before a token reads as `\uFFFD` + `F` glued to it in UTF-8; a terminal
//   colour `ESC [ 32 m` or ISO-2022-JP's `ESC ( B` right before it; `"a\tghp_…"` (a tab to the program);
//   Markdown `_ghp_…_` (shown in italics): passed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, githubEnv, repoWith, write } from '../support/gate-repo.js';

const toml = (first: string, third: string) => `title = ${first}\n\n${third}\n`;

describe('round 9: merges, commit headers, tags, legacy encodings', { timeout: 120_000 }, () => {
  it('what merging commits, author names, extra headers, tag messages and Shift-JIS text are read by --range and --ci; the halves alone pass', () => {
    const [merged, author, header, tagged, sjis, replaced, named, utf16, ansi, iso, tab, italic, title, description, tagger, wide] = [91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106].map((s) => githubToken(s));
    const { dir, base } = repoWith({ 'app.toml': toml('"demo"', 'name = "x"') });
    git(dir, 'checkout', '-q', 'main');
    // Request 1 (merged first): the first half, a TOML line continuation over the blank line after it.
    git(dir, 'checkout', '-q', '-b', 'pr1', base);
    commitAll(dir, { 'app.toml': toml(`"""${merged.slice(0, 20)}\\`, 'name = "x"') }, 'pr1');
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'merge', '-q', '--no-ff', '-m', 'merge pr1', 'pr1');
    const target = git(dir, 'rev-parse', 'HEAD');
    // Request 2, from the old base: the second half; the rest of the round's attempts on top.
    git(dir, 'checkout', '-q', '-B', 'pr', base);
    commitAll(dir, { 'app.toml': toml('"demo"', `${merged.slice(20)}"""`) }, 'pr2');
    git(dir, '-c', `user.name=${author}`, 'commit', '-q', '--allow-empty', '-m', 'a commit by a token');
    // A commit object with a header of its own (kept by git and by a push).
    const raw = git(dir, 'cat-file', 'commit', 'HEAD').replace('\n\n', `\nx-deploy-key ${header}\n\n`);
    writeFileSync(join(dir, '.git', 'c.txt'), raw + '\n');
    git(dir, 'update-ref', 'refs/heads/pr', git(dir, 'hash-object', '-t', 'commit', '-w', join(dir, '.git', 'c.txt')));
    git(dir, 'reset', '-q', '--hard', 'pr');
    // Shift-JIS `：` (81 46) in front of the token: an editor shows `key：ghp_…`.
    // A terminal log's colour (`ESC [ 32 m`) and ISO-2022-JP's switch back to ASCII (`ESC ( B`) before one.
    commitAll(
      dir,
      {
        'notes.txt': Buffer.concat([Buffer.from('key'), Buffer.from([0x81, 0x46]), Buffer.from(sjis + '\n')]),
        'build.log': `token: \x1b[32m${ansi}\x1b[0m\n`,
        'mail.eml': `Subject: key\n\n\x1b$B!"\x1b(B${iso}\n`,
        // A one-letter string escape (Python reads a tab, then the token); Markdown italics.
        'tab.py': `x = "a\\t${tab}"\n`,
        'notes.md': `the key: _${italic}_\n`,
      },
      'notes',
    );
    // An evil merge that adds a clean file whose name is a token (only the merge has the path).
    git(dir, 'branch', 'side', base);
    git(dir, 'merge', '-q', '--no-commit', 'side');
    write(dir, { [`deploy-${named}.txt`]: 'clean\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'merge side');
    // A message that leaks, and a replace ref that shows a clean one in its place.
    const leaky = commitAll(dir, { 'r.txt': 'r\n' }, `rotate ${replaced}`);
    git(dir, 'replace', leaky, git(dir, 'commit-tree', `${leaky}^{tree}`, '-p', `${leaky}^`, '-m', 'rotate'));
    // A message stored under `encoding UTF-16LE`: git log shows other characters, the object holds the token.
    git(dir, '-c', 'i18n.commitEncoding=UTF-16LE', 'commit', '-q', '--allow-empty', '-m', `rotate ${utf16}`);
    const encoded = git(dir, 'rev-parse', 'HEAD');
    // The same header over bytes that are UTF-16LE (git re-encodes it cut at the first NUL: `r`).
    const wideHead = git(dir, 'cat-file', 'commit', 'HEAD').split('\n\n')[0]!.replace(/^parent .*$/m, `parent ${encoded}`);
    writeFileSync(join(dir, '.git', 'w.txt'), Buffer.concat([Buffer.from(wideHead + '\n\n'), Buffer.from(`rotate ${wide}\n`, 'utf16le')]));
    const wideCommit = git(dir, 'hash-object', '-t', 'commit', '-w', '--literally', join(dir, '.git', 'w.txt'));
    git(dir, 'reset', '-q', '--hard', wideCommit);
    git(dir, 'tag', '-a', 'v9', '-m', `release; deploy key ${tagged}`);
    const head = git(dir, 'rev-parse', 'HEAD');
    const files = (r: ReturnType<typeof gateScan>) => [...new Set(r.findings.map((f) => f.file))].sort();
    const expected = ['(commit header)', '(commit message)', '(tag v9)', 'app.toml', 'build.log', `deploy-${named.slice(0, 4)}\u2026.txt`, 'mail.eml', 'notes.md', 'notes.txt', 'tab.py']; // a token in a path is shown redacted

    // Each half alone is clean: what request 1 added passes.
    expect(gateScan(dir, ['--range', `${base}..pr1`]).code).toBe(0);
    const range = gateScan(dir, ['--range', `${target}..v9`]);
    expect(range.code, range.stderr).toBe(1);
    expect(files(range)).toEqual(expected);
    expect(range.findings.filter((f) => f.file === '(commit message)').map((f) => f.commit).sort()).toEqual([leaky, encoded, wideCommit].sort());
    // GitHub pull_request on the merge ref (actions/checkout's default), the target moved on since the fork.
    git(dir, 'update-ref', 'refs/remotes/origin/main', target);
    git(dir, 'checkout', '-q', '--detach', target);
    git(dir, 'merge', '-q', '--no-ff', '-m', 'merge ref', head);
    // The title becomes a squash merge's commit message on main.
    const env = githubEnv('pull_request', { pull_request: { title: `Deploy with ${title}`, base: { sha: target, ref: 'main' }, head: { sha: head, ref: 'pr' } }, repository: { default_branch: 'main' } }, git(dir, 'rev-parse', 'HEAD'));
    const ci = gateScan(dir, ['--ci'], { ...env, GITHUB_BASE_REF: 'main' });
    expect(ci.code, ci.stderr).toBe(1);
    expect(files(ci)).toEqual(['(pull request title)', ...expected.filter((f) => f !== '(tag v9)')].sort());
    // GitLab merge request: its diff base is the fork point, the target's tip has moved on (pr1 merged).
    const gitlab = { GITHUB_ACTIONS: '', GITLAB_CI: 'true', CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: '9', CI_MERGE_REQUEST_DIFF_BASE_SHA: base, CI_COMMIT_SHA: head, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_DEFAULT_BRANCH: 'main', CI_MERGE_REQUEST_DESCRIPTION: `uses ${description}` };
    const mr = gateScan(dir, ['--ci', '--no-fetch'], gitlab);
    expect(mr.code, mr.stderr).toBe(1);
    expect(files(mr)).toEqual(expect.arrayContaining(['app.toml', '(merge request description)']));
    // --ci on the push of the tag (GitHub's `after` is the tag object).
    const tagEnv = githubEnv('push', { ref: 'refs/tags/v9', before: '0'.repeat(40), after: git(dir, 'rev-parse', 'v9'), repository: { default_branch: 'main' } }, head);
    const tag = gateScan(dir, ['--ci'], { ...tagEnv, GITHUB_REF: 'refs/tags/v9' });
    expect(tag.code, tag.stderr).toBe(1);
    expect(files(tag)).toContain('(tag v9)');

    // A whole --history reads every annotated tag: its tagger too.
    git(dir, '-c', `user.name=${tagger}`, 'tag', '-a', 'v10', '-m', 'clean', target);
    const history = gateScan(dir, ['--history']);
    expect(history.code, history.stderr).toBe(1);
    expect(files(history)).toContain('(message of tag v10)');

    // --staged: the Shift-JIS line.
    git(dir, 'checkout', '-q', 'main');
    write(dir, { 'jp.txt': Buffer.concat([Buffer.from([0x81, 0x46]), Buffer.from(sjis)]) });
    git(dir, 'add', 'jp.txt');
    const staged = gateScan(dir, ['--staged']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(files(staged)).toEqual(['jp.txt']);
  });
});
