// Round 7 of bypass attempts (docs/gate.md).
// - `--ci` on a GitLab push whose CI_COMMIT_BEFORE_SHA is set by hand (pipeline variables): `before` = the
//   head gave an empty range, `before` = the leaking commit (a clean commit on top) a range without it;
//   both passed. A push to a feature branch now scans its commits not on the default branch, and a push
//   range with no commits (the default branch, a tag) the whole history of the head.
// - a token written with the escapes its language undoes when it reads the literal: `\x67hp_…` (one
//   escaped character is enough), octal, `'\u0067…'` in single quotes, `\u{…}`, Java's `\uuuu0067`, Ruby's
//   `\u{67 68}`, Python's `\N{LOW LINE}`, HTML `&#103;`/`&lowbar;`, a backslash-newline continuation inside
//   the value (shell, YAML double quotes), a Python file that declares `coding: utf-7`: every mode passed.
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, githubEnv, repoWith, write } from '../support/gate-repo.js';
import { runCli } from '../support/cli.js';
import { escapedRuns } from '../../src/detect/string-escapes.js';
import { decodeUtf7, utf7Lines } from '../../src/detect/utf7.js';

const TOKEN = githubToken(7701);
const LINE = `token = "${TOKEN}"\n`;
const CLEAN = 'token = "from the vault"\n';

const gitlabPush = (before: string, head: string, more: Record<string, string>) => ({
  GITHUB_ACTIONS: '',
  GITLAB_CI: 'true',
  CI_PIPELINE_SOURCE: 'push',
  CI_COMMIT_BEFORE_SHA: before,
  CI_COMMIT_SHA: head,
  CI_DEFAULT_BRANCH: 'main',
  ...more,
});

describe('--ci on a push: a "before" set by hand leaves nothing out', { timeout: 120_000 }, () => {
  it('feature branch, CI_COMMIT_BEFORE_SHA = the head or = the leaking commit (CI_COMMIT_BRANCH = main too): the commits not on main are scanned', () => {
    const { dir } = repoWith({}, { 'app.env': LINE });
    const leak = git(dir, 'rev-parse', 'HEAD');
    const head = commitAll(dir, { 'app.env': CLEAN }, 'clean on top');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    // The third also names the default branch as the pushed one (CI_COMMIT_BRANCH is a variable too).
    for (const [before, branch] of [[head, 'pr'], [leak, 'pr'], [leak, 'main']] as const) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], gitlabPush(before, head, { CI_COMMIT_BRANCH: branch }));
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.env', commit: leak }));
    }
  });

  it('default branch or tag, CI_COMMIT_BEFORE_SHA = the head: the whole history is scanned', () => {
    const { dir } = repoWith({}, { 'app.env': LINE }, { 'app.env': CLEAN });
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'merge', '-q', '--ff-only', 'pr');
    const head = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    for (const more of [{ CI_COMMIT_BRANCH: 'main' }, { CI_COMMIT_TAG: 'v1' }]) {
      const r = gateScan(dir, ['--ci', '--no-fetch'], gitlabPush(head, head, more));
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ file: 'app.env' }));
    }
  });

  it('a genuine force-push back on a feature branch (GitHub): the branch is scanned again and passes, saying why', () => {
    const { dir } = repoWith({}, { 'a.txt': 'one\n' }, { 'a.txt': 'two\n' });
    const newer = git(dir, 'rev-parse', 'HEAD');
    const older = git(dir, 'rev-parse', 'HEAD~1');
    git(dir, 'reset', '-q', '--hard', older);
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    const env = githubEnv('push', { before: newer, after: older, ref: 'refs/heads/pr', repository: { default_branch: 'main' } }, older);
    const r = runCli(['scan', dir, '--ci', '--no-fetch', '--no-color'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/scanning every commit of [0-9a-f]{12} not on origin\/main/);
    // The same on main itself (nothing to compare against): the whole history, clean.
    git(dir, 'checkout', '-q', 'main');
    const main = git(dir, 'rev-parse', 'HEAD');
    const onMain = runCli(['scan', dir, '--ci', '--no-fetch', '--no-color'], { cwd: dir, env: githubEnv('push', { before: newer, after: main, ref: 'refs/heads/main', repository: { default_branch: 'main' } }, main) });
    expect(onMain.code, onMain.stderr).toBe(0);
    expect(onMain.stdout).toMatch(/holds no commits .*scanning the whole history/);
  });
});

