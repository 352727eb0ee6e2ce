import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitOf, secretOf } from '../../src/findings/finding.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import type { RuleSpec } from '../../src/rules/rule.js';
import { scanHistory, type HistoryScanOptions } from '../../src/scan/history-scan.js';
import { SweepError } from '../../src/errors.js';
import { cleanup, commit, fakeKey, git, keyLine, makeRepo, tempDir } from '../sources/git/helpers.js';

let specs: RuleSpec[];
beforeAll(() => {
  specs = loadBuiltinRules();
});
afterAll(cleanup);

function scan(path: string, o: Partial<HistoryScanOptions> = {}) {
  return scanHistory({ path, specs, progress: false, maxFileSize: 10 << 20, workers: 0, ...o });
}

describe('scan --history', () => {
  it('a secret added in commit 2 and removed in commit 5 is found once, attributed to commit 2, not at HEAD', async () => {
    const r = makeRepo();
    commit(r, { 'README.md': 'hello\n' }, 'c1');
    const c2 = commit(r, { 'config.py': 'x = 1\n' + keyLine(1) }, 'c2');
    commit(r, { 'config.py': 'x = 2\n' + keyLine(1) }, 'c3');
    commit(r, { 'other.txt': 'y\n' }, 'c4');
    commit(r, { 'config.py': 'x = 2\n' }, 'c5');
    const res = await scan(r);
    expect(res.findings).toHaveLength(1);
    const f = res.findings[0]!;
    expect(f.rule).toBe('aws-access-key-id');
    expect(secretOf(f)).toBe(fakeKey(1));
    expect(commitOf(f)).toBe(c2);
    expect(f.file).toBe('config.py');
    expect(f.line).toBe(2);
    expect(f.seen?.at?.author).toBe('Test Author');
    expect(f.seen?.at?.email).toBe('author@example.test');
    expect(f.seen?.presentAtHead).toBe(false);
    // Two blobs held it (c2 and c3 versions): two provenances, oldest first.
    expect(f.seen?.places.length).toBe(2);
    expect(f.seen!.places.map((p) => p.commit)).toEqual([c2, git(r, 'rev-parse', 'HEAD~2')]);
    expect(res.history.commits).toBe(5);
    expect(JSON.stringify(f)).not.toContain(fakeKey(1));
  });

  it('the same secret in three files is one blob, scanned once, and one finding with three provenances', async () => {
    const r = makeRepo();
    const content = 'settings\n' + keyLine(2);
    const c1 = commit(r, { 'a.env': content, 'b.env': content, 'dir/c.env': content }, 'c1');
    const res = await scan(r);
    expect(res.history.blobs).toBe(1);
    expect(res.history.blobsScanned).toBe(1);
    expect(res.history.entries).toBe(3);
    expect(res.findings).toHaveLength(1);
    const f = res.findings[0]!;
    expect(f.seen?.places.length).toBe(3);
    expect(f.seen!.places.map((p) => p.path).sort()).toEqual(['a.env', 'b.env', 'dir/c.env']);
    expect(f.seen!.places.every((p) => p.commit === c1)).toBe(true);
    expect(f.seen?.presentAtHead).toBe(true);
  });

  it('one secret in different files (different blobs) is still one finding', async () => {
    const r = makeRepo();
    commit(r, { 'a.py': 'a = 1\n' + keyLine(3) }, 'c1');
    commit(r, { 'b.py': 'b = 2\n\n' + keyLine(3) }, 'c2');
    const res = await scan(r);
    expect(res.history.blobsScanned).toBe(2);
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]!.file).toBe('a.py');
    expect(res.findings[0]!.seen?.places.length).toBe(2);
  });

  it('--range reports only what the commits in the range introduced', async () => {
    const r = makeRepo();
    const c1 = commit(r, { 'old.txt': keyLine(4) }, 'c1');
    commit(r, { 'x.txt': 'x\n' }, 'c2');
    const c3 = commit(r, { 'new.txt': 'n\n' + keyLine(5) }, 'c3');
    const res = await scan(r, { range: `${c1}..${c3}` });
    expect(res.findings.map((f) => secretOf(f))).toEqual([fakeKey(5)]);
    expect(commitOf(res.findings[0]!)).toBe(c3);
    expect(res.history.commits).toBe(2);
    const all = await scan(r);
    expect(all.findings).toHaveLength(2);
    const empty = await scan(r, { range: `${c3}..${c3}` });
    expect(empty.findings).toEqual([]);
    expect(empty.stats.notes.join('\n')).toMatch(/contains no commits/);
  });

  it('--range needs A..B', async () => {
    const r = makeRepo();
    commit(r, { a: 'a' });
    await expect(scan(r, { range: 'main' })).rejects.toThrow(/A\.\.B/);
  });

  it('revisions limit the walk; unknown revisions are one-line errors', async () => {
    const r = makeRepo();
    commit(r, { 'a.txt': keyLine(6) }, 'c1');
    git(r, 'checkout', '-q', '-b', 'feature');
    commit(r, { 'b.txt': keyLine(7) }, 'c2');
    git(r, 'checkout', '-q', 'main');
    expect((await scan(r, { revs: ['main'] })).findings).toHaveLength(1);
    expect((await scan(r)).findings).toHaveLength(2);
    expect((await scan(r, { revs: ['main..feature'] })).findings.map((f) => f.file)).toEqual(['b.txt']);
    const err = await scan(r, { revs: ['no-such-branch'] }).catch((e) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect(err.message).toBe('unknown revision: no-such-branch');
    expect(err.exitCode).toBe(2);
    await expect(scan(r, { revs: ['--output=/tmp/x'] })).rejects.toThrow(/unknown revision/);
    await expect(scan(r, { range: 'main..nope' })).rejects.toThrow('unknown revision: nope');
  });

  it('not a git repository / missing path: one-line errors with exit code 2', async () => {
    const d = tempDir();
    const err = await scan(d).catch((e) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect(err.message).toBe(`${d} is not a git repository`);
    expect(err.exitCode).toBe(2);
    await expect(scan(join(d, 'nope'))).rejects.toThrow(/no such file or directory/);
  });

  it('empty repository: nothing to scan, said in a note', async () => {
    const r = makeRepo();
    const res = await scan(r);
    expect(res.findings).toEqual([]);
    expect(res.stats.notes.join('\n')).toMatch(/empty repository/);
  });

  it('shallow clone: scans what is there and says it is shallow', async () => {
    const src = makeRepo();
    commit(src, { 'a.txt': keyLine(8) }, 'c1');
    commit(src, { 'b.txt': keyLine(9) }, 'c2');
    const dst = join(tempDir(), 'clone');
    git(tempDir(), 'clone', '-q', '--depth', '1', `file://${src}`, dst);
    const res = await scan(dst);
    expect(res.stats.notes.join('\n')).toMatch(/shallow clone: history before [0-9a-f]{12} is not scanned/);
    // The boundary commit's tree is listed in full (as a root).
    expect(res.findings.map((f) => f.file).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('bare repository: history is scanned', async () => {
    const src = makeRepo();
    const c1 = commit(src, { 'a.txt': keyLine(10) }, 'c1');
    const bare = join(tempDir(), 'bare.git');
    git(tempDir(), 'clone', '-q', '--bare', src, bare);
    const res = await scan(bare);
    expect(res.repo.bare).toBe(true);
    expect(res.findings).toHaveLength(1);
    expect(commitOf(res.findings[0]!)).toBe(c1);
    expect(res.findings[0]!.seen?.presentAtHead).toBe(true);
  });

  it('submodules are noted, not descended into', async () => {
    const sub = makeRepo();
    commit(sub, { 'inner.txt': keyLine(11) }, 's1');
    const r = makeRepo();
    commit(r, { 'a.txt': 'a\n' }, 'c1');
    git(r, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'vendor/sub');
    git(r, 'commit', '-q', '-m', 'add submodule');
    const res = await scan(r);
    expect(res.findings).toEqual([]);
    expect(res.stats.notes).toContain('submodule vendor/sub not scanned');
    expect(res.history.submodules).toBe(1);
  });

  it('LFS objects not in the clone and oversized blobs are skipped and counted (unread); binary blobs are read for their strings', async () => {
    const r = makeRepo();
    const lfs = 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'ab'.repeat(32) + '\nsize 12345\n';
    const bin = Buffer.concat([Buffer.from(keyLine(12)), Buffer.from([0, 1, 2, 3])]);
    const big = 'x'.repeat(2000) + '\n' + keyLine(13);
    commit(r, { 'model.bin': lfs, 'img.dat': bin, 'big.txt': big, 'ok.txt': keyLine(14) });
    const res = await scan(r, { maxFileSize: 1000 });
    expect(res.history.skippedLfs).toBe(1);
    // A gate does not skip binary content (src/sources/binary-text.ts): the key before the NUL bytes is found.
    expect(res.history.skippedBinary).toBe(0);
    expect(res.history.skippedTooLarge).toBe(1);
    // The pointer's object is not in the clone's LFS store: content the gate could not read (round 8).
    expect(res.stats.skipped.map((s) => `${s.path}:${s.reason}`).sort()).toEqual(['big.txt:too-large', 'model.bin:lfs-object']);
    expect(res.findings.map((f) => f.file)).toEqual(['img.dat', 'ok.txt']);
    expect(res.stats.files).toBe(2);
  });

  it('skipped blobs are listed sorted by path, then blob, whatever order they were read in', async () => {
    const r = makeRepo();
    // Committed a, b, c: the log (newest first) reads them c, b, a.
    // Blobs over the size cap are skipped (binary ones are read for their strings now, not skipped).
    for (const name of ['a', 'b', 'c']) commit(r, { [`${name}.dat`]: `${name} is longer than the cap\n` }, name);
    commit(r, { 'a.dat': 'a, again longer than the cap\n' }, 'a again');
    const res = await scan(r, { workers: 0, maxFileSize: 8 });
    const paths = res.stats.skipped.map((s) => s.path);
    expect(paths).toEqual(['a.dat', 'a.dat', 'b.dat', 'c.dat']);
    const details = res.stats.skipped.slice(0, 2).map((s) => s.detail!);
    expect(details).toEqual([...details].sort());
  });

  it('file names with spaces, newlines and non-UTF-8 bytes', async () => {
    const r = makeRepo();
    commit(r, { 'with space.txt': keyLine(15), 'new\nline.txt': keyLine(16) });
    // A non-UTF-8 name (latin1 "é"): write it through git plumbing so the file system need not allow it.
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: r, input: keyLine(17) }).toString().trim();
    const name = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    execFileSync('git', ['update-index', '--add', '--index-info'], {
      cwd: r,
      input: Buffer.concat([Buffer.from(`100644 ${blob}\t`), name, Buffer.from('\n')]),
    });
    git(r, 'commit', '-q', '-m', 'latin1 name');
    const res = await scan(r);
    const files = res.findings.map((f) => f.file).sort();
    expect(files).toEqual(['caf\uFFFD.txt', 'new\nline.txt', 'with space.txt']);
    expect([...res.paths].sort()).toEqual(files);
  });

  it('detached HEAD: history and presentAtHead use the detached commit', async () => {
    const r = makeRepo();
    const c1 = commit(r, { 'a.txt': keyLine(18) }, 'c1');
    commit(r, { 'a.txt': 'gone\n' }, 'c2');
    git(r, 'checkout', '-q', '--detach', c1);
    const res = await scan(r);
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]!.seen?.presentAtHead).toBe(true);
  });

  it('a secret introduced by a merge commit itself is found and attributed to the merge', async () => {
    const r = makeRepo();
    commit(r, { 'a.txt': 'a\n' }, 'c1');
    git(r, 'checkout', '-q', '-b', 'side');
    commit(r, { 's.txt': 's\n' }, 'side');
    git(r, 'checkout', '-q', 'main');
    commit(r, { 'm.txt': 'm\n' }, 'main2');
    git(r, 'merge', '-q', '--no-commit', 'side');
    git(r, 'add', '-A');
    commit(r, { 'evil.txt': keyLine(19) }, 'merge');
    const merge = git(r, 'rev-parse', 'HEAD');
    expect(git(r, 'rev-list', '--parents', '-n1', 'HEAD').split(' ')).toHaveLength(3);
    const res = await scan(r);
    expect(res.findings).toHaveLength(1);
    expect(commitOf(res.findings[0]!)).toBe(merge);
    // Content merged in from the side branch is attributed to the side branch, not the merge.
    expect(res.history.entries).toBe(4);
  });

  it('lists the touched paths as `git log -c --name-only` does: deletions, renames, odd bytes, paths only a merge adds', async () => {
    const r = makeRepo();
    const c1 = commit(r, { 'a.txt': 'a\n', 'gone/old.txt': 'o\n', 'dir/keep.txt': 'k\n' }, 'c1');
    git(r, 'checkout', '-q', '-b', 'side');
    commit(r, { 's.txt': 's\n', 'a.txt': 'side\n' }, 'side');
    git(r, 'checkout', '-q', 'main');
    commit(r, { 'gone/old.txt': null, 'a.txt': 'main\n' }, 'delete');
    git(r, 'mv', 'dir/keep.txt', 'dir/moved.txt');
    commit(r, { 'caf\u00e9 \n.txt': 'x\n' }, 'rename and an odd name');
    // A conflicted merge, resolved, with a file only the merge adds ("evil merge"): its name is published
    // with the merge (round 9: a token there passed), so -c's list of the merge's own paths counts.
    try {
      git(r, 'merge', '-q', 'side');
    } catch {
      /* the conflict on a.txt */
    }
    commit(r, { 'a.txt': 'resolved\n', 'only-merge.txt': 'm\n' }, 'merge');
    const third = commit(r, { 'later.txt': 'l\n', 'a.txt': null }, 'later');
    const nameOnly = (revs: string[]) =>
      new Set(
        execFileSync('git', ['log', '--format=', '--name-only', '-c', '-z', '--no-renames', ...revs, '--'], { cwd: r })
          .toString('utf8')
          .split('\0')
          .map((p) => p.replace(/^\n+/, ''))
          .filter(Boolean),
      );
    const all = await scan(r);
    expect(new Set(all.paths)).toEqual(nameOnly(['--all']));
    expect(all.paths).toHaveLength(new Set(all.paths).size);
    expect(all.paths).toEqual(expect.arrayContaining(['gone/old.txt', 'dir/keep.txt', 'dir/moved.txt', 'later.txt', 'caf\u00e9 \n.txt']));
    expect(all.paths).toContain('only-merge.txt');
    const range = await scan(r, { range: `${c1}..${third}` });
    expect(new Set(range.paths)).toEqual(nameOnly([`${c1}..${third}`]));
  });

  it('config allowlist paths exclude entries (no scan, no provenance)', async () => {
    const r = makeRepo();
    commit(r, { 'fixtures/a.txt': keyLine(20), 'src/b.txt': keyLine(20), 'src/c.txt': keyLine(21) });
    const res = await scan(r, { excludePaths: ['fixtures/'] });
    expect(res.findings.map((f) => `${f.file}:${f.seen?.places.length}`)).toEqual(['src/b.txt:1', 'src/c.txt:1']);
  });

  it('worker threads give the same answer as the main thread', async () => {
    const r = makeRepo();
    // inlineBlobs 0: the workers read and scan every blob (a real history starts them past 1000 blobs).
    const filler = ('const x = compute(1, 2, 3); // filler line of ordinary code\n').repeat(2500);
    for (let c = 0; c < 6; c++) {
      const files: Record<string, string> = {};
      for (let i = 0; i < 10; i++) files[`f${i}.js`] = `// v${c} f${i}\n` + filler + (i === c ? keyLine(30 + c) : '') + (i === 9 ? keyLine(40) : '');
      if (c === 2) files['model.bin'] = 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'ab'.repeat(32) + '\nsize 12345\n';
      commit(r, files, `c${c}`);
    }
    const inline = await scan(r, { workers: 0 });
    const pooled = await scan(r, { workers: 3, inlineBlobs: 0 });
    const view = (fs: typeof inline.findings) => fs.map((f) => [f.file, f.line, commitOf(f), f.seen?.places.length, f.seen?.presentAtHead, secretOf(f)]);
    expect(inline.history.workers).toBe(0);
    expect(view(pooled.findings)).toEqual(view(inline.findings));
    expect(inline.findings).toHaveLength(7);
    expect(pooled.history.blobsScanned).toBe(inline.history.blobsScanned);
    expect(pooled.history.bytesScanned).toBe(inline.history.bytesScanned);
    expect(pooled.history.skippedLfs).toBe(1);
    expect(pooled.stats.skipped).toEqual(inline.stats.skipped);
    // Without the saved copy of the log (over its size cap), provenance comes from a second git log: the same.
    const rerun = await scan(r, { workers: 2, inlineBlobs: 0, logCopyMaxBytes: 10 });
    expect(rerun.history.workers).toBe(1);
    expect(view(rerun.findings)).toEqual(view(inline.findings));
    if (existsSync(new URL('../../dist/engine/worker.js', import.meta.url))) expect(pooled.history.workers).toBe(2); // and the main thread
    else console.warn('compiled history worker not found (run npm run build): pool ran inline');
  });
});

