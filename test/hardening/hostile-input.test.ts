/**
 * Hostile input for the working-tree scanner, through the BUILT CLI: each case is a folder holding the
 * hostile file(s) next to a normal file with two known secrets. Every case: exit code 1 (the normal file's
 * findings), no crash or stack trace, bounded time, the expected skip count or warning, and the normal
 * file's findings reported at the right lines. Sizes here are CI-sized; bench/hostile.mjs runs the big ones.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { BIN } from '../support/cli.js';
import { ALNUM, awsKeyId, githubToken, randomString } from '../support/fake-secrets.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-hostile-'));
chmodSync(work, 0o755); // the permission case runs the CLI as an unprivileged user when we are root
afterAll(() => {
  spawnSync('chmod', ['-R', 'u+rwx', work]);
  rmSync(work, { recursive: true, force: true });
});

const MB = 1024 * 1024;
/** Generous on a shared 2-core machine; the quadratic cases this guards against took minutes per MB. */
const SECONDS_BASE = 15;
const SECONDS_PER_MB = 3;

const GH = githubToken(901);
const AWS = awsKeyId(902);
const NORMAL = ['import os', '', `GITHUB_TOKEN = "${GH}"`, 'def f():', `    aws_access_key_id = "${AWS}"`, ''].join('\n');

interface JsonReport {
  findings: Array<{ rule: string; file: string; line: number; column: number; match: string }>;
  stats: { files: number; skipped: Array<{ path: string; reason: string; detail?: string }>; skippedByReason: Record<string, number> };
}

interface CaseResult {
  code: number;
  stderr: string;
  report: JsonReport;
  seconds: number;
}

let caseNo = 0;
function folder(): string {
  const dir = join(work, `case${caseNo++}`);
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'normal.py'), NORMAL);
  return dir;
}

function scan(dir: string, bytes: number, opts: { args?: string[]; asUser?: string; seconds?: number } = {}): CaseResult {
  const bound = opts.seconds ?? Math.round(SECONDS_BASE + SECONDS_PER_MB * (bytes / MB));
  const args = [BIN, 'scan', dir, '--format', 'json', '--max-file-size', '100mb', ...(opts.args ?? [])];
  const t0 = process.hrtime.bigint();
  const r = opts.asUser
    ? spawnSync('runuser', ['-u', opts.asUser, '--', process.execPath, ...args], { encoding: 'utf8', timeout: bound * 1000, maxBuffer: 256 * MB, env: { ...process.env, CI: 'true' } })
    : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: bound * 1000, maxBuffer: 256 * MB, env: { ...process.env, CI: 'true' } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  expect(r.error, `no hang: finished within ${bound.toFixed(0)} s`).toBeUndefined();
  expect(r.signal).toBeNull();
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |Error:/);
  return { code: r.status ?? -1, stderr: r.stderr, report: JSON.parse(r.stdout) as JsonReport, seconds };
}

/** The normal file's two findings, at the right lines, whatever else happened in the folder. */
function expectNormalFindings(r: CaseResult): void {
  expect(r.code).toBe(1);
  const normal = r.report.findings.filter((f) => f.file === 'normal.py').map((f) => [f.rule, f.line]);
  expect(normal).toEqual(expect.arrayContaining([['github-pat-classic', 3], ['aws-access-key-id', 5]]));
}

const timings: string[] = [];
function note(name: string, bytes: number, r: CaseResult): void {
  timings.push(`${name}: ${(bytes / MB).toFixed(1)} MB in ${r.seconds.toFixed(2)} s`);
}
afterAll(() => console.log(`hostile input (CLI wall time, including ~0.3 s start-up):\n  ${timings.join('\n  ')}`));

