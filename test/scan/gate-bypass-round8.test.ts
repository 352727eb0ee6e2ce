// Round 8 of bypass attempts (docs/gate.md).
// - a Jupyter notebook whose cell source (or text output) is an array of strings split inside the token:
//   Jupyter shows them joined, every mode passed.
// - a file committed through Git LFS (a pointer in git, the bytes in LFS storage, which every clone with
//   git-lfs checks out): the pointer was skipped and the gate passed. The object is now read from the
//   clone's LFS store and scanned at the pointer's path; one not in the clone makes the gate exit 2.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { gateScan, git, repoWith, write } from '../support/gate-repo.js';

const notebook = (tok: string, cut: number) =>
  JSON.stringify(
    {
      cells: [
        { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['import github\n', `gh = github.Github("${tok.slice(0, cut)}`, `${tok.slice(cut)}")\n`] },
        // As Jupyter writes it: split after each line end, nothing to join (no second scan).
        { cell_type: 'markdown', metadata: {}, source: ['# Notes\n', 'see the vault'] },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );

/** A file as git-lfs stores it: the pointer in git, the bytes in `.git/lfs/objects/aa/bb/<oid>`. */
function lfsFile(dir: string, path: string, content: string): string {
  const oid = createHash('sha256').update(content).digest('hex');
  const folder = join(dir, '.git', 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, oid), content);
  write(dir, { [path]: `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${Buffer.byteLength(content)}\n` });
  return oid;
}

describe('round 8: content a reader puts together', { timeout: 120_000 }, () => {
  it('a notebook token split across source strings, and a token committed through Git LFS: found by --staged and --range; an LFS object not in the clone is exit 2', () => {
    const { dir } = repoWith({});
    write(dir, { 'nb.ipynb': notebook(githubToken(8801), 9), '.gitattributes': 'prod.env filter=lfs diff=lfs merge=lfs -text\n' });
    lfsFile(dir, 'prod.env', `GH_TOKEN=${githubToken(8802)}\n`);
    git(dir, 'add', '-A');
    const staged = gateScan(dir, ['--staged']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(staged.findings.map((f) => `${f.file}:${f.rule}`).sort()).toEqual(['nb.ipynb:github-pat-classic', 'prod.env:github-pat-classic']);
    git(dir, 'commit', '-q', '--no-verify', '-m', 'notebook and lfs');
    const range = gateScan(dir, ['--range', 'main..pr']);
    expect(range.code, range.stderr).toBe(1);
    // The notebook finding is placed at the array (line 8: `"source": [`).
    expect(range.findings.map((f) => `${f.file}:${f.line}:${f.rule}`).sort()).toEqual(['nb.ipynb:8:github-pat-classic', 'prod.env:1:github-pat-classic']);
    // A CI checkout without the LFS objects (actions/checkout's default): the gate cannot read prod.env.
    renameSync(join(dir, '.git', 'lfs'), join(dir, '.git', 'lfs-gone'));
    const missing = gateScan(dir, ['--range', 'main..pr']);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.skipped).toEqual([expect.objectContaining({ path: 'prod.env', reason: 'lfs-object' })]);
    expect(missing.stderr).toMatch(/prod\.env: not scanned, cannot be read \(.*Git LFS object sha256:[0-9a-f]{12} \(\d+ bytes\) is not in this clone/);
  });
});
