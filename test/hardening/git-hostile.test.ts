/**
 * Hostile git repositories, through the BUILT CLI: corrupt and missing objects, missing packs, `.git`
 * files (linked worktrees, submodules), ref names that look like options, a commit with a huge diff, a
 * 50 MB blob and a 3,000-commit history. Every case: bounded time (no hang), no stack trace, and either
 * findings for the readable rest plus one warning line per unreadable blob naming it, or exit code 2 with
 * one line naming what is at fault.
 *
 * Decisions tested here:
 * - A blob git cannot read (loose object overwritten or truncated, packed object damaged, pack deleted):
 *   a warning naming the path and blob, the rest scanned and reported, exit code 2 (an incomplete gate
 *   scan; --allow-skips gives the exit code from the findings, 0/1).
 * - A commit, tree or ref git cannot read: git cannot walk the history, so exit 2 with git's own reason
 *   (the object or ref and where it is stored).
 * - A revision starting with "-" is never handed to git (exit 2 with a hint to use refs/heads/NAME);
 *   every other name reaches git after `--end-of-options` and only as a resolved commit id.
 *
 * bench/git-100k.sh runs the 100,000-commit history (time and peak RSS).
 */
import { scanHistory } from '../../src/scan/history-scan.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { secretOf } from '../../src/findings/finding.js';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, rmSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { cleanup, commit, fakeKey, git, keyLine, makeRepo, stage, tempDir, write } from '../sources/git/helpers.js';

afterAll(cleanup);

interface Row {
  rule: string;
  file: string;
  line: number;
  match: string;
  commit?: string;
  presentAtHead?: boolean;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Peak RSS in MB when measured (`rss: true`). */
  rssMb?: number;
  rows: Row[];
}

const timings: string[] = [];
afterAll(() => console.log(`git hostile cases (CLI wall time, including ~0.3 s start-up):\n  ${timings.join('\n  ')}`));

/**
 * The CLI with `--format jsonl --show-secrets` (the secrets are this test's fakes; matching them exactly
 * is the point). Fails the test on a hang (`seconds` bound), a signal, or anything that looks like a stack trace.
 */
function sweep(args: string[], opts: { cwd?: string; env?: Record<string, string>; seconds?: number; rss?: boolean; name?: string } = {}): Run {
  const bound = opts.seconds ?? 30;
  const rssFile = opts.rss ? join(tempDir('ss-rss-'), 'rss') : undefined;
  const cmd = rssFile ? '/usr/bin/time' : process.execPath;
  const argv = [BIN, 'scan', ...args, '--format', 'jsonl', '--show-secrets'];
  const full = rssFile ? ['-f', '%M', '-o', rssFile, process.execPath, ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, full, {
    cwd: opts.cwd,
    encoding: 'utf8',
    timeout: bound * 1000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', CI: 'true', GITHUB_ACTIONS: '', GITLAB_CI: '', ...opts.env },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  expect(r.error, `no hang: secret-sweep scan ${args.join(' ')} finished within ${bound} s`).toBeUndefined();
  expect(r.signal).toBeNull();
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |^\s+at /m);
  // Exit 2 with a report: an incomplete gate scan (what was read is still reported).
  const rows = r.status === 0 || r.status === 1 || (r.status === 2 && r.stdout !== '') ? r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row) : [];
  const rssMb = rssFile && existsSync(rssFile) ? Math.round(Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024) : undefined;
  if (opts.name) timings.push(`${opts.name}: ${seconds.toFixed(2)} s${rssMb !== undefined ? `, peak RSS ${rssMb} MB` : ''}`);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, seconds, rssMb, rows };
}

/** Exit 2, exactly one line on stderr, prefixed, matching `what`. */
function expectOneLineError(r: Run, what: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^secret-sweep: /);
  expect(lines[0]).toMatch(what);
  expect(r.stdout).toBe('');
}

function warnings(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('secret-sweep: warning: '));
}

function secrets(r: Run): string[] {
  return r.rows.map((f) => f.match).sort();
}

/** Loose object file of `sha`, made writable (git writes them read-only). */
function looseObject(repo: string, sha: string): string {
  const f = join(repo, '.git', 'objects', sha.slice(0, 2), sha.slice(2));
  chmodSync(f, 0o644);
  return f;
}

