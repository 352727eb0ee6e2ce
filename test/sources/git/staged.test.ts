import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector, type Detector } from '../../../src/detect/detector.js';
import type { Finding } from '../../../src/findings/finding.js';
import { secretOf } from '../../../src/findings/finding.js';
import { loadBuiltinRules } from '../../../src/rules/load.js';
import type { Fragment } from '../../../src/sources/source.js';
import { parseAddedLines, stagedSource, unquoteC, type StagedOptions } from '../../../src/sources/git/staged.js';
import { SweepError } from '../../../src/errors.js';
import { cleanup, commit, fakeKey, git, keyLine, makeRepo, stage, tempDir, write } from './helpers.js';

let detector: Detector;
beforeAll(() => {
  detector = createDetector(loadBuiltinRules());
});
afterAll(cleanup);

async function scanStaged(repo: string, opts: Partial<StagedOptions> = {}) {
  const src = await stagedSource(repo, { maxFileSize: 10 << 20, ...opts });
  const fragments: Fragment[] = [];
  const findings: Finding[] = [];
  for await (const f of src.fragments()) {
    fragments.push(f);
    findings.push(...detector.detect(f));
  }
  return { fragments, findings, stats: src.stats(), secrets: findings.map((f) => secretOf(f)) };
}

describe('scan --staged', () => {
  it('reads the index, not the work tree', async () => {
    const r = makeRepo();
    commit(r, { 'app.py': 'print(1)\n' });
    stage(r, { 'app.py': 'print(1)\n' + keyLine(1) });
    write(r, { 'app.py': 'print(1)\n# removed after staging\n' });
    const res = await scanStaged(r);
    expect(res.secrets).toEqual([fakeKey(1)]);
    expect(res.findings[0]!.file).toBe('app.py');
    expect(res.findings[0]!.line).toBe(2);
    expect(res.fragments[0]!.provenance.kind).toBe('staged');

    // And the other way round: a secret only in the work tree is not what is being committed.
    stage(r, { 'app.py': 'print(2)\n' });
    write(r, { 'app.py': 'print(2)\n' + keyLine(2) });
    expect((await scanStaged(r)).findings).toEqual([]);
  });

  it('reports only added or changed lines by default; --all-lines reports the whole file', async () => {
    const r = makeRepo();
    commit(r, { 'conf.ini': 'a\n' + keyLine(3) + 'b\nc\n' });
    stage(r, { 'conf.ini': 'a\n' + keyLine(3) + 'b\nc\nd\n' + keyLine(4) });
    const res = await scanStaged(r);
    expect(res.secrets).toEqual([fakeKey(4)]);
    expect(res.findings[0]!.line).toBe(6);
    expect([...res.fragments[0]!.onlyLines!].sort()).toEqual([5, 6]);
    const all = await scanStaged(r, { allLines: true });
    expect(all.secrets.sort()).toEqual([fakeKey(3), fakeKey(4)].sort());
  });

  it('a changed line is reported, a deleted one is not', async () => {
    const r = makeRepo();
    commit(r, { 'x.txt': 'one\ntwo\nthree\n' });
    stage(r, { 'x.txt': 'one\n' + keyLine(5) + 'three\n' });
    expect((await scanStaged(r)).secrets).toEqual([fakeKey(5)]);
  });

  it('in a repository with no commits, everything staged is new', async () => {
    const r = makeRepo();
    stage(r, { 'a.txt': 'x\n' + keyLine(6), 'b/c.txt': keyLine(7) });
    const res = await scanStaged(r);
    expect(res.secrets.sort()).toEqual([fakeKey(6), fakeKey(7)].sort());
  });

  it('files renamed without change are not re-reported; renamed with change report the change', async () => {
    const r = makeRepo();
    commit(r, { 'old.txt': keyLine(8), 'keep.txt': 'l1\nl2\nl3\nl4\nl5\n' + keyLine(9) });
    git(r, 'mv', 'old.txt', 'new name.txt');
    git(r, 'mv', 'keep.txt', 'moved.txt');
    stage(r, { 'moved.txt': 'l1\nl2\nl3\nl4\nl5\n' + keyLine(9) + keyLine(10) });
    const res = await scanStaged(r);
    expect(res.fragments.map((f) => f.provenance.path)).toEqual(['moved.txt']);
    expect(res.secrets).toEqual([fakeKey(10)]);
  });

  it('deleted files have nothing to scan; names with spaces, newlines and quotes work', async () => {
    const r = makeRepo();
    commit(r, { 'gone.txt': 'x\n' });
    stage(r, { 'gone.txt': null, 'a b.txt': keyLine(11), 'new\nline "q".txt': 'z\n' + keyLine(12), 'tab\there.txt': keyLine(13) });
    const res = await scanStaged(r);
    expect(res.findings.map((f) => `${f.file}:${f.line}`).sort()).toEqual(['a b.txt:1', 'new\nline "q".txt:2', 'tab\there.txt:1']);
  });

  it('non-UTF-8 file names and content', async () => {
    const r = makeRepo();
    commit(r, { 'init.txt': 'x\n' });
    const name = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    const { execFileSync } = await import('node:child_process');
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: r, input: Buffer.concat([Buffer.from([0xff, 0x0a]), Buffer.from(keyLine(14))]) }).toString().trim();
    execFileSync('git', ['update-index', '--add', '--index-info'], { cwd: r, input: Buffer.concat([Buffer.from(`100644 ${blob}\t`), name, Buffer.from('\n')]) });
    const res = await scanStaged(r);
    expect(res.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['caf\uFFFD.txt:2']);
  });

  it('oversized files and LFS objects not in the clone are skipped and counted; binary ones are read for their strings; submodules are noted', async () => {
    const sub = makeRepo();
    commit(sub, { 'inner.txt': keyLine(15) });
    const r = makeRepo();
    commit(r, { 'a.txt': 'a\n' });
    stage(r, {
      'bin.dat': Buffer.concat([Buffer.from(keyLine(16)), Buffer.from([0])]),
      'big.txt': 'y'.repeat(500) + '\n' + keyLine(17),
      'model.onnx': 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'cd'.repeat(32) + '\nsize 99\n',
    });
    git(r, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'ext/sub');
    const res = await scanStaged(r, { maxFileSize: 300 });
    // A gate does not skip binary content (src/sources/binary-text.ts): the key before the NUL is found.
    expect(res.findings.map((f) => f.file)).toEqual(['bin.dat']);
    expect(res.stats.skipped.map((s) => `${s.path}:${s.reason}`).sort()).toEqual(['big.txt:too-large', 'model.onnx:lfs-object']);
    expect(res.stats.notes).toContain('submodule ext/sub not scanned');
  });

  it('UTF-16 files with a BOM are decoded', async () => {
    const r = makeRepo();
    const text = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('k = ' + fakeKey(18) + '\n', 'utf16le')]);
    stage(r, { 'w.txt': text });
    expect((await scanStaged(r)).secrets).toEqual([fakeKey(18)]);
  });

  it('errors: not a repository, bare repository (exit 2, one line)', async () => {
    const d = tempDir();
    const e1 = await stagedSource(d, { maxFileSize: 10 << 20 }).catch((e) => e);
    expect(e1).toBeInstanceOf(SweepError);
    expect(e1.message).toBe(`${d} is not a git repository`);
    const bare = makeRepo({ bare: true });
    const e2 = await stagedSource(bare, { maxFileSize: 10 << 20 }).catch((e) => e);
    expect(e2).toBeInstanceOf(SweepError);
    expect(e2.message).toMatch(/bare repository/);
    expect(e2.exitCode).toBe(2);
  });

  it('works from a subdirectory and with a detached HEAD; paths stay relative to the top level', async () => {
    const r = makeRepo();
    const c1 = commit(r, { 'sub/a.txt': 'a\n' });
    git(r, 'checkout', '-q', '--detach', c1);
    stage(r, { 'sub/a.txt': 'a\n' + keyLine(19) });
    const res = await scanStaged(`${r}/sub`);
    expect(res.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['sub/a.txt:2']);
  });
});

