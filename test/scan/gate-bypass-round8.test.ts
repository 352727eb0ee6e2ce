// Round 8 of bypass attempts (docs/gate.md).
// - a Jupyter notebook whose cell source (or text output) is an array of strings split inside the token:
//   Jupyter shows them joined, every mode passed.
// - a file committed through Git LFS (a pointer in git, the bytes in LFS storage, which every clone with
//   git-lfs checks out): the pointer was skipped and the gate passed. The object is now read from the
//   clone's LFS store and scanned at the pointer's path; one not in the clone makes the gate exit 2.
// - a tar whose member is a deflated zip followed by 64 KiB more (unzip's end record looked for at the end
//   only), or an xz/bzip2/zstd member; an xz payload appended to a script: read as strings, passed.
// - a .docx/.xlsx/.odt whose text run is split inside a token (Word shows it whole): passed.
// - a job running the gate with --only-verified: a finding whose issuer cannot say (a generic password has
//   no verifier; an AWS secret key with no key id near it) was dropped and the gate passed.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken, password } from '../support/fake-secrets.js';
import { gateScan, git, repoWith, write } from '../support/gate-repo.js';
import { arOf, deflatedZip, tarOf, zipOfOne } from '../support/archives.js';
import { binaryText, hidesBinary } from '../../src/sources/binary-text.js';
import { notebookArrays } from '../../src/detect/notebook.js';

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
function lfsFile(dir: string, path: string, content: string, loose = false): string {
  const oid = createHash('sha256').update(content).digest('hex');
  const folder = join(dir, '.git', 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, oid), content);
  const size = Buffer.byteLength(content);
  // `loose`: what git-lfs also checks out as the object (its pointer parser, lfs/pointer.go): the pre-release
  // version URL, CRLF line ends, blank lines, blank padding past 1 KiB.
  const pointer = loose
    ? `\r\nversion https://hawser.github.com/spec/v1\r\n\r\noid sha256:${oid}\r\nsize ${size}\r\n${' '.repeat(1200)}\n`
    : `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`;
  write(dir, { [path]: pointer });
  return oid;
}

/** Bytes that look random to `strings` (no printable run of 8), 100 KiB: pushes a zip's end record out of unzip's reach. */
const NOISE = Buffer.from(Array.from({ length: 100 * 1024 }, (_, i) => (i % 7 === 0 ? 0 : 0x80 + (i % 100))));