/** Deterministic incompressible text (hex), so a packed blob is stored whole, not as a delta. */
function noise(seed: string, bytes: number): string {
  let out = '';
  let h = seed;
  while (out.length < bytes) {
    h = createHash('sha256').update(h).digest('hex');
    out += h + (out.length % 512 === 448 ? '\n' : '');
  }
  return out.slice(0, bytes) + '\n';
}

function packFiles(repo: string, ext: string): string[] {
  const dir = join(repo, '.git', 'objects', 'pack');
  return readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => join(dir, f));
}

/** Invert 64 bytes in the middle of each object's compressed data inside the repository's only pack. */
function damagePackedObjects(repo: string, ...shas: string[]): void {
  const [idx] = packFiles(repo, '.idx');
  const listing = git(repo, 'verify-pack', '-v', idx!).split('\n');
  const pack = idx!.replace(/\.idx$/, '.pack');
  chmodSync(pack, 0o644);
  const buf = readFileSync(pack);
  for (const sha of shas) {
    const line = listing.find((l) => l.startsWith(sha + ' '));
    if (!line) throw new Error(`${sha} not in the pack`);
    // "<sha> <type> <size> <size-in-pack> <offset> [<depth> <base>]"
    const [, , , inPack, offset] = line.split(/\s+/);
    const at = Number(offset) + Math.floor(Number(inPack) / 2);
    for (let i = at; i < at + 64; i++) buf[i] = buf[i]! ^ 0xff;
  }
  writeFileSync(pack, buf);
}

