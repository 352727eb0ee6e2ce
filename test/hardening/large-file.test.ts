/**
 * Large files in windows (src/sources/windows.ts, read-file.ts): the windows tile the text with the right
 * lines and columns; detection through windows finds exactly what whole-file detection finds (secrets
 * straddling a boundary found once, at the right line and column; a PEM key across a boundary; CRLF; a
 * huge single line; UTF-8 and UTF-16 cut by chunk edges); the built CLI scans a generated file in memory
 * independent of its size; and the per-file findings cap. Fake secrets are built at run time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { LineIndex } from '../../src/detect/line-index.js';
import type { Finding } from '../../src/findings/finding.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { bytesToText, ChunkDecoder } from '../../src/sources/decode-text.js';
import { readFileForScan } from '../../src/sources/read-file.js';
import { textWindows, type WindowSizes } from '../../src/sources/windows.js';
import { BIN } from '../support/cli.js';
import { ALNUM, awsKeyId, B64, githubToken, randomString, rng } from '../support/fake-secrets.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-large-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MB = 1024 * 1024;
const detector = createDetector(loadBuiltinRules());

/** Small windows, so boundaries are cheap to reach: own parts of 16 K characters, 4 K of context. */
const SMALL: WindowSizes = { window: 16 * 1024, overlap: 4 * 1024, snap: 1024 };

function pem(seed: number): string {
  const body: string[] = [];
  for (let i = 0; i < 25; i++) body.push(randomString(B64, 64, seed * 100 + i));
  return ['-----BEGIN RSA PRIVATE ' + 'KEY-----', ...body, '-----END RSA PRIVATE ' + 'KEY-----'].join('\n');
}

/**
 * Text of ordinary lines with each insert placed so its first character lands exactly at the given offset
 * (the filler line before it is cut short to get there).
 */
function build(total: number, inserts: Array<[offset: number, text: string]>, eol = '\n'): string {
  const parts: string[] = [];
  let len = 0;
  let i = 0;
  const fill = (upto: number) => {
    while (len < upto) {
      let line = `    value_${i} = compute(${i}, "${randomString(ALNUM, 5 + (i % 30), i)}")  # refresh ${i % 5 ? '' : 'token '}later${eol}`;
      i++;
      if (len + line.length > upto) line = '#'.repeat(upto - len);
      parts.push(line);
      len += line.length;
    }
  };
  for (const [offset, text] of [...inserts].sort((a, b) => a[0] - b[0])) {
    fill(offset);
    parts.push(text);
    len += text.length;
  }
  fill(total);
  return parts.join('');
}

const shape = (f: Finding) => ({ rule: f.rule, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, start: f.start, end: f.end, fingerprint: f.fingerprint, key: f.key });

/** Findings of a file read in windows of `sizes` (every file counts as large here). */
function windowed(file: string, sizes = SMALL): { findings: Finding[]; windows: number } {
  const r = readFileForScan(work, file, Number.MAX_SAFE_INTEGER, { windowedAbove: 0, sizes });
  if (!('fragments' in r)) throw new Error(`not read: ${JSON.stringify(r)}`);
  const findings: Finding[] = [];
  let windows = 0;
  for (const fragment of r.fragments) {
    windows++;
    findings.push(...detector.detect(fragment));
  }
  return { findings, windows };
}

function whole(file: string): Finding[] {
  return detector.detect({ text: bytesToText(readFileSync(join(work, file))), provenance: { kind: 'file', path: file } });
}

let fileNo = 0;
function put(content: string | Buffer): string {
  const name = `f${fileNo++}.txt`;
  writeFileSync(join(work, name), content);
  return name;
}