describe('round 8: content a reader puts together', { timeout: 120_000 }, () => {
  it('a notebook token split across source strings, a token committed through Git LFS, a zip deep in a tar, a Word run split inside a token: found by --staged and --range; an LFS object not in the clone is exit 2', () => {
    const { dir } = repoWith({});
    write(dir, { 'nb.ipynb': notebook(githubToken(8801), 9), '.gitattributes': '*.env filter=lfs diff=lfs merge=lfs -text\n' });
    lfsFile(dir, 'prod.env', `GH_TOKEN=${githubToken(8802)}\n`);
    lfsFile(dir, 'old.env', `GH_TOKEN=${githubToken(8807)}\n`, true);
    // A deflated zip inside a tar, 100 KiB before the tar's end.
    write(dir, { 'bundle.tar': tarOf([['app.zip', deflatedZip('prod.env', `GH=${githubToken(8803)}\n`)], ['noise.bin', NOISE]]) });
    // A Word document that shows the token whole, stored as two runs (an edit splits a run anywhere).
    const shown = githubToken(8804);
    write(dir, { 'runbook.docx': deflatedZip('word/document.xml', `<w:document><w:body><w:p><w:r><w:t xml:space="preserve">Deploy with </w:t></w:r><w:r w:rsidR="00AB12"><w:t>${shown.slice(0, 11)}</w:t></w:r><w:r w:rsidR="00CD34"><w:t>${shown.slice(11)}</w:t></w:r></w:p></w:body></w:document>`) });
    git(dir, 'add', '-A');
    const staged = gateScan(dir, ['--staged']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(staged.findings.map((f) => `${f.file}:${f.rule}`).sort()).toEqual(['bundle.tar:github-pat-classic', 'nb.ipynb:github-pat-classic', 'old.env:github-pat-classic', 'prod.env:github-pat-classic', 'runbook.docx:github-pat-classic']);
    git(dir, 'commit', '-q', '--no-verify', '-m', 'notebook and lfs');
    const range = gateScan(dir, ['--range', 'main..pr']);
    expect(range.code, range.stderr).toBe(1);
    // The notebook finding is placed at the array (line 8: `"source": [`).
    expect(range.findings.map((f) => `${f.file}:${f.file.endsWith('.ipynb') ? f.line : ''}:${f.rule}`).sort()).toEqual(['bundle.tar::github-pat-classic', 'nb.ipynb:8:github-pat-classic', 'old.env::github-pat-classic', 'prod.env::github-pat-classic', 'runbook.docx::github-pat-classic']);
    // A CI checkout without the LFS objects (actions/checkout's default): the gate cannot read prod.env.
    renameSync(join(dir, '.git', 'lfs'), join(dir, '.git', 'lfs-gone'));
    const missing = gateScan(dir, ['--range', 'main..pr']);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.skipped).toEqual([expect.objectContaining({ path: 'old.env', reason: 'lfs-object' }), expect.objectContaining({ path: 'prod.env', reason: 'lfs-object' })]);
    expect(missing.stderr).toMatch(/prod\.env: not scanned, cannot be read \(.*Git LFS object sha256:[0-9a-f]{12} \(\d+ bytes\) is not in this clone/);
  });
});

describe('round 8: compressed data after a prefix or inside a tar or ar archive', () => {
  const text = (b: Buffer) => {
    const r = binaryText(b);
    return 'text' in r ? r.text : `unscanned: ${r.unscanned}`;
  };
  const script = Buffer.from('#!/bin/sh\ntail -c +4 "$0" | xz -d | sh\nexit 0\n');
  const le32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return b;
  };
  // Stream headers as the formats define them (their CRCs hold), then bytes no reader here opens.
  const xzFlags = Buffer.from([0x00, 0x01]);
  const xz = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), xzFlags, le32(crc32(xzFlags)), NOISE.subarray(0, 64)]);
  const next7z = Buffer.alloc(20, 7);
  const sevenZip = Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04]), le32(crc32(next7z)), next7z, NOISE.subarray(0, 64)]);
  const rar5Main = Buffer.from([0x06, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00]);
  const rar5 = Buffer.concat([Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), le32(crc32(rar5Main)), rar5Main, NOISE.subarray(0, 64)]);
  const bzip2 = Buffer.concat([Buffer.from('BZh91AY&SY', 'latin1'), NOISE.subarray(0, 64)]);
  const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), NOISE.subarray(0, 64)]);

  it('is refused (exit 2 in a gate), where its strings passed', () => {
    expect(text(Buffer.concat([script, xz]))).toMatch(new RegExp(`^unscanned: xz-compressed data at byte ${script.length} `));
    expect(text(Buffer.concat([Buffer.alloc(100), sevenZip]))).toMatch(/^unscanned: 7z-compressed data at byte 100 /);
    expect(text(Buffer.concat([Buffer.alloc(100), rar5]))).toMatch(/^unscanned: rar-compressed data at byte 100 /);
    expect(text(tarOf([['README', Buffer.from('hello\n')], ['prod.env.bz2', bzip2]]))).toMatch(/^unscanned: bzip2-compressed data at byte 1536 /);
    expect(text(arOf([['debian-binary', Buffer.from('2.0\n')], ['data.tar.zst', zstd]]))).toMatch(/^unscanned: zstd-compressed data \(not opened\)/);
    // A script with a bzip2 payload and no NUL byte: git calls it text, the gate still looks.
    expect(hidesBinary(Buffer.concat([script, Buffer.from('BZh91AY&SY' + 'x'.repeat(40), 'latin1')]))).toBe(true);
  });

  it('a signature without its header is not a stream (file-type tables in programs, esbuild holds RAR\'s)', () => {
    const table = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from('Rar!\x1a\x07\x00', 'latin1'), Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]), Buffer.from('BZh', 'latin1'), Buffer.from(' plain strings here\n')]);
    expect(text(table)).toContain('plain strings here');
    // Text that names bzip2's markers (this file does): printable bytes follow them, no block.
    expect(text(Buffer.from('bzip2 streams start BZh91AY&SY and go on with their blocks\n\0'))).toContain('bzip2 streams start');
    // A tar of plain members is read as before.
    expect(text(tarOf([['a.txt', Buffer.from('GH=not-a-token-here\n')]]))).toContain('GH=not-a-token-here');
  });
});