describe('a token behind string escapes or a declared UTF-7 encoding', { timeout: 120_000 }, () => {
  const hex = (c: string, w: number) => c.charCodeAt(0).toString(16).padStart(w, '0');
  // One token per file (the same secret in several files is one finding with several places).
  const enc: Record<string, (t: string) => string> = {
    'deploy.sh': (t) => `IMAGE="${t.slice(0, 20)}\\\n${t.slice(20)}"\n`,
    'c.yaml': (t) => `image: "${t.slice(0, 20)}\\\n  ${t.slice(20)}"\n`,
    'c.toml': (t) => `image = """${t.slice(0, 20)}\\  \n\n    ${t.slice(20)}"""\n`,
    'one.py': (t) => `image = "\\x67${t.slice(1)}"\n`,
    'sq.py': (t) => `image = '${[...t].map((c) => `\\u${hex(c, 4)}`).join('')}'\n`,
    'oct.c': (t) => `const char *image = "${[...t].map((c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`).join('')}";\n`,
    'brace.js': (t) => `const image = "\\u{0000067}${t.slice(1)}";\n`,
    'list.rb': (t) => `image = "\\u{67 68 70}${t.slice(3)}"\n`,
    'Uni.java': (t) => `String image = "\\uuuu0067${t.slice(1)}";\n`,
    'named.py': (t) => `image = "${t.slice(0, 3)}\\N{low line}${t.slice(4)}"\n`,
    'page.html': (t) => `<meta name="image" content="&#103&#x68;p&lowbar;${t.slice(4)}">\n`,
    'seven.py': (t) => `# -*- coding: utf-7 -*-\nimage = "+${Buffer.from(t, 'utf16le').swap16().toString('base64').replace(/=+$/, '')}-"\n`,
  };
  const files: Record<string, string> = Object.fromEntries(Object.entries(enc).map(([name, f], i) => [name, f(githubToken(7710 + i))]));
  // The base holds the first line of the continuation; the change adds only the second (--staged reads
  // added lines: a decoded span counts on any of its lines).
  const half = githubToken(7730);
  const baseFiles = { 'cont.sh': `IMAGE="${half.slice(0, 20)}\\\nlatest"\n` };
  files['cont.sh'] = `IMAGE="${half.slice(0, 20)}\\\n${half.slice(20)}"\n`;
  // Not tokens: a continued shell command, escapes in short strings, a Windows path.
  files['Dockerfile'] = 'RUN apt-get install -y \\\n  curl \\\n  git\nRUN printf "\\x41\\x42\\101" > C:\\x64\\tools\n';
  const leaking = Object.keys(files).filter((f) => f !== 'Dockerfile').sort();

  it('each is found by --staged and --range, and nothing else is', () => {
    const { dir } = repoWith(baseFiles);
    write(dir, files);
    git(dir, 'add', '-A');
    const staged = gateScan(dir, ['--staged']);
    expect(staged.code, staged.stderr).toBe(1);
    expect([...new Set(staged.findings.map((f) => f.file))].sort()).toEqual(leaking);
    git(dir, 'commit', '-q', '--no-verify', '-m', 'escaped');
    const range = gateScan(dir, ['--range', 'main..pr']);
    expect(range.code, range.stderr).toBe(1);
    expect(range.findings.every((f) => f.rule === 'github-pat-classic'), JSON.stringify(range.findings)).toBe(true);
    expect([...new Set(range.findings.map((f) => f.file))].sort()).toEqual(leaking);
  });

  it('what is decoded, and what is left alone', () => {
    const runs = (text: string) => {
      const out: string[] = [];
      escapedRuns(text, (r) => out.push(r.text));
      return out;
    };
    const tok = githubToken(7702);
    expect(runs(`x = "\\x67${tok.slice(1)}"`)).toEqual([tok]);
    // A megabyte of token characters in front does not use up the run before its escape.
    expect(runs(`x = "${'A'.repeat(1_100_000)}.\\x67${tok.slice(1)}"`).some((r) => r.endsWith(`.${tok}`))).toBe(true);
    expect(runs(`a = '\\0'; b = "\\n\\t"; apt-get install \\\n  curl; path = C:\\x64\\bin`)).toEqual([]);
    expect(decodeUtf7('a +AGcAaABw- b +- c')).toBe('a ghp b + c');
    // Escapes after many that start none (`\\n`, a lone `&`), of both kinds, in any order.
    expect(runs(`${'a & b \\n '.repeat(50)}x = "\\x67${tok.slice(1)}" & y = "&#103;${tok.slice(1)}"`)).toEqual([tok, tok]);
    // The declaration in any case and spelling, also as the text's very first characters; none without it.
    const utf7 = (text: string) => {
      const out: string[] = [];
      utf7Lines(text, (l) => out.push(l.text));
      return out;
    };
    for (const decl of ['coding=Utf7', '# -*- coding: UTF_7 -*-', 'encoding="utf-7"', '<meta charset=UTF-7>']) {
      expect(utf7(`${decl}\nv = "+AGcAaABw-"\n`), decl).toEqual(['v = "ghp"']);
    }
    expect(utf7('coding: utf-8 7\nv = "+AGcAaABw-"\n')).toEqual([]);
  });
});