describe('patch parsing', () => {
  it('hunk bodies are skipped by count, so a "+++ " content line is not a header', () => {
    const patch = [
      'diff --git a/f b/f',
      'index 1..2 100644',
      '--- a/f',
      '+++ b/f',
      '@@ -1,0 +2,2 @@',
      '+++ b/evil',
      '+@@ -1 +100,5 @@',
      '@@ -5 +7 @@',
      '-old',
      '+new',
      '\\ No newline at end of file',
      'diff --git "a/x\\ty" "b/x\\ty"',
      'new file mode 100644',
      '--- /dev/null',
      '+++ "b/x\\ty"',
      '@@ -0,0 +1 @@',
      '+z',
      'diff --git a/s p b/s p',
      '--- a/s p\t',
      '+++ b/s p\t',
      '@@ -3,2 +3,0 @@',
      '-a',
      '-b',
      '',
    ].join('\n');
    const m = parseAddedLines(patch);
    expect([...m.get('f')!]).toEqual([2, 3, 7]);
    expect([...m.get('x\ty')!]).toEqual([1]);
    expect([...m.get('s p')!]).toEqual([]);
    expect(m.has('evil')).toBe(false);
  });

  it('unquotes C-style names, octal bytes included', () => {
    expect(unquoteC('"b/caf\\303\\251 \\"q\\"\\n"')).toBe(Buffer.from('b/café "q"\n', 'utf8').toString('latin1'));
  });
});
