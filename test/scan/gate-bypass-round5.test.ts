// Round 5 of bypass attempts (docs/gate.md): each of these let a secret through a gate with exit 0.
// - `allowlist.paths` matched without regard to case (the `ignore` package's default): a base that
//   allowlists `/rules/` also left `RULES/prod.env`, a different path in git, unscanned.
// - a blob with no NUL in its first 8000 bytes was text to the gate, as to git: UTF-16 text after 8000
//   bytes of ASCII read as letters and NULs, and a gzip stream whose first 8000 bytes hold no NUL was never
//   inflated.
// - archives were opened only when they started the blob: a gzip payload appended to a script
//   (self-extracting installers) and a zip behind a prefix (a Python zipapp's `#!` line, a zip appended
//   to a script) were read as raw strings, i.e. compressed noise.
import { constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { commitAll, gateScan, git, repoWith, write } from '../support/gate-repo.js';
import { deflatedZip } from '../support/archives.js';

const TOKEN = githubToken(7501);
const LINE = `token = "${TOKEN}"\n`;

/** A valid gzip of LINE whose first 8000 bytes hold no NUL (FTEXT flag, a set mtime, fixed Huffman codes over 17 MB of blanks). */
function gzipWithoutEarlyNul(): Buffer {
  for (let i = 0; ; i++) {
    const gz = gzipSync(Buffer.concat([Buffer.from(`# build ${i}\n${LINE}`), Buffer.alloc(17_000_000, ' ')]), { level: 9, strategy: constants.Z_FIXED });
    gz[3] = 0x01; // FTEXT: a hint with no field of its own
    gz.writeUInt32LE(0x5a5a5a5a, 4);
    gz[8] = 2;
    gz[9] = 3;
    if (gz.subarray(0, 8000).indexOf(0) < 0) return gz;
  }
}

const gated = (files: Record<string, string | Buffer>, base: Record<string, string | Buffer> = {}) => {
  const { dir } = repoWith(base, files);
  return { dir, range: gateScan(dir, ['--range', 'main..pr']) };
};

/** The token in `file` (alone in the change) is found by `--range`, and by `--staged` with the commit undone. */
function foundInRangeAndStaged(file: string, data: Buffer): void {
  const { dir, range } = gated({ [file]: data });
  expect(range.code, range.stderr).toBe(1);
  expect(range.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file }));
  git(dir, 'reset', '-q', '--soft', 'HEAD~1');
  const staged = gateScan(dir, ['--staged']);
  expect(staged.code, staged.stderr).toBe(1);
}

describe('allowlisted paths are matched with their case, as git paths are', { timeout: 120_000 }, () => {
  it('`/rules/` and `test/fixtures/` in the base config do not cover RULES/ or Test/Fixtures/', () => {
    const base = { '.secret-sweep.yaml': 'allowlist:\n  paths:\n    - /rules/\n    - test/fixtures/\n', 'rules/example.env': LINE };
    const { dir, range } = gated({ 'RULES/prod.env': LINE, 'Test/Fixtures/prod.env': `token = "${githubToken(7504)}"\n` }, base);
    expect(range.code, range.stderr).toBe(1);
    expect(range.findings.map((f) => f.file).sort()).toEqual(['RULES/prod.env', 'Test/Fixtures/prod.env']);
    // --staged reads HEAD's config the same way
    write(dir, { 'Rules/other.env': `token = "${githubToken(7502)}"\n` });
    git(dir, 'add', 'Rules/other.env');
    const staged = gateScan(dir, ['--staged']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(staged.findings).toContainEqual(expect.objectContaining({ file: 'Rules/other.env' }));
    // the allowlisted folder itself stays allowlisted
    commitAll(dir, { 'rules/more.env': `token = "${githubToken(7503)}"\n` }, 'more examples');
    git(dir, 'rm', '-q', '--cached', 'Rules/other.env');
    expect(gateScan(dir, ['--staged']).code).toBe(0);
  });
});

describe('content with no NUL up front is still read for what it hides', { timeout: 180_000 }, () => {
  it('UTF-16 text after 8000 bytes of ASCII', () => {
    foundInRangeAndStaged('notes.txt', Buffer.concat([Buffer.from('x = 1\n'.repeat(1400)), Buffer.from(LINE, 'utf16le')]));
  });

  it('a gzip stream whose first 8000 bytes hold no NUL', () => {
    const { range } = gated({ 'settings.gz': gzipWithoutEarlyNul() });
    expect(range.code, range.stderr).toBe(1);
    expect(range.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file: 'settings.gz' }));
  });
});