describe('corrupt and missing objects', () => {
  it('loose blobs overwritten with garbage or truncated: a warning naming each, the rest scanned (history, range)', () => {
    const r = makeRepo();
    const c1 = commit(r, { 'good.py': 'x = 1\n' + keyLine(101) }, 'c1');
    commit(r, { 'garbage.py': keyLine(102), 'truncated.py': 'pad\n'.repeat(50) + keyLine(103), 'later.py': '\n\n' + keyLine(104) }, 'c2');
    const garbage = git(r, 'rev-parse', 'HEAD:garbage.py');
    const truncated = git(r, 'rev-parse', 'HEAD:truncated.py');
    writeFileSync(looseObject(r, garbage), 'not a zlib stream\n');
    const t = looseObject(r, truncated);
    truncateSync(t, Math.floor(statSync(t).size / 2));

    const h = sweep([r, '--history'], { name: 'corrupt loose blobs, --history' });
    expect(h.code).toBe(2); // a gate does not pass what it could not read
    expect(sweep([r, '--history', '--allow-skips']).code).toBe(1);
    expect(secrets(h)).toEqual([fakeKey(101), fakeKey(104)].sort());
    expect(h.rows.find((f) => f.file === 'good.py')).toMatchObject({ line: 2, commit: c1, presentAtHead: true });
    expect(h.rows.find((f) => f.file === 'later.py')).toMatchObject({ line: 3 });
    const w = warnings(h);
    expect(w).toHaveLength(2);
    expect(w.find((l) => l.includes('garbage.py'))).toContain(`blob ${garbage}: missing or corrupt in the object database`);
    expect(w.find((l) => l.includes('truncated.py'))).toContain(`blob ${truncated}`);

    const g = sweep([r, '--range', `${c1}..HEAD`]);
    expect(g.code).toBe(2);
    expect(secrets(g)).toEqual([fakeKey(104)]);
    expect(warnings(g)).toHaveLength(2);

    // The work tree still has the files: a plain scan does not read the object database.
    const plain = sweep([r]);
    expect(secrets(plain)).toEqual([fakeKey(101), fakeKey(102), fakeKey(103), fakeKey(104)].sort());
  });

  it('damaged objects inside a pack (git cat-file dies on each): a warning naming each, the rest of history scanned', async () => {
    const r = makeRepo();
    const files: Record<string, string> = { 'a.env': keyLine(111) };
    for (let i = 0; i < 20; i++) files[`data/n${i}.txt`] = noise(`pack-${i}`, 8000);
    files['data/hit.txt'] = noise('hit', 8000) + keyLine(112);
    commit(r, files, 'c1');
    commit(r, { 'z.env': keyLine(113), 'data/n3.txt': noise('pack-3b', 8000) }, 'c2');
    git(r, 'repack', '-a', '-d', '-q');
    const victim = git(r, 'rev-parse', 'HEAD~1:data/hit.txt');
    const victim2 = git(r, 'rev-parse', 'HEAD~1:data/n7.txt');
    damagePackedObjects(r, victim, victim2);

    const h = sweep([r, '--history'], { name: 'two damaged packed blobs, --history' });
    expect(h.code).toBe(2);
    expect(secrets(h)).toEqual([fakeKey(111), fakeKey(113)].sort());
    expect(warnings(h).sort()).toEqual([
      `secret-sweep: warning: data/hit.txt: not scanned, cannot be read (blob ${victim}: corrupt in the object database)`,
      `secret-sweep: warning: data/n7.txt: not scanned, cannot be read (blob ${victim2}: corrupt in the object database)`,
    ]);
    const ci = sweep([r, '--ci'], { name: 'two damaged packed blobs, --ci (generic: whole history of HEAD)' });
    expect(secrets(ci)).toEqual(secrets(h));
    expect(ci.code).toBe(2);
    expect(warnings(ci)).toHaveLength(2);

    // The same through the reader pool (a worker thread and the main thread, each with its own cat-file,
    // both restarting past the objects git dies on); a real history uses it past 1000 blobs.
    const pooled = await scanHistory({ path: r, specs: loadBuiltinRules(), progress: false, maxFileSize: 10 << 20, workers: 2, inlineBlobs: 0 });
    expect(pooled.findings.map((f) => secretOf(f)).sort()).toEqual([fakeKey(111), fakeKey(113)].sort());
    expect(pooled.stats.skipped.filter((k) => k.reason === 'unreadable').map((k) => `${k.path}: ${k.detail}`).sort()).toEqual([
      `data/hit.txt: blob ${victim}: corrupt in the object database`,
      `data/n7.txt: blob ${victim2}: corrupt in the object database`,
    ]);
    expect(pooled.history.blobsScanned).toBe(22);
  });

  it('--staged with a damaged packed blob: warning and the other staged files, no hang (git cat-file died mid-object)', () => {
    const r = makeRepo();
    commit(r, { 'README.md': 'hi\n' }, 'c1');
    stage(r, { 'big.txt': noise('staged', 40_000) + keyLine(121), 'ok.py': keyLine(122) });
    const blob = git(r, 'rev-parse', ':big.txt');
    const p = spawnSync('git', ['pack-objects', '-q', join(r, '.git', 'objects', 'pack', 'pack')], { cwd: r, input: blob + '\n' });
    expect(p.status).toBe(0);
    looseObject(r, blob);
    git(r, 'prune-packed');
    damagePackedObjects(r, blob);

    const s = sweep([r, '--staged'], { seconds: 20, name: 'damaged packed blob, --staged' });
    expect(s.code).toBe(2);
    expect(secrets(s)).toEqual([fakeKey(122)]);
    expect(warnings(s)).toEqual([`secret-sweep: warning: big.txt: not scanned, cannot be read (blob ${blob}: corrupt in the object database)`]);

    // The only staged file, alone: the request git died on was the only one in flight.
    git(r, 'rm', '-q', '--cached', 'ok.py');
    const alone = sweep([r, '--staged'], { seconds: 20 });
    expect(alone.code).toBe(2);
    expect(sweep([r, '--staged', '--allow-skips'], { seconds: 20 }).code).toBe(0);
    expect(warnings(alone)).toHaveLength(1);
  });

  it('a corrupt commit git cannot walk past: exit 2, one line naming the object (history, range)', () => {
    const r = makeRepo();
    const c1 = commit(r, { 'a.py': keyLine(131) }, 'c1');
    commit(r, { 'b.py': keyLine(132) }, 'c2');
    writeFileSync(looseObject(r, c1), 'garbage\n');
    const h = sweep([r, '--history']);
    expectOneLineError(h, new RegExp(`${r}: git log failed: loose object ${c1} \\(stored in [^)]+\\) is corrupt`));
    const g = sweep([r, '--range', 'HEAD~1..HEAD']);
    expectOneLineError(g, new RegExp(`cannot resolve HEAD~1: loose object ${c1} .* is corrupt`));
  });

  it('a ref to a missing object: exit 2, one line naming the ref', () => {
    const r = makeRepo();
    commit(r, { 'a.py': keyLine(141) }, 'c1');
    writeFileSync(join(r, '.git', 'refs', 'heads', 'dangling'), '1234567890123456789012345678901234567890\n');
    expectOneLineError(sweep([r, '--history']), /git log failed: bad object refs\/heads\/dangling/);
    // Walking only the good branch works.
    expect(secrets(sweep([r, '--history', '--branch', 'main']))).toEqual([fakeKey(141)]);
  });

  it('missing pack (repack -ad, then the .pack deleted or truncated, its .idx kept): exit 2 naming the ref and why; --staged warns; no hang', () => {
    const r = makeRepo();
    commit(r, { 'a.py': keyLine(151) }, 'c1');
    commit(r, { 'b.py': keyLine(152) }, 'c2');
    git(r, 'repack', '-a', '-d', '-q');
    const [pack] = packFiles(r, '.pack');
    const bytes = readFileSync(pack!);
    chmodSync(pack!, 0o644);
    writeFileSync(pack!, bytes.subarray(0, bytes.length >> 1));
    const cut = sweep([r, '--history'], { seconds: 20, name: 'truncated pack, --history' });
    // Found when the repository is first read (HEAD resolved with the discovery) or by git log: either names the pack.
    expectOneLineError(cut, new RegExp(`${r}: (git log failed: bad object refs/heads/main \\()?packfile \\S+\\.pack does not match index`));
    rmSync(pack!);
    const h = sweep([r, '--history'], { seconds: 20, name: 'missing pack, --history' });
    expectOneLineError(h, /git log failed: bad object refs\/heads\/main \(not in the object database: a deleted pack or an incomplete copy\? `git fsck` says more\)$/);
    expectOneLineError(sweep([r, '--range', 'HEAD~1..HEAD'], { seconds: 20 }), /unknown revision: HEAD~1|cannot resolve HEAD~1/);
    // The index still lists both files; their blobs are gone.
    const s = sweep([r, '--staged', '--all-lines'], { seconds: 20 });
    expect(s.code).toBe(2);
    expect(warnings(s).map((l) => l.replace(/blob [0-9a-f]+/, 'blob X'))).toEqual([
      'secret-sweep: warning: a.py: not scanned, cannot be read (blob X: missing or corrupt in the object database)',
      'secret-sweep: warning: b.py: not scanned, cannot be read (blob X: missing or corrupt in the object database)',
    ]);
  });

  it('a pack holding only some blobs deleted (.pack and .idx): those blobs warned about, commits and the rest scanned', () => {
    const r = makeRepo();
    stage(r, { 'keep.py': keyLine(161), 'lost.py': keyLine(162), 'lost2.py': '#\n' + keyLine(163) });
    const lost = [git(r, 'rev-parse', ':lost.py'), git(r, 'rev-parse', ':lost2.py')];
    const p = spawnSync('git', ['pack-objects', '-q', join(r, '.git', 'objects', 'pack', 'pack')], { cwd: r, input: lost.join('\n') + '\n' });
    expect(p.status).toBe(0);
    git(r, 'prune-packed');
    git(r, 'commit', '-q', '-m', 'c1');
    for (const f of [...packFiles(r, '.pack'), ...packFiles(r, '.idx')]) rmSync(f);
    const h = sweep([r, '--history'], { seconds: 20 });
    expect(h.code).toBe(2);
    expect(secrets(h)).toEqual([fakeKey(161)]);
    expect(warnings(h).sort()).toEqual([
      `secret-sweep: warning: lost.py: not scanned, cannot be read (blob ${lost[0]}: missing or corrupt in the object database)`,
      `secret-sweep: warning: lost2.py: not scanned, cannot be read (blob ${lost[1]}: missing or corrupt in the object database)`,
    ]);
    // The text report says it too.
    const text = spawnSync(process.execPath, [BIN, 'scan', r, '--history', '--no-color'], { encoding: 'utf8', timeout: 20_000 });
    expect(text.stdout).toContain('note: 2 blobs missing or corrupt in the object database');
  });

  it('a partial clone (--filter=blob:none): blobs come from the promisor remote; with the remote gone, exit 2 naming the blob', () => {
    const src = makeRepo();
    git(src, 'config', 'uploadpack.allowFilter', 'true');
    commit(src, { 'a.py': keyLine(171) }, 'c1');
    commit(src, { 'b.py': keyLine(172), 'a.py': null }, 'c2');
    const clone = join(tempDir(), 'partial');
    git(tempDir(), 'clone', '-q', '--filter=blob:none', `file://${src}`, clone);
    const lazy = sweep([clone, '--history'], { seconds: 30 });
    expect(secrets(lazy)).toEqual([fakeKey(171), fakeKey(172)].sort());
    const again = join(tempDir(), 'partial2');
    git(tempDir(), 'clone', '-q', '--filter=blob:none', `file://${src}`, again);
    rmSync(src, { recursive: true, force: true });
    const gone = sweep([again, '--history'], { seconds: 30, name: 'partial clone, promisor remote gone' });
    expectOneLineError(gone, new RegExp(`^secret-sweep: ${again}: git cat-file exited \\(128\\): could not fetch [0-9a-f]{40} from promisor remote$`));
  });

  it('25 blobs gone: a warning line naming each', () => {
    const r = makeRepo();
    const files: Record<string, string> = {};
    for (let i = 0; i < 25; i++) files[`f${i}.py`] = `# ${i}\n` + keyLine(180 + i);
    commit(r, files, 'c1');
    for (let i = 0; i < 25; i++) rmSync(looseObject(r, git(r, 'rev-parse', `HEAD:f${i}.py`)));
    const h = sweep([r, '--history'], { seconds: 20 });
    expect(h.code).toBe(2);
    const w = warnings(h);
    expect(w).toHaveLength(25);
    for (let i = 0; i < 25; i++) expect(w.filter((l) => l.startsWith(`secret-sweep: warning: f${i}.py: not scanned`))).toHaveLength(1);
  });
});

