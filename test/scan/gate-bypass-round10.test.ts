// Round 10 of bypass attempts (docs/gate.md).
// - a token split into string literals the program joins: `"gh" + "p_…"` (the rule keyword itself split,
//   so no keyword is in the blob), Python's implicit `"…" "…"` over two lines, shell `"gh"'p_…'`, PHP `.`,
//   a JS template literal with a constant `${"…"}` piece, `[…].join('')`: passed every mode.
// - a token in the commit message at commit time: no hook read it (the CI gate did, after the push). Now
//   `hook install` adds a commit-msg hook (git, husky, pre-commit framework) running `scan --commit-msg`.
// - tried and already closed: a revert of a revert bringing back a token the base's history removed,
//   `.gitattributes` linguist-generated / linguist-vendored on the leaking file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { deflatedZip } from '../support/archives.js';
import { githubToken } from '../support/fake-secrets.js';
import { BIN, runCli } from '../support/cli.js';
import { commitAll, gateScan, git, repoWith, write } from '../support/gate-repo.js';
import { sh } from '../hooks/helpers.js';

describe('round 10: joined string literals, commit messages at commit time', { timeout: 120_000 }, () => {
  it('--range and --staged read literals the program joins; scan --commit-msg and the commit-msg hooks read the message', () => {
    const [split, implicit, shell, php, template, joined, reverted, generated, staged, body, comment, removed, added, hooked, framework, tiny, url, formula, fstring, commented] = [
      1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019, 1020,
    ].map((s) => githubToken(s));
    const { dir, base } = repoWith({ 'app.py': 'x = 1\n' });
    // Before the base: a token added, then reverted (the base's history, not its tree, holds it).
    git(dir, 'checkout', '-q', 'main');
    const leak = commitAll(dir, { 'old.py': `KEY = "${reverted}"\n` }, 'add old');
    git(dir, 'revert', '--no-edit', leak);
    const target = git(dir, 'rev-parse', 'HEAD');
    const revert = target;
    git(dir, 'checkout', '-q', '-B', 'pr', target);
    git(dir, 'revert', '--no-edit', revert);
    commitAll(
      dir,
      {
        // The rule's keyword split: the blob holds no `ghp_` at all.
        'split.py': `import os\nTOKEN = "${split.slice(0, 2)}" + "${split.slice(2)}"\nother = ("${implicit.slice(0, 12)}"\n         "${implicit.slice(12)}")\n`,
        'deploy.sh': `TOKEN="${shell.slice(0, 3)}"'${shell.slice(3)}'\n`,
        'conf.php': `<?php $t = '${php.slice(0, 20)}' . '${php.slice(20)}';\n`,
        'client.js': `const a = \`${template.slice(0, 8)}\${"${template.slice(8, 18)}"}${template.slice(18)}\`;\nconst b = ['${joined.slice(0, 10)}', '${joined.slice(10)}'].join('');\n`,
        // Joined text that is no credential.
        'clean.js': `const url = "https://example.com/api/" + "v2/resources/items";\nconst greeting = 'hello ' + 'world';\nconst id = "abcdefghij" + "klmnopqrst";\n`,
        '.gitattributes': '*.gen linguist-generated\n*.ven linguist-vendored\n',
        'out.gen': `k = "${generated}"\n`,
        // An Excel formula `="gh"&"p_…"`: the sheet's XML writes the `&` as `&amp;`.
        'book.xlsx': deflatedZip('xl/worksheets/sheet1.xml', `<worksheet><sheetData><row r="1"><c r="A1"><f>"${formula.slice(0, 2)}"&amp;"${formula.slice(2)}"</f></c></row></sheetData></worksheet>`),
        // Three characters a piece; a URL whose end a run-time value supplies (the token is whole in the literals).
        'tiny.py': `t = ${(tiny.match(/.{1,3}/g) ?? []).map((p) => `"${p}"`).join(' + ')}\nu = "https://x-access-token:" + "${url.slice(0, 2)}" + "${url.slice(2)}" + "@github.com/" + repo\nf = f"${fstring.slice(0, 6)}{'${fstring.slice(6, 20)}'}${fstring.slice(20)}"\nc = ("${commented.slice(0, 9)}"  # the first part\n     "${commented.slice(9)}")\n`,
      },
      'concat',
    );
    const files = (r: ReturnType<typeof gateScan>) => [...new Set(r.findings.map((f) => f.file))].sort();
    const range = gateScan(dir, ['--range', `${target}..pr`]);
    expect(range.code, range.stderr).toBe(1);
    expect(files(range)).toEqual(['book.xlsx', 'client.js', 'conf.php', 'deploy.sh', 'old.py', 'out.gen', 'split.py', 'tiny.py']);
    const at = (file: string) => range.findings.filter((f) => f.file === file).map((f) => f.line).sort();
    expect(at('split.py')).toEqual([2, 3]);
    expect(at('client.js')).toEqual([1, 2]);
    expect(at('tiny.py')).toEqual([1, 2, 3, 4]);

    // --staged: Python's implicit concatenation, the keyword split.
    write(dir, { 'staged.py': `T = ("${staged.slice(0, 2)}" "${staged.slice(2)}")\n` });
    git(dir, 'add', 'staged.py');
    const st = gateScan(dir, ['--staged']);
    expect(st.code, st.stderr).toBe(1);
    expect(files(st)).toEqual(['staged.py']);
    git(dir, 'reset', '-q', '--hard');

    // The message file a commit-msg hook gets: the body and a `#` line (`git commit -m` keeps it) are read;
    // below `git commit -v`'s scissors, a removed line of the diff is not (the commit removes it), an added one is.
    const scratch = mkdtempSync(join(tmpdir(), 'ss-r10-'));
    const msg = join(scratch, 'COMMIT_EDITMSG');
    writeFileSync(msg, `subject\n\nbody ${body}\n# ${comment}\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n-old = "${removed}"\n+new = "${added}"\n`);
    const cm = gateScan(dir, ['--commit-msg', msg]);
    expect(cm.code, cm.stderr).toBe(1);
    expect(cm.findings.map((f) => [f.file, f.line])).toEqual([
      ['(commit message)', 3],
      ['(commit message)', 4],
      ['(commit message)', 9],
    ]);
    expect(gateScan(dir, ['--commit-msg', join(scratch, 'missing')]).code).toBe(2);

    // A real `git commit -m` through the installed plain git hooks: blocked by the commit-msg hook.
    const env = { SECRET_SWEEP_BIN: BIN };
    expect(runCli(['hook', 'install', '--git'], { cwd: dir, env }).code).toBe(0);
    write(dir, { 'note.txt': 'clean\n' });
    git(dir, 'add', 'note.txt');
    const before = git(dir, 'rev-parse', 'HEAD');
    const commit = sh(dir, 'git', ['commit', '-q', '-m', `deploy with ${hooked}`], env);
    expect(commit.code, commit.stderr).not.toBe(0);
    expect(commit.stderr).toContain('the commit message holds the credential');
    expect(commit.stderr.includes(hooked)).toBe(false);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(before);

    // The pre-commit framework's commit-msg entry, run as pre-commit runs it (the message file appended).
    expect(runCli(['hook', 'install', '--pre-commit'], { cwd: dir, env }).code).toBe(0);
    const cfg = parseDocument(readFileSync(join(dir, '.pre-commit-config.yaml'), 'utf8')).toJS() as { default_install_hook_types: string[]; repos: Array<{ hooks: Array<{ id: string; entry: string; args: string[]; stages?: string[] }> }> };
    expect(cfg.default_install_hook_types).toEqual(['pre-commit', 'commit-msg']);
    const h = cfg.repos[0]!.hooks.find((x) => x.id === 'secret-sweep-commit-msg')!;
    expect(h.stages).toEqual(['commit-msg']);
    writeFileSync(msg, `fix\n\n${framework}\n`);
    const pc = sh(dir, h.entry, [...h.args, msg], env);
    expect(pc.code, pc.stderr).toBe(1);
    expect(pc.stdout + pc.stderr).toContain('(commit message)');
  });
});
