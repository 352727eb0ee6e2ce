import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkingTreeSource } from '../../src/sources/working-tree.js';
import { createScanner } from '../../src/engine/scanner.js';
import { loadBuiltinRules, loadBuiltinScanRules } from '../../src/rules/load.js';
import { secretOf, type Finding } from '../../src/findings/finding.js';
import { githubToken } from '../support/fake-secrets.js';

const rules = loadBuiltinRules();
const tmp = () => mkdtempSync(join(tmpdir(), 'ss-wt-'));
const source = (root: string, gitignore = true) => new WorkingTreeSource({ root, gitignore, maxFileSize: 1 << 20, excludePaths: [] });

describe('working tree source: awkward files', () => {
  it('decodes UTF-16 with BOM, tolerates invalid UTF-8, and keeps line numbers with CRLF and lone CR', async () => {
    const dir = tmp();
    const t1 = githubToken(301), t2 = githubToken(302), t3 = githubToken(303), t4 = githubToken(304);
    writeFileSync(join(dir, 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`a\r\nGH=${t1}\r\n`, 'utf16le')]));
    writeFileSync(join(dir, 'broken.txt'), Buffer.concat([Buffer.from('x = 1\n'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`\nGH=${t2}\n`)]));
    writeFileSync(join(dir, 'crlf.txt'), `a\r\nb\r\nGH=${t3}\r\n`);
    writeFileSync(join(dir, 'cr.txt'), `a\rb\rGH=${t4}\r`);
    const res = await createScanner({ rules }).scan(source(dir));
    const byFile = Object.fromEntries(res.findings.map((f) => [f.file, f]));
    expect(secretOf(byFile['utf16.txt']!)).toBe(t1);
    expect(byFile['utf16.txt']!.line).toBe(2);
    expect(secretOf(byFile['broken.txt']!)).toBe(t2);
    expect(byFile['broken.txt']!.line).toBe(3);
    expect(byFile['crlf.txt']!.line).toBe(3);
    expect(byFile['cr.txt']!.line).toBe(3);
    expect(byFile['cr.txt']!.column).toBe(4);
  });

  it('skips FIFOs, symlink loops and NUL-byte files, and scans names with spaces and newlines', async () => {
    const dir = tmp();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    mkdirSync(join(dir, 'sub dir'));
    const tok = githubToken(305);
    writeFileSync(join(dir, 'sub dir', 'odd\nname.env'), `TOKEN=${tok}\n`);
    writeFileSync(join(dir, 'nul.dat'), Buffer.from(`\0\0GH=${githubToken(306)}`));
    const src = source(dir, false);
    const res = await createScanner({ rules }).scan(src);
    expect(res.findings.map((f) => f.file)).toEqual(['sub dir/odd\nname.env']);
    const reasons = res.stats.skipped.map((s) => s.reason).sort();
    expect(reasons).toEqual(expect.arrayContaining(['binary', 'symlink']));
  });

  it('never reads .git, even with --no-gitignore', async () => {
    const dir = tmp();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(join(dir, '.git', 'leak'), `GH=${githubToken(307)}\n`);
    for (const gi of [true, false]) {
      const res = await createScanner({ rules }).scan(source(dir, gi));
      expect(res.findings).toEqual([]);
    }
  });

  it('parallel and in-process scans give the same findings', async () => {
    const dir = tmp();
    for (let i = 0; i < 450; i++) writeFileSync(join(dir, `f${i}.py`), i % 50 === 0 ? `TOKEN = "${githubToken(400 + i)}"\n` : `x = ${i}\n`);
    const one = await createScanner({ rules, maxFileSize: 1 << 20, jobs: 1 }).scan(source(dir, false));
    const two = await createScanner({ rules, maxFileSize: 1 << 20, jobs: 2 }).scan(source(dir, false));
    expect(two.findings.map((f) => [f.file, f.line, f.fingerprint])).toEqual(one.findings.map((f) => [f.file, f.line, f.fingerprint]));
    expect(two.findings.map(secretOf)).toEqual(one.findings.map(secretOf));
    expect(two.findings).toHaveLength(9);
    expect(two.stats.files).toBe(450);
    // The main thread and two workers share the batches.
    const three = await createScanner({ rules, maxFileSize: 1 << 20, jobs: 3 }).scan(source(dir, false));
    expect(three.findings.map((f) => [f.file, f.line, f.fingerprint])).toEqual(one.findings.map((f) => [f.file, f.line, f.fingerprint]));
    expect(three.stats.files).toBe(450);
    // The built-in scan rules whole: workers read them from the built file (sent by name); with one rule
    // disabled they are sent the list, and do not find what only that rule finds.
    const view = (fs: Finding[]) => fs.map((f) => [f.file, f.line, f.rule, f.fingerprint]);
    const builtin = loadBuiltinScanRules();
    const withoutGithub = builtin.filter((r) => r.id !== 'github-pat-classic');
    for (const set of [builtin, withoutGithub]) {
      const inProcess = await createScanner({ rules: set, maxFileSize: 1 << 20, jobs: 1 }).scan(source(dir, false));
      const parallel = await createScanner({ rules: set, maxFileSize: 1 << 20, jobs: 2 }).scan(source(dir, false));
      expect(view(parallel.findings)).toEqual(view(inProcess.findings));
      expect(inProcess.findings.some((f) => f.rule === 'github-pat-classic')).toBe(set === builtin);
    }
  });

  it('worker threads get the same detector options as the main thread (inline markers reported, not dropped)', async () => {
    const dir = tmp();
    for (let i = 0; i < 450; i++) writeFileSync(join(dir, `f${i}.py`), i % 90 === 0 ? `TOKEN = "${githubToken(900 + i)}"  # secret-sweep:allow\n` : `x = ${i}\n`);
    const view = (fs: Finding[]) => fs.map((f) => [f.file, f.line, f.suppressed]);
    const one = await createScanner({ rules, inlineAllow: 'report', jobs: 1 }).scan(source(dir, false));
    const two = await createScanner({ rules, inlineAllow: 'report', jobs: 2 }).scan(source(dir, false));
    expect(one.findings).toHaveLength(5);
    expect(one.findings.every((f) => f.suppressed !== undefined)).toBe(true);
    expect(view(two.findings)).toEqual(view(one.findings));
  });
});