describe('a .git file: linked worktrees and submodules', () => {
  it('a linked worktree: --staged, --history, --range, --ci and a plain scan from inside it; its git dir scans its HEAD', () => {
    const main = makeRepo();
    commit(main, { 'base.py': keyLine(201) }, 'c1');
    const wt = join(tempDir(), 'wt');
    git(main, 'worktree', 'add', '-q', wt, '-b', 'feat');
    expect(readFileSync(join(wt, '.git'), 'utf8')).toMatch(/^gitdir: /);
    const before = git(wt, 'rev-parse', 'HEAD');
    commit(wt, { 'feat.py': keyLine(202) }, 'c2');
    const after = git(wt, 'rev-parse', 'HEAD');
    stage(wt, { 'sub/staged.py': keyLine(203) });

    const staged = sweep(['.', '--staged'], { cwd: join(wt, 'sub') });
    expect(staged.rows.map((f) => [f.file, f.match])).toEqual([['sub/staged.py', fakeKey(203)]]);
    const hist = sweep([wt, '--history']);
    expect(secrets(hist)).toEqual([fakeKey(201), fakeKey(202)].sort());
    expect(hist.rows.every((f) => f.presentAtHead)).toBe(true);
    expect(secrets(sweep([wt, '--range', 'main..feat']))).toEqual([fakeKey(202)]);
    const plain = sweep(['.'], { cwd: wt });
    expect(secrets(plain)).toEqual([fakeKey(201), fakeKey(202), fakeKey(203)].sort());
    expect(plain.rows.some((f) => f.file === '.git')).toBe(false);

    const event = join(tempDir(), 'event.json');
    writeFileSync(event, JSON.stringify({ before, after }));
    const ci = sweep([wt, '--ci'], { env: { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event, GITHUB_SHA: after } });
    expect(ci.rows.map((f) => [f.file, f.commit])).toEqual([['feat.py', after]]);

    // The worktree's git dir (.git/worktrees/wt): this worktree's HEAD (feat), not the main one's.
    git(main, 'commit', '-q', '--allow-empty', '-m', 'main moves on');
    const gd = sweep([join(main, '.git', 'worktrees', 'wt'), '--history']);
    expect(gd.rows.find((f) => f.file === 'feat.py')?.presentAtHead).toBe(true);
  });

  it('a submodule: the superproject says it does not descend; inside the submodule (.git file) and its git dir scan the submodule', () => {
    const upstream = makeRepo();
    const inner = commit(upstream, { 'inner.py': keyLine(211) }, 's1');
    const sup = makeRepo();
    commit(sup, { 'top.py': keyLine(212) }, 'c1');
    git(sup, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', upstream, 'vendor/sub');
    git(sup, 'commit', '-q', '-m', 'add submodule');
    const sub = join(sup, 'vendor', 'sub');
    expect(readFileSync(join(sub, '.git'), 'utf8').trim()).toBe('gitdir: ../../.git/modules/vendor/sub');

    const h = sweep([sup, '--history']);
    expect(secrets(h)).toEqual([fakeKey(212)]);
    const text = spawnSync(process.execPath, [BIN, 'scan', sup, '--history', '--no-color'], { encoding: 'utf8', timeout: 20_000 });
    expect(text.stdout).toContain('note: submodule vendor/sub not scanned');
    const json = spawnSync(process.execPath, [BIN, 'scan', sup, '--format', 'json'], { encoding: 'utf8', timeout: 20_000 });
    expect(JSON.parse(json.stdout).stats.skipped).toContainEqual(expect.objectContaining({ path: 'vendor/sub', reason: 'submodule' }));

    const inSub = sweep(['.', '--history'], { cwd: sub });
    expect(inSub.rows.map((f) => [f.file, f.commit])).toEqual([['inner.py', inner]]);
    stage(sub, { 'new.py': keyLine(213) });
    expect(secrets(sweep([sub, '--staged']))).toEqual([fakeKey(213)]);
    // The superproject's index is not the submodule's.
    expect(sweep([sup, '--staged']).rows).toEqual([]);
    // Its git dir under the superproject's .git/modules: the submodule's history, not the superproject's.
    const gd = sweep([join(sup, '.git', 'modules', 'vendor', 'sub'), '--history']);
    expect(gd.rows.map((f) => [f.file, f.commit])).toEqual([['inner.py', inner]]);
  });
});

describe('hostile ref names', () => {
  // What git lets through `update-ref` (not `git branch`): names that look like options and odd but legal ones.
  const NAMES = ['-rf', '--all', '-n1', '--end-of-options', 'ü-ß-名前', 'a.b', 'HEAD', '@', 'x@y'];

  function repoWithRefs(): { r: string; c1: string; c2: string; outFile: string } {
    const r = makeRepo();
    const c1 = commit(r, { 'a.py': keyLine(301) }, 'c1');
    git(r, 'checkout', '-q', '-b', 'side');
    const c2 = commit(r, { 'b.py': keyLine(302) }, 'c2');
    git(r, 'checkout', '-q', 'main');
    const outFile = join(tempDir(), 'pwned');
    for (const n of [...NAMES, `--output=${outFile}`]) git(r, 'update-ref', `refs/heads/${n}`, c2);
    git(r, 'update-ref', `refs/tags/--output=${outFile}`, c2);
    return { r, c1, c2, outFile };
  }

  it('--history over all refs, and --branch with each name written in full (refs/heads/NAME)', () => {
    const { r, c2, outFile } = repoWithRefs();
    const all = sweep([r, '--history']);
    expect(secrets(all)).toEqual([fakeKey(301), fakeKey(302)].sort());
    for (const n of [...NAMES, `--output=${outFile}`]) {
      const b = sweep([r, '--history', `--branch=refs/heads/${n}`]);
      expect(b.code, n).toBe(1);
      expect(b.rows.find((f) => f.file === 'b.py')?.commit, n).toBe(c2);
    }
    expect(sweep([r, '--history', `--branch=refs/tags/--output=${outFile}`]).code).toBe(1);
    expect(existsSync(outFile)).toBe(false);
  });

  it('option-looking names alone are never passed to git: exit 2, one line, with the hint', () => {
    const { r, outFile } = repoWithRefs();
    for (const n of ['-rf', '--all', '-n1', '--end-of-options', `--output=${outFile}`]) {
      const b = sweep([r, '--history', `--branch=${n}`]);
      expectOneLineError(b, /unknown revision: ".*" \(a name starting with "-" is not read as a revision; write refs\/heads\/.* or refs\/tags\/.*\)/);
      expectOneLineError(sweep([r, `--range=${n}..main`]), /a name starting with "-" is not read as a revision/);
      expectOneLineError(sweep([r, `--range=main..${n}`]), /a name starting with "-" is not read as a revision/);
    }
    expect(existsSync(outFile)).toBe(false);
  });

  it('--range with odd names: two dots, three dots, unicode; illegal shapes are one-line errors', () => {
    const { r, outFile } = repoWithRefs();
    expect(secrets(sweep([r, `--range=main..refs/heads/--output=${outFile}`]))).toEqual([fakeKey(302)]);
    expect(secrets(sweep([r, '--range=main...refs/heads/ü-ß-名前']))).toEqual([fakeKey(302)]);
    expect(secrets(sweep([r, '--range=main..a.b']))).toEqual([fakeKey(302)]);
    expect(secrets(sweep([r, '--range=refs/heads/-rf..main']))).toEqual([]);
    expectOneLineError(sweep([r, '--range=main..side..x']), /unknown revision: side\.\.x/);
    expectOneLineError(sweep([r, '--range=main..no such']), /unknown revision: no such/);
    expectOneLineError(sweep([r, '--range=main..si\nde']), /unknown revision: "si\\nde"/);
    expectOneLineError(sweep([r, '--range=main']), /--range expects A\.\.B/);
    expect(existsSync(outFile)).toBe(false);
  });

  it('HEAD on a branch named like an option: --history, --staged, --ci and a plain scan work', () => {
    const { r, c2, outFile } = repoWithRefs();
    git(r, 'symbolic-ref', 'HEAD', `refs/heads/--output=${outFile}`);
    git(r, 'reset', '-q', '--hard');
    const h = sweep([r, '--history']);
    expect(h.rows.every((f) => f.presentAtHead)).toBe(true);
    stage(r, { 'c.py': keyLine(303) });
    expect(secrets(sweep([r, '--staged']))).toEqual([fakeKey(303)]);
    const ci = sweep([r, '--ci']);
    expect(ci.rows.find((f) => f.file === 'b.py')?.commit).toBe(c2);
    // A CI base branch that looks like an option is not used (whole history instead).
    const pr = sweep([r, '--ci'], { env: { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: `--output=${outFile}`, GITHUB_EVENT_PATH: '' } });
    expect(pr.code).toBe(1);
    expect(secrets(sweep([r]))).toEqual([fakeKey(301), fakeKey(302), fakeKey(303)].sort());
    expect(existsSync(outFile)).toBe(false);
  });
});

/** One commit on main with these files, through git fast-import (thousands of files in well under a second). */
function importCommit(repo: string, files: Record<string, string>, msg: string): string {
  const parent = spawnSync('git', ['rev-parse', '-q', '--verify', 'refs/heads/main'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
  let stream = `commit refs/heads/main\ncommitter Test <t@example.test> 1600000000 +0000\ndata ${Buffer.byteLength(msg)}\n${msg}\n`;
  if (parent) stream += `from ${parent}\n`;
  for (const [path, content] of Object.entries(files)) stream += `M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
  const fi = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream, encoding: 'utf8' });
  expect(fi.status, fi.stderr).toBe(0);
  return git(repo, 'rev-parse', 'refs/heads/main');
}

describe('size', () => {
  it('one commit changing 5,000 files (history, range, staged): bounded time, exactly the planted findings', () => {
    const r = makeRepo();
    const N = 5000;
    const planted = new Map([[17, 401], [2500, 402], [4999, 403]]);
    const files: Record<string, string> = {};
    for (let i = 0; i < N; i++) files[`d${i % 50}/f${i}.txt`] = `file ${i}\n`;
    const c1 = importCommit(r, files, 'c1');
    for (let i = 0; i < N; i++) files[`d${i % 50}/f${i}.txt`] = `file ${i}\nchanged ${i}\n` + (planted.has(i) ? keyLine(planted.get(i)!) : '');
    const c2 = importCommit(r, files, 'c2');
    git(r, 'reset', '-q', '--hard', 'main');
    expect(git(r, 'diff', '--shortstat', c1, c2)).toMatch(/^5000 files changed/);

    const h = sweep([r, '--history'], { seconds: 90, rss: true, name: '5,000-file commit, --history' });
    expect(h.rows.map((f) => [f.file, f.line, f.commit, f.match])).toEqual(
      [...planted].map(([i, k]) => [`d${i % 50}/f${i}.txt`, 3, c2, fakeKey(k)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const g = sweep([r, '--range', `${c1}..${c2}`], { seconds: 90, name: '5,000-file commit, --range' });
    expect(secrets(g)).toEqual(secrets(h));

    for (let i = 0; i < N; i++) files[`d${i % 50}/f${i}.txt`] += i === 42 ? keyLine(404) : 'more\n';
    stage(r, files);
    const s = sweep([r, '--staged'], { seconds: 90, rss: true, name: '5,000 staged files, --staged' });
    expect(s.rows.map((f) => [f.file, f.line, f.match])).toEqual([['d42/f42.txt', 3, fakeKey(404)]]);
  }, 180_000);

  it('a 50 MB file: scanned in windows by default in git modes, skipped (exit 2) under a lower --max-file-size, secrets at the right lines; memory bounded', () => {
    const r = makeRepo();
    const line = 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt\n';
    const lines = Math.ceil((50 * 1024 * 1024) / line.length);
    const big = keyLine(411) + line.repeat(lines) + keyLine(412);
    write(r, { 'big.txt': big });
    commit(r, { 'small.py': keyLine(413) }, 'c1');

    const d = sweep([r, '--history', '--max-file-size', '10mb'], { seconds: 60, name: '50 MB blob, --history --max-file-size 10mb (skipped)' });
    expect(d.code).toBe(2);
    expect(secrets(d)).toEqual([fakeKey(413)]);
    const json = spawnSync(process.execPath, [BIN, 'scan', r, '--history', '--max-file-size', '10mb', '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(json.stdout).stats.skipped).toContainEqual(expect.objectContaining({ path: 'big.txt', reason: 'too-large' }));

    const h = sweep([r, '--history'], { seconds: 120, rss: true, name: '50 MB blob, --history (git modes: no 10 MB default)' });
    expect(h.rows.map((f) => [f.file, f.line, f.match]).sort()).toEqual([
      ['big.txt', 1, fakeKey(411)],
      ['big.txt', lines + 2, fakeKey(412)],
      ['small.py', 1, fakeKey(413)],
    ]);
    expect(h.rssMb ?? 0).toBeLessThan(1024);
  });

  it('3,000 commits from git fast-import: every planted secret once, attributed to the commit that added it', () => {
    const r = makeRepo();
    const COMMITS = 3000;
    // commit i changes one file; every 100th (i % 100 === 7) also adds s<i>.py with a secret, which
    // commit i + 50 deletes when i % 200 === 7 (gone from HEAD, still in history).
    let stream = '';
    const planted: { i: number; key: string; removed: boolean }[] = [];
    for (let i = 1; i <= COMMITS; i++) {
      const msg = `c${i}`;
      stream += `commit refs/heads/main\nmark :${i}\ncommitter Bench <b@example.test> ${1_600_000_000 + i * 60} +0000\ndata ${msg.length}\n${msg}\n`;
      if (i > 1) stream += `from :${i - 1}\n`;
      const body = `file ${i % 97}\nrevision ${i}\n`;
      stream += `M 100644 inline f${i % 97}.txt\ndata ${Buffer.byteLength(body)}\n${body}\n`;
      if (i % 100 === 7) {
        const key = fakeKey(1000 + i);
        const content = `# commit ${i}\n` + keyLine(1000 + i);
        stream += `M 100644 inline s${i}.py\ndata ${Buffer.byteLength(content)}\n${content}\n`;
        planted.push({ i, key, removed: i % 200 === 7 && i + 50 <= COMMITS });
      }
      const gone = planted.find((p) => p.removed && p.i + 50 === i);
      if (gone) stream += `D s${gone.i}.py\n`;
    }
    const marks = join(tempDir(), 'marks');
    const fi = spawnSync('git', ['fast-import', '--quiet', `--export-marks=${marks}`], { cwd: r, input: stream, encoding: 'utf8' });
    expect(fi.status, fi.stderr).toBe(0);
    git(r, 'reset', '-q', '--hard', 'main');
    const sha = new Map(readFileSync(marks, 'utf8').trim().split('\n').map((l) => [Number(l.slice(1, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)]));
    expect(git(r, 'rev-list', '--count', 'HEAD')).toBe(String(COMMITS));

    const h = sweep([r, '--history'], { seconds: 120, rss: true, name: '3,000 commits, --history' });
    expect(h.code).toBe(1);
    const got = h.rows.map((f) => [f.file, f.line, f.commit, f.presentAtHead, f.match]).sort();
    const want = planted.map((p) => [`s${p.i}.py`, 2, sha.get(p.i), !p.removed, p.key]).sort();
    expect(got).toEqual(want);
    expect(planted.filter((p) => p.removed).length).toBe(15);

    const g = sweep([r, '--range', `${sha.get(2000)}..HEAD`], { seconds: 60, name: '3,000 commits, --range (last 1,000)' });
    expect(secrets(g)).toEqual(planted.filter((p) => p.i > 2000).map((p) => p.key).sort());
  });
});

// A folder that is not a repository, an empty repository, a bare one, a shallow clone and a detached HEAD
// are covered in test/scan/history-scan.test.ts and test/sources/git/staged.test.ts.