describe('textWindows', () => {
  const cases: Array<[string, string]> = [
    ['LF lines', build(100_000, [])],
    ['CRLF lines', build(100_000, [], '\r\n')],
    ['lone CR lines', build(100_000, [], '\r')],
    ['one long line', 'x'.repeat(70_000) + '\n' + 'y'.repeat(50_000)],
    ['CRLF pairs everywhere', 'ab\r\n\r\n\r\r\n\n'.repeat(9000)],
    ['short', 'a\nb\n'],
    ['empty', ''],
  ];
  it.each(cases)('%s: own parts tile the text, each window has its context, lines and columns are right', (_name, text) => {
    const idx = new LineIndex(text);
    for (const pieceSeed of [1, 2, 3]) {
      const r = rng(pieceSeed);
      let pos = 0;
      const next = () => {
        if (pos >= text.length) return undefined;
        const n = 1 + Math.floor(r() * 9000);
        const piece = text.slice(pos, pos + n);
        pos += n;
        return piece;
      };
      let covered = 0;
      const all = [...textWindows(next, SMALL)];
      all.forEach((w, k) => {
        expect(w.text).toBe(text.slice(w.offset, w.offset + w.text.length));
        expect(w.offset + w.from).toBe(covered);
        covered = w.offset + w.to;
        if (k > 0) expect(w.from).toBeGreaterThanOrEqual(SMALL.overlap);
        if (k < all.length - 1) expect(w.text.length - w.to).toBeGreaterThanOrEqual(SMALL.overlap);
        const line = idx.lineOf(w.offset);
        expect([w.line, w.column]).toEqual([line, w.offset - idx.startOf(line) + 1]);
      });
      expect(covered).toBe(text.length);
    }
  });
});

describe('detection in windows finds what whole-file detection finds', () => {
  const B = SMALL.window; // own parts end at B, 2B, 3B, ... (characters)

  it('secrets straddling a window boundary, and in the first, middle and last windows: each found once, at the right line', () => {
    const gh = (n: number) => `GITHUB_TOKEN = "${githubToken(100 + n)}"\n`;
    const aws = (n: number) => `aws_access_key_id = "${awsKeyId(200 + n)}"\n`;
    const inserts: Array<[number, string]> = [
      [20, gh(0)], // first window
      [B - 25, gh(1)], // the token itself straddles the first boundary
      [2 * B - 16, aws(1)], // the key name before the boundary, the key after it
      [3 * B - 21, aws(2)], // the key starts exactly at the boundary (21 = length of `aws_access_key_id = "`)
      [3 * B + 1000, gh(2)], // middle
    ];
    const text = build(5 * B, inserts) + gh(3).trimEnd(); // the last line, no newline after it
    const file = put(text);
    const w = windowed(file);
    expect(w.windows).toBeGreaterThanOrEqual(5);
    expect(w.findings.map(shape)).toEqual(whole(file).map(shape));
    const idx = new LineIndex(text);
    const want = [...inserts.map(([o, s]) => idx.lineOf(o + s.indexOf('"') + 1)), idx.count].sort((a, b) => a - b);
    expect(w.findings.map((f) => f.line)).toEqual(want);
    expect(new Set(w.findings.map((f) => f.fingerprint)).size).toBe(6);
    expect(w.findings.find((f) => f.start === 3 * B)?.rule).toBe('aws-access-key-id');
  });

  it('a PEM private key across a window boundary: found once, whole, from its BEGIN line', () => {
    const key = pem(1);
    const text = build(3 * B, [[B - 800, key + '\n']]);
    const file = put(text);
    const w = windowed(file);
    const found = w.findings.filter((f) => f.rule === 'private-key-rsa');
    expect(found.map(shape)).toEqual(whole(file).filter((f) => f.rule === 'private-key-rsa').map(shape));
    expect(found).toHaveLength(1);
    expect(found[0]!.end - found[0]!.start).toBe(key.length);
    expect(found[0]!.line).toBe(new LineIndex(text).lineOf(B - 800));
    expect(found[0]!.endLine - found[0]!.line).toBe(26);
  });

  it('CRLF line ends, and a CRLF cut by the window edge', () => {
    const text = build(4 * B, [[B - 30, `token = "${githubToken(7)}"\r\n`], [2 * B + 5, `password = "${randomString(ALNUM, 20, 9)}"\r\n`]], '\r\n');
    const file = put(text);
    expect(windowed(file).findings.map(shape)).toEqual(whole(file).map(shape));
  });

  it('a single line of 200 K characters: secrets across boundaries at the right columns', () => {
    const parts: string[] = [];
    const place: number[] = [B - 10, 2 * B + 3, 5 * B - 1, 9 * B];
    let len = 0;
    for (const [k, p] of place.entries()) {
      parts.push('x '.repeat(Math.floor((p - 8 - len) / 2)));
      len += 2 * Math.floor((p - 8 - len) / 2);
      const s = ` key = "${githubToken(300 + k)}" `;
      parts.push(s);
      len += s.length;
    }
    parts.push('x '.repeat(30_000));
    const text = parts.join('');
    const file = put(text);
    const w = windowed(file);
    expect(w.findings.map(shape)).toEqual(whole(file).map(shape));
    expect(w.findings).toHaveLength(4);
    expect(w.findings.every((f) => f.line === 1 && f.column === f.start + 1)).toBe(true);
  });

  it('UTF-8 with multi-byte characters and a BOM, and UTF-16 LE with a BOM, read in windows', () => {
    const text = build(3 * B, [[B - 12, `token = "${githubToken(11)}" é€😀\n`], [2 * B + 40, `AWS = "${awsKeyId(12)}"\n`]]).replace(/later/g, 'lätér 😀');
    const utf8 = put(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const utf16 = put(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    for (const file of [utf8, utf16]) {
      const w = windowed(file);
      expect(w.findings.map(shape)).toEqual(whole(file).map(shape));
      expect(w.findings.map((f) => f.rule).sort()).toEqual(['aws-access-key-id', 'github-pat-classic']);
    }
  });

  it('ChunkDecoder: any cut of UTF-8 or UTF-16 bytes decodes as the whole does', () => {
    const text = 'a é € 😀 z\r\n'.repeat(3);
    for (const bytes of [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), Buffer.from(text), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]), Buffer.from([0x61, 0xc3, 0x28, 0xe2, 0x82])]) {
      for (let a = 1; a < bytes.length; a++) {
        for (const b of [a + 1, a + 3, bytes.length]) {
          if (b > bytes.length) continue;
          const d = new ChunkDecoder(bytes); // the encoding is decided on a head holding the BOM (a large file's first chunk is 1 MB)
          const got = d.decode(bytes.subarray(0, a), false) + d.decode(bytes.subarray(a, b), b === bytes.length) + (b < bytes.length ? d.decode(bytes.subarray(b), true) : '');
          expect(got).toBe(bytesToText(bytes));
        }
      }
    }
  });

  it('binary detection looks at the first chunk, as for a whole file', () => {
    const file = put(Buffer.concat([Buffer.from('abc\0'), Buffer.from(`\ntoken = "${githubToken(13)}"\n`.repeat(2000))]));
    expect(readFileForScan(work, file, Number.MAX_SAFE_INTEGER, { windowedAbove: 0, sizes: SMALL })).toEqual({ skipped: { path: file, reason: 'binary' } });
  });
});