describe('round 8: the joins are not defeated by spelling', () => {
  const tok = githubToken(8805);
  it('a notebook whose keys are written with JSON escapes (every JSON reader undoes them)', () => {
    const text = `{"nb\\u0066ormat": 4, "cells": [{"sour\\u0063e": ["gh = Github(\\"${tok.slice(0, 9)}", "${tok.slice(9)}\\")"]}]}`;
    const joined: string[] = [];
    notebookArrays(text, (a) => joined.push(a.text));
    expect(joined).toEqual([`gh = Github("${tok}")`]);
  });

  it('an office part under another name and namespace prefix; a tar appended to a script', () => {
    const doc = `<?xml version="1.0"?><q:document xmlns:q="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><q:body><q:p><q:r><q:t>${tok.slice(0, 10)}</q:t></q:r><q:r><q:t>${tok.slice(10)}</q:t></q:r></q:p></q:body></q:document>`;
    const r = binaryText(deflatedZip('word/doc.bin', doc));
    expect('text' in r && r.text.includes(tok)).toBe(true);
    const tar = tarOf([['a.zip', deflatedZip('prod.env', `GH=${tok}\n`)], ['noise.bin', NOISE]]);
    const sfx = binaryText(Buffer.concat([Buffer.from('#!/bin/sh\ntail -c +4 "$0" | tar x\nexit 0\n'), tar]));
    expect('text' in sfx && sfx.text.includes(tok)).toBe(true);
  });

  it('a zip entry its central directory does not list, or lists shorter than its local header (unzip reads the directory, Java\'s ZipInputStream the local headers)', () => {
    const hidden = deflatedZip('prod.env', `GH=${tok}\n`);
    // The hidden entry's local header and data, then a zip of another file: its directory lists that one only.
    const jar = Buffer.concat([hidden.subarray(0, hidden.readUInt32LE(hidden.length - 6)), deflatedZip('readme.txt', 'hello\n')]);
    const r = binaryText(jar);
    expect('text' in r && r.text.includes(tok), JSON.stringify(r).slice(0, 300)).toBe(true);
    // A stored entry whose directory entry says 5 bytes while its local header (a streaming reader's) says all of them.
    const short = binaryText(zipOfOne('prod.env', `hello\nGH=${tok}\n`, 'stored', 5));
    expect('text' in short && short.text.includes(tok), JSON.stringify(short).slice(0, 300)).toBe(true);
  });
});

describe('round 8: --only-verified in a gate', { timeout: 60_000 }, () => {
  it('a finding that cannot be verified is not a pass: exit 2 (--verify lists it, exit 1)', () => {
    const { dir } = repoWith({}, { 'settings.py': `DB_PASSWORD = "${password(8806)}"\n` });
    const only = gateScan(dir, ['--range', 'main..pr', '--only-verified']);
    expect(only.code, only.stderr).toBe(2);
    expect(only.findings).toEqual([]);
    expect(only.stderr).toMatch(/--only-verified: 1 finding could not be verified .* a gate does not pass what it could not check/);
    const all = gateScan(dir, ['--range', 'main..pr', '--verify']);
    expect(all.code, all.stderr).toBe(1);
    expect(all.findings).toEqual([expect.objectContaining({ file: 'settings.py', rule: 'generic-password-assignment' })]);
  });
});