describe('archives that do not start the blob are opened', { timeout: 120_000 }, () => {
  it('a gzip payload appended to a shell script (self-extracting)', () => {
    foundInRangeAndStaged('install.sh', Buffer.concat([Buffer.from('#!/bin/sh\ntail -c +64 "$0" | gunzip | sh\nexit 0\n'), gzipSync(LINE)]));
  });

  it('a deflated zip behind a prefix (a Python zipapp with its #! line)', () => {
    foundInRangeAndStaged('tool.pyz', Buffer.concat([Buffer.from('#!/usr/bin/env python3\n'), deflatedZip('__main__.py', LINE)]));
  });

  it('bytes that merely look like a gzip or zip signature are not a refusal', () => {
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 131 + 7) & 0xff;
    Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x03, 0xff, 0xff]).copy(noise, 100);
    Buffer.from([0x50, 0x4b, 0x05, 0x06]).copy(noise, 4000);
    const { range } = gated({ 'image.bin': noise });
    expect(range.code, range.stderr).toBe(0);
  });
});

describe('a blob is read again at a path where a rule allowlist does not apply', { timeout: 120_000 }, () => {
  // A history scan reads each distinct blob once; it was read at the first path the log shows, and a
  // rule's allowlist by path there (generic rules skip `*.d.ts`) hid it at every other path.
  it('the same bytes at `a.d.ts` and at `settings.cfg`, in one commit or in two', () => {
    const password = ['Zq8#vLp2', '!rT9wXk4'].join('');
    // A comment line: in a .d.ts file that is a doc example the generic rules allow (a code line there is
    // reported since their allowlist needs both the path and the comment), elsewhere a commented-out password.
    const text = `// DB_PASSWORD = "${password}"\n`;
    const one = gated({ 'a.d.ts': text, 'settings.cfg': text });
    expect(one.range.code, one.range.stderr).toBe(1);
    expect(one.range.findings).toContainEqual(expect.objectContaining({ rule: 'generic-password-assignment', file: 'settings.cfg' }));
    const { dir } = repoWith({}, { 'settings.cfg': text }, { 'a.d.ts': text });
    const two = gateScan(dir, ['--range', 'main..pr']);
    expect(two.code, two.stderr).toBe(1);
    expect(two.findings).toContainEqual(expect.objectContaining({ rule: 'generic-password-assignment', file: 'settings.cfg' }));
    // at the allowlisted path alone it stays allowlisted
    expect(gated({ 'types.d.ts': text }).range.code).toBe(0);
    // a declaration's code line at that path is reported
    expect(gated({ 'types.d.ts': `export declare const DB_PASSWORD = "${password}";\n` }).range.code).toBe(1);
  });
});

describe("the clone's git config does not change what a gate parses", { timeout: 120_000 }, () => {
  it('i18n.logOutputEncoding=UTF-16 (NULs in the author fields of git log -z): the leak is found, not a parse error', () => {
    const { dir, range } = gated({ 'app.env': LINE });
    expect(range.code).toBe(1);
    git(dir, 'config', 'i18n.logOutputEncoding', 'UTF-16');
    const again = gateScan(dir, ['--range', 'main..pr']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.findings).toContainEqual(expect.objectContaining({ file: 'app.env' }));
  });
});