// ---------------------------------------------------------------------------------------------------------
// The built CLI on generated files.

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Write a file of `bytes` ordinary lines with the given lines placed at character offsets; returns their line numbers. */
function writeLarge(file: string, bytes: number, inserts: Array<[offset: number, text: string]>): number[] {
  const fd = openSync(file, 'w');
  const filler: string[] = [];
  for (let i = 0; i < 64; i++) filler.push(`    value_${i} = compute(${i}, "${randomString(ALNUM, 8 + (i % 23), 7000 + i)}")  # refresh ${i % 7 ? '' : 'token '}later\n`);
  let len = 0;
  let line = 1;
  let buf = '';
  const lines: number[] = [];
  const push = (s: string) => {
    buf += s;
    len += s.length;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) line++;
    if (buf.length >= MB) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  const sorted = [...inserts].sort((a, b) => a[0] - b[0]);
  for (let i = 0, k = 0; len < bytes || k < sorted.length; i++) {
    const nextAt = k < sorted.length ? sorted[k]![0] : bytes;
    const f = filler[i % 64]!;
    if (len + f.length <= nextAt) {
      push(f);
      continue;
    }
    push('#'.repeat(nextAt - len));
    if (k >= sorted.length) break;
    lines.push(line);
    push(sorted[k]![1]);
    k++;
  }
  if (buf) writeSync(fd, buf);
  closeSync(fd);
  return lines;
}

function runScan(dir: string, args: string[]): { code: number; stderr: string; report: { findings: Array<{ rule: string; file: string; line: number; column: number }>; stats: { notes: string[] } }; rssMb?: number } {
  const cli = [BIN, 'scan', dir, '--format', 'json', ...args];
  const r = TIME
    ? spawnSync(TIME, ['-f', 'peak-rss-kb=%M', process.execPath, ...cli], { encoding: 'utf8', maxBuffer: 64 * MB, timeout: 60_000, env: { ...process.env, CI: 'true' } })
    : spawnSync(process.execPath, cli, { encoding: 'utf8', maxBuffer: 64 * MB, timeout: 60_000, env: { ...process.env, CI: 'true' } });
  const kb = /peak-rss-kb=(\d+)/.exec(r.stderr ?? '');
  expect(r.error).toBeUndefined();
  return { code: r.status ?? -1, stderr: r.stderr, report: JSON.parse(r.stdout), rssMb: kb ? Number(kb[1]) / 1024 : undefined };
}