describe('BlobScanner (one reading lane)', () => {
  it('answers each batch with its tally in order; abort drops what git was not asked for yet and ends', async () => {
    const { BlobScanner } = await import('../../src/engine/blob-scanner.js');
    const { createDetector } = await import('../../src/detect/detector.js');
    const { openRepo } = await import('../../src/sources/git/repo.js');
    const r = makeRepo();
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`f${i}.txt`] = `file ${i}\n` + (i === 7 ? keyLine(77) : '');
    commit(r, files);
    const blobs = Object.keys(files).map((p) => [git(r, 'rev-parse', `HEAD:${p}`), p] as [string, string]);
    const repo = await openRepo(r);
    const detector = createDetector(specs);
    const answers: Array<[number, number, number]> = [];
    const s = new BlobScanner(detector, repo, 1 << 20, 0, (id, t) => answers.push([id, t.scanned, t.results.length]));
    s.push({ id: 1, blobs: blobs.slice(0, 10) });
    s.push({ id: 2, blobs: blobs.slice(10, 40) });
    s.push({ id: 3, blobs: [] });
    s.end();
    await s.done;
    expect(answers).toEqual([[3, 0, 0], [1, 10, 1], [2, 30, 0]]);

    const a = new BlobScanner(detector, repo, 1 << 20, 0, () => {});
    for (let k = 0; k < 50; k++) a.push({ id: k, blobs });
    a.abort();
    await a.done; // ends without reading the 2,000 queued requests
  });
});