describe('hostile input: size and near-matches', () => {
  it('a 5 MB single line', () => {
    const dir = folder();
    const words = ['key', '=', 'value;', 'token', 'password', 'AKIA', 'ghp_', 'secret:', '"', "'", 'Basic', '%2F', '\\/', 'eyJ'];
    let line = '';
    for (let i = 0; line.length < 5 * MB; i++) line += words[(i * 7) % words.length] + randomString(ALNUM, 1 + (i % 13), i) + ' ';
    writeFileSync(join(dir, 'one-line.txt'), line);
    const r = scan(dir, line.length);
    note('5 MB single line', line.length, r);
    expectNormalFindings(r);
    expect(r.report.stats.files).toBe(2);
  });

  // ~1 MB of repeated near-matches per rule family: each looks like the start of a credential and is not one.
  const nearMatches: Array<[string, (i: number) => string]> = [
    ['ghp_ + 35 chars', (i) => 'gh' + 'p_' + randomString(ALNUM, 35, i) + ' '],
    ['AKIA + 15 chars', (i) => 'AK' + 'IA' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 15, i) + '\n'],
    ['private key header without end', (i) => '-----BEGIN RSA PRIVATE ' + 'KEY-----\n' + randomString(ALNUM + '+/', 64, i) + '\n'],
    ['unterminated password assignment', () => 'password = "'],
    ['partial xoxb- token', (i) => 'xo' + 'xb-' + String(i % 1000) + '-'],
    ['JSON escapes without closing quote', () => '"\\/\\u0041'],
    ['URL-encoded run', () => '%41%3D'],
    ['Basic auth prefix', (i) => 'Basic ' + randomString(ALNUM, 7, i) + ' '],
    ['JWT-looking segments', (i) => 'ey' + 'J' + randomString(ALNUM, 20, i) + '.'],
  ];
  it.each(nearMatches)('near-matches, one line and many lines: %s', (name, unit) => {
    const dir = folder();
    let oneLine = '';
    for (let i = 0; oneLine.length < MB / 2; i++) oneLine += unit(i).replace(/\n/g, ' ');
    let lines = '';
    for (let i = 0; lines.length < MB / 2; i++) lines += unit(i) + (i % 4 === 3 ? '\n' : '');
    writeFileSync(join(dir, 'near-one-line.txt'), oneLine);
    writeFileSync(join(dir, 'near-lines.txt'), lines);
    const r = scan(dir, oneLine.length + lines.length);
    note(`near-matches: ${name}`, oneLine.length + lines.length, r);
    expectNormalFindings(r);
    expect(r.report.findings.filter((f) => f.file !== 'normal.py')).toEqual([]);
  });

  it('20,000 real-format candidates on one line (found as if one per line; none re-scans the whole line)', () => {
    const dir = folder();
    const parts: string[] = [];
    for (let i = 0; i < 20_000; i++) parts.push(`k${i}=${awsKeyId(10_000 + i)};`);
    const text = parts.join(' ');
    writeFileSync(join(dir, 'many.txt'), text);
    // Every finding, not the default first 1000 per file (large-file.test.ts covers the cap).
    // Its work grows with the 20,000 findings, not the bytes (~9 s CPU): a bound of its own, still far from a hang.
    const r = scan(dir, text.length, { args: ['--max-findings-per-file', '0'], seconds: 90 });
    note('20k findings on one line', text.length, r);
    expectNormalFindings(r);
    // The same candidates one per line (no long-line handling involved): the same number found.
    const perLine = createDetector(loadBuiltinRules()).detect({ text: parts.join('\n'), provenance: { kind: 'file', path: 'many.txt' } }).length;
    expect(perLine).toBeGreaterThan(19_900);
    expect(r.report.findings.filter((f) => f.file === 'many.txt').length).toBe(perLine);
  }, 180_000);

  it('a base64 blob of 20 MB that decodes to text, with a credential word on its line', () => {
    const dir = folder();
    const decoded = Buffer.from(('user=admin password=' + randomString(ALNUM, 20, 5) + '\n').repeat(Math.ceil((15 * MB) / 42)));
    const blob = `password = "${decoded.toString('base64').slice(0, 20 * MB)}"\n`;
    writeFileSync(join(dir, 'blob.txt'), blob);
    const r = scan(dir, blob.length);
    note('20 MB base64 blob', blob.length, r);
    expectNormalFindings(r);
  });

  it('deeply nested JSON (100,000 levels) with a secret at the bottom', () => {
    const dir = folder();
    const token = githubToken(77);
    const text = '{"a":'.repeat(100_000) + `"${token}"` + '}'.repeat(100_000);
    writeFileSync(join(dir, 'deep.json'), text);
    const r = scan(dir, text.length);
    note('nested JSON 100k levels', text.length, r);
    expectNormalFindings(r);
    expect(r.report.findings.filter((f) => f.file === 'deep.json').map((f) => [f.rule, f.line, f.column])).toEqual([['github-pat-classic', 1, 500_002]]);
  });
});