describe('the CLI on large files', () => {
  it('64 MB file: secrets at known lines (one across the 8 MB window edge, one at the very end) found once; memory independent of size', () => {
    const W = 8 * MB;
    const gh = (n: number) => `GITHUB_TOKEN = "${githubToken(500 + n)}"\n`;
    const make = (name: string, bytes: number) => {
      const dir = join(work, name);
      mkdirSync(dir);
      const aws = (n: number) => `aws_access_key_id = "${awsKeyId(600 + n)}"\n`;
      const inserts: Array<[number, string, string]> = [
        [100, gh(0), 'github-pat-classic'],
        [W - 20, gh(1), 'github-pat-classic'], // the token straddles the first window edge
        [Math.floor(bytes * 0.3), aws(0), 'aws-access-key-id'],
        [Math.floor(bytes * 0.7), gh(2), 'github-pat-classic'],
        [bytes, `AWS_KEY = "${awsKeyId(601)}"`, 'aws-access-key-id'], // the last line, no newline
      ];
      inserts.sort((a, b) => a[0] - b[0]);
      const lines = writeLarge(join(dir, 'big.py'), bytes, inserts.map(([o, t]) => [o, t]));
      return { dir, want: lines.map((l, i) => `${inserts[i]![2]}:${l}`).sort() };
    };
    const small = make('m16', 16 * MB);
    const big = make('m64', 64 * MB);
    const rs = runScan(small.dir, ['--max-file-size', '100mb']);
    const rb = runScan(big.dir, ['--max-file-size', '100mb']);
    for (const [r, m] of [[rs, small], [rb, big]] as const) {
      expect(r.code).toBe(1);
      expect(r.report.findings.map((f) => `${f.rule}:${f.line}`).sort()).toEqual(m.want);
    }
    // Whole-file reading needed ~9x the file size (about 580 MB for 64 MB); windows keep it flat.
    if (rb.rssMb !== undefined && rs.rssMb !== undefined) {
      console.log(`peak RSS: 16 MB file ${rs.rssMb.toFixed(0)} MB, 64 MB file ${rb.rssMb.toFixed(0)} MB`);
      expect(rb.rssMb).toBeLessThan(400);
      expect(rb.rssMb - rs.rssMb).toBeLessThan(150);
    }
    // The same file committed: --history detects a large blob window by window too, same findings.
    const git = (...a: string[]) => expect(spawnSync('git', ['-C', small.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { encoding: 'utf8' }).status).toBe(0);
    git('init', '-q');
    git('add', 'big.py');
    git('commit', '-q', '-m', 'big');
    const rh = runScan(small.dir, ['--history', '--max-file-size', '100mb']);
    expect(rh.code).toBe(1);
    expect(rh.report.findings.map((f) => `${f.rule}:${f.line}`).sort()).toEqual(small.want);
    if (rh.rssMb !== undefined) console.log(`peak RSS: 16 MB blob, --history: ${rh.rssMb.toFixed(0)} MB`);
    // The default size cap still skips it, with the reason.
    const skipped = runScan(big.dir, []);
    expect(skipped.report.findings.filter((f) => f.file === 'big.py')).toEqual([]);
  });
});

describe('findings per file are capped', () => {
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i} = "${awsKeyId(9000 + i)}"`).join('\n') + '\n';

  it('default 1000 per file, with a warning and a note; --max-findings-per-file N and 0; the first N by line', () => {
    const dir = join(work, 'cap');
    mkdirSync(dir);
    writeFileSync(join(dir, 'dump.txt'), keys(2500));
    writeFileSync(join(dir, 'few.txt'), keys(3));
    const all = runScan(dir, ['--max-findings-per-file', '0']);
    const allLines = all.report.findings.filter((f) => f.file === 'dump.txt').map((f) => f.line);
    expect(allLines.length).toBeGreaterThan(2400);
    expect(all.stderr).not.toContain('more than');
    const r = runScan(dir, []);
    const dump = r.report.findings.filter((f) => f.file === 'dump.txt');
    expect(dump.map((f) => f.line)).toEqual(allLines.slice(0, 1000));
    expect(r.report.findings.filter((f) => f.file === 'few.txt')).toHaveLength(3);
    expect(r.stderr).toContain('warning: more than 1000 findings in dump.txt; only the first 1000 reported');
    expect(r.report.stats.notes.filter((n) => n.includes('dump.txt'))).toHaveLength(1);
    expect(r.report.stats.notes.some((n) => n.includes('few.txt'))).toBe(false);

    const ten = runScan(dir, ['--max-findings-per-file', '10']);
    expect(ten.report.findings.filter((f) => f.file === 'dump.txt').map((f) => f.line)).toEqual(allLines.slice(0, 10));

    writeFileSync(join(dir, '.secret-sweep.yaml'), 'max_findings_per_file: 5\n');
    const cfg = runScan(dir, []);
    expect(cfg.report.findings.filter((f) => f.file === 'dump.txt')).toHaveLength(5);
    rmSync(join(dir, '.secret-sweep.yaml'));
  });

  it('detectUpTo: each rule stops after the limit, and the first findings are the same as without it', () => {
    const text = keys(3000) + `token = "${githubToken(17)}"\n`;
    const fragment = { text, provenance: { kind: 'file' as const, path: 'dump.txt' } };
    const all = detector.detect(fragment);
    const some = detector.detectUpTo(fragment, 11);
    expect(some.complete).toBe(false);
    expect(some.findings.length).toBeLessThan(40);
    expect(some.findings.slice(0, 10).map(shape)).toEqual(all.slice(0, 10).map(shape));
    expect(detector.detectUpTo(fragment, 1e6)).toEqual({ findings: all, complete: true });
  });

  it('--staged: findings on unchanged lines do not use up the limit (a new key after 1500 old ones is found)', () => {
    const dir = join(work, 'cap-staged');
    mkdirSync(dir);
    const git = (...a: string[]) => expect(spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { encoding: 'utf8' }).status).toBe(0);
    git('init', '-q');
    writeFileSync(join(dir, 'dump.txt'), keys(1500));
    git('add', 'dump.txt');
    git('commit', '-q', '-m', 'old keys');
    writeFileSync(join(dir, 'dump.txt'), keys(1500) + `new_key = "${awsKeyId(424242)}"\n`);
    git('add', 'dump.txt');
    const r = runScan(dir, ['--staged']);
    expect(r.report.findings.map((f) => [f.file, f.line])).toEqual([['dump.txt', 1501]]);
    expect(r.stderr).not.toContain('more than');
  });

  it('--history: per blob, with a warning naming path and blob', () => {
    const dir = join(work, 'cap-history');
    mkdirSync(dir);
    const git = (...a: string[]) => spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(dir, 'dump.txt'), keys(1500));
    writeFileSync(join(dir, 'few.txt'), keys(3));
    git('add', '.');
    git('commit', '-q', '-m', 'keys');
    const blob = git('rev-parse', 'HEAD:dump.txt').stdout.trim();
    // History reports one finding per distinct secret: generated keys that repeat count once.
    const all = runScan(dir, ['--history', '--max-findings-per-file', '0']);
    const allLines = all.report.findings.map((f) => f.line).sort((a, b) => a - b);
    expect(allLines.length).toBeGreaterThan(1400);
    expect(all.stderr).not.toContain('more than');
    const r = runScan(dir, ['--history']);
    const lines = r.report.findings.map((f) => f.line).sort((a, b) => a - b);
    // The first 1000 findings of the blob by position (then merged): nothing from its later lines.
    expect(lines.length).toBeGreaterThan(980);
    expect(lines.length).toBeLessThanOrEqual(1000);
    expect(Math.max(...lines)).toBeLessThanOrEqual(1010); // a few lines hold no finding
    expect(allLines.filter((l) => l > 1000).length).toBeGreaterThan(400);
    expect(r.stderr).toContain(`warning: more than 1000 findings in dump.txt (blob ${blob.slice(0, 12)}); only the first 1000 reported`);
    expect(r.report.stats.notes.filter((n) => n.includes('dump.txt'))).toHaveLength(1);
  });

  it('the same through worker threads (400+ files)', () => {
    const dir = join(work, 'cap-workers');
    mkdirSync(dir);
    for (let i = 0; i < 420; i++) writeFileSync(join(dir, `m${i}.py`), 'x = 1\n');
    writeFileSync(join(dir, 'dump.txt'), keys(1500));
    const all = runScan(dir, ['-j', '1', '--max-findings-per-file', '0']).report.findings.filter((f) => f.file === 'dump.txt').map((f) => f.line);
    const r = runScan(dir, ['-j', '2', '--max-findings-per-file', '100']);
    expect(r.report.findings.filter((f) => f.file === 'dump.txt').map((f) => f.line)).toEqual(all.slice(0, 100));
    expect(r.stderr).toContain('more than 100 findings in dump.txt');
  });
});