describe('hostile input: encodings and line ends', () => {
  it('invalid UTF-8, UTF-16 LE/BE with BOM, NUL bytes, CRLF and lone CR: secrets found at the right line', () => {
    const dir = folder();
    const tok = (n: number) => githubToken(1000 + n);
    const lines = (n: number) => ['first', 'second', `token = "${tok(n)}"`, 'last'];
    writeFileSync(join(dir, 'bad-utf8.txt'), Buffer.concat([Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xfd, 0x0a]), Buffer.from('\xa0\xa1 x\n', 'latin1'), Buffer.from(`token = "${tok(1)}"\n`), Buffer.from([0xed, 0xa0, 0x80, 0x0a])]));
    writeFileSync(join(dir, 'utf16le.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(2).join('\n'), 'utf16le')]));
    writeFileSync(join(dir, 'utf16be.txt'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(lines(3).join('\r\n'), 'utf16le').swap16()]));
    writeFileSync(join(dir, 'utf16be-odd.txt'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(lines(4).join('\n'), 'utf16le').swap16(), Buffer.from([0x41])]));
    writeFileSync(join(dir, 'crlf.txt'), lines(5).join('\r\n'));
    writeFileSync(join(dir, 'lone-cr.txt'), lines(6).join('\r'));
    writeFileSync(join(dir, 'mixed.txt'), ['a', 'b\r', 'c', `token = "${tok(7)}"`].join('\r\n').replace('b\r\r\n', 'b\r\r'));
    writeFileSync(join(dir, 'nul-head.bin'), Buffer.concat([Buffer.from('\0\0\0'), Buffer.from(lines(8).join('\n'))]));
    writeFileSync(join(dir, 'nul-late.txt'), Buffer.concat([Buffer.from('x'.repeat(9000) + '\n'), Buffer.from('\0\n'), Buffer.from(lines(9).join('\n'))]));
    const r = scan(dir, 0.1 * MB);
    expectNormalFindings(r);
    const at = Object.fromEntries(r.report.findings.filter((f) => f.file !== 'normal.py').map((f) => [f.file, f.line]));
    expect(at).toEqual({ 'bad-utf8.txt': 3, 'utf16le.txt': 3, 'utf16be.txt': 3, 'utf16be-odd.txt': 3, 'crlf.txt': 3, 'lone-cr.txt': 3, 'mixed.txt': 5, 'nul-late.txt': 5 });
    expect(r.report.stats.skippedByReason).toEqual({ binary: 1 });
  });
});

describe('hostile input: the file system', () => {
  it('file names with newlines and control characters: scanned, and printed escaped in text output', () => {
    const dir = folder();
    const names = ['new\nline.txt', 'tab\there.txt', 'esc\u001b[31mred.txt', 'bell\u0007.txt', 'cr\rname.txt', ' lead space.txt', '-dash.txt', 'uni\u2028sep.txt'];
    names.forEach((n, i) => writeFileSync(join(dir, n), `x\ntoken = "${githubToken(3000 + i)}"\n`));
    const r = scan(dir, 0);
    expectNormalFindings(r);
    expect(r.report.findings.filter((f) => f.file !== 'normal.py').map((f) => f.file).sort()).toEqual([...names].sort());
    const text = spawnSync(process.execPath, [BIN, 'scan', dir], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(text.status).toBe(1);
    expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u2028]/);
    expect(text.stdout).toContain('esc\\x1b[31mred.txt');
  });

  it('symlink loops, a symlink to itself, to its folder and to /dev/zero, a FIFO: skipped and counted, no hang', () => {
    const dir = folder();
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    symlinkSync('self', join(dir, 'self'));
    symlinkSync('.', join(dir, 'here'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync('..', join(dir, 'sub', 'up'));
    symlinkSync('/dev/zero', join(dir, 'zero'));
    symlinkSync('/dev/stdin', join(dir, 'stdin'));
    const fifo = spawnSync('mkfifo', [join(dir, 'pipe')]);
    const r = scan(dir, 0);
    expectNormalFindings(r);
    expect(r.report.stats.skippedByReason.symlink).toBe(7);
    if (fifo.status === 0) expect(r.report.stats.skippedByReason['special-file']).toBe(1);
    // Also through the worker-thread path (-j 2 forces nothing below the file-count threshold, so check -j 1 too).
    const r1 = scan(dir, 0, { args: ['-j', '1'] });
    expect(r1.report.stats.skippedByReason).toEqual(r.report.stats.skippedByReason);
  });

  it('a permission-denied file and folder: warned about, skipped, the rest scanned', (ctx) => {
    const dir = folder();
    writeFileSync(join(dir, 'denied.txt'), `token = "${githubToken(4000)}"\n`);
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'inside.txt'), `token = "${githubToken(4001)}"\n`);
    chmodSync(join(dir, 'denied.txt'), 0o000);
    chmodSync(join(dir, 'locked'), 0o000);
    let asUser: string | undefined;
    if (process.getuid?.() === 0) {
      // chmod does not stop root: run the CLI as `nobody`, if this machine lets us.
      const probe = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', `require("fs").accessSync(${JSON.stringify(BIN)})`]);
      if (probe.status !== 0) {
        console.log('permission case skipped: running as root and cannot run the CLI as an unprivileged user (runuser -u nobody)');
        ctx.skip();
        return;
      }
      asUser = 'nobody';
    } else {
      try {
        accessSync(join(dir, 'denied.txt'), constants.R_OK);
        ctx.skip();
        return;
      } catch {
        /* really denied: go on */
      }
    }
    const r = scan(dir, 0, { asUser });
    expectNormalFindings(r);
    expect(r.report.findings.filter((f) => f.file !== 'normal.py')).toEqual([]);
    expect(r.report.stats.skippedByReason.unreadable).toBe(2);
    expect(r.stderr).toMatch(/warning: denied\.txt: not scanned, cannot be read \(EACCES\)/);
    expect(r.stderr).toMatch(/warning: locked: not scanned, cannot be read \(EACCES\)/);
  });
});
