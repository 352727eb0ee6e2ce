#!/usr/bin/env node
/**
 * Hostile-input benchmark (not in CI): big adversarial files, each scanned by the built CLI in its own
 * folder next to a normal file with two known secrets. Prints, per case: size, wall time, time per MB,
 * peak RSS (from /usr/bin/time when present), exit code, and whether the normal file's findings came back.
 *
 *   node bench/hostile.mjs                 # every case at full size (100 MB single line, ...)
 *   SCALE=0.1 node bench/hostile.mjs       # a tenth of the sizes
 *   node bench/hostile.mjs single-line     # only the cases whose name contains this
 *   node bench/hostile.mjs 1gb-file        # the 1 GB file (secrets at known lines, --max-file-size 2gb)
 *
 * Needs `npm run build` first. Writes under $TMPDIR and removes what it wrote.
 */
import { spawnSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/secret-sweep.js', import.meta.url));
const SCALE = Number(process.env.SCALE ?? 1);
const ONLY = process.argv[2];
const MB = 1024 * 1024;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// Fake credentials built at run time (the project scans itself).
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}
function rand(alphabet, n, seed) {
  const r = rng(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}
function githubToken(seed) {
  const body = rand(ALNUM, 30, seed);
  // Same check digits as src/detect/validators.ts: base62 of the CRC32, 6 characters, zero-padded.
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let n = crc32(body);
  let check = '';
  while (n > 0) { check = digits[n % 62] + check; n = Math.floor(n / 62); }
  return 'gh' + 'p_' + body + check.padStart(6, '0');
}
const awsKeyId = (seed) => 'AK' + 'IA' + rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, seed);

/** Write ~bytes to a file by repeating chunk(i) (streamed in 1 MB writes, so the generator stays small). */
function writeRepeated(file, bytes, chunk) {
  const fd = openSync(file, 'w');
  let written = 0;
  let buf = '';
  for (let i = 0; written + buf.length < bytes; i++) {
    buf += chunk(i);
    if (buf.length >= MB) { writeSync(fd, buf); written += buf.length; buf = ''; }
  }
  if (buf) writeSync(fd, buf);
  closeSync(fd);
}

/**
 * A ~`bytes` file of ordinary source lines with secrets at known places (the first line, 40% in, 70% in,
 * the very last line without a newline), streamed in 1 MB writes. Returns the findings the scan must report
 * in it, as "rule:line" strings.
 */
function writeBigWithSecrets(file, bytes) {
  const filler = [];
  for (let i = 0; i < 64; i++) filler.push(`    value_${i} = compute(${i}, "${rand(ALNUM, 8 + (i % 23), 7000 + i)}")  # refresh the cache ${i % 7 ? '' : 'token '}later\n`);
  const places = [
    [0, (n) => `GITHUB_TOKEN = "${githubToken(n)}"\n`, 'github-pat-classic'],
    [Math.floor(bytes * 0.4), (n) => `aws_access_key_id = "${awsKeyId(n)}"\n`, 'aws-access-key-id'],
    [Math.floor(bytes * 0.7), (n) => `token = "${githubToken(n)}"\n`, 'github-pat-classic'],
    [bytes, (n) => `AWS_KEY = "${awsKeyId(n)}"`, 'aws-access-key-id'],
  ];
  const expected = [];
  const fd = openSync(file, 'w');
  let written = 0;
  let line = 1;
  let buf = '';
  let next = 0;
  const put = (s) => {
    buf += s;
    if (buf.length >= MB) { writeSync(fd, buf); written += buf.length; buf = ''; }
  };
  for (let i = 0; next < places.length; i++) {
    if (written + buf.length >= places[next][0] || (next === places.length - 1 && written + buf.length + 200 >= bytes)) {
      const [, make, rule] = places[next];
      put(make(5000 + next));
      expected.push(`${rule}:${line}`);
      line++;
      next++;
      continue;
    }
    put(filler[i % 64]);
    line++;
  }
  if (buf) writeSync(fd, buf);
  closeSync(fd);
  return expected.sort();
}

const size = (mb) => Math.max(1, Math.round(mb * SCALE * MB));
const CASES = [
  ['single-line 100 MB', (d) => writeRepeated(join(d, 'one.txt'), size(100), (i) => 'key=' + rand(ALNUM, 1 + (i % 13), i) + ' password token AKIA ghp_ ')],
  ['near ghp_+35, 100 MB of lines', (d) => writeRepeated(join(d, 'n.txt'), size(100), (i) => 'gh' + 'p_' + rand(ALNUM, 35, i % 4096) + (i % 4 === 3 ? '\n' : ' '))],
  ['near ghp_+35, 100 MB one line', (d) => writeRepeated(join(d, 'n.txt'), size(100), (i) => 'gh' + 'p_' + rand(ALNUM, 35, i % 4096) + ' ')],
  ['near AKIA+15, 100 MB', (d) => writeRepeated(join(d, 'n.txt'), size(100), (i) => 'AK' + 'IA' + rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 15, i % 4096) + (i % 8 === 7 ? '\n' : ' '))],
  ['near BEGIN RSA without end, 100 MB', (d) => writeRepeated(join(d, 'n.txt'), size(100), (i) => '-----BEGIN RSA PRIVATE ' + 'KEY-----\n' + rand(ALNUM + '+/', 64, i % 4096) + '\n')],
  ['near password = " unterminated, 100 MB', (d) => writeRepeated(join(d, 'n.txt'), size(100), () => 'password = "')],
  ['near xoxb- partial, 100 MB', (d) => writeRepeated(join(d, 'n.txt'), size(100), (i) => 'xo' + 'xb-' + (i % 1000) + '-')],
  ['near JSON escapes one line, 100 MB', (d) => writeRepeated(join(d, 'n.txt'), size(100), () => '"\\/\\u0041')],
  ['real AKIA keys one line, 20 MB', (d) => writeRepeated(join(d, 'n.txt'), size(20), (i) => `k${i}=${awsKeyId(i)}; `)],
  ['base64 blob 20 MB (decodes to text)', (d) => {
    const text = Buffer.from(('user=admin password=' + rand(ALNUM, 20, 5) + '\n').repeat(Math.ceil(size(15) / 42)));
    writeFileSync(join(d, 'blob.txt'), `password = "${text.toString('base64').slice(0, size(20))}"\n`);
  }],
  ['nested JSON 1M levels', (d) => writeFileSync(join(d, 'deep.json'), '{"a":'.repeat(Math.round(1e6 * SCALE)) + '1' + '}'.repeat(Math.round(1e6 * SCALE)))],
  // A file of 1 GB can only be scanned if it is read in windows (a JS string holds at most ~512 M characters).
  ['1gb-file with secrets at known lines', (d) => ({ big: writeBigWithSecrets(join(d, 'big.py'), size(1024)) }), ['--max-file-size', '2gb']],
  ['10,000 files of 10 kB (worker threads)', (d) => {
    for (let i = 0; i < Math.round(10_000 * SCALE); i++) {
      const sub = join(d, `d${i % 100}`);
      if (i < 100) mkdirSync(sub);
      writeFileSync(join(sub, `f${i}.py`), ('x = 1\n' + 'password = "' + rand(ALNUM, 6, i) + '"\n').repeat(500));
    }
  }],
];

const work = mkdtempSync(join(tmpdir(), 'sweep-bench-hostile-'));
const GH = githubToken(901);
const AWS = awsKeyId(902);
const NORMAL = ['import os', '', `GITHUB_TOKEN = "${GH}"`, 'def f():', `    aws_access_key_id = "${AWS}"`, ''].join('\n');

function folderBytes(dir) {
  const r = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]) || 0;
}

console.log(`hostile-input bench: node ${process.version}, SCALE=${SCALE}, ${TIME ? 'peak RSS via /usr/bin/time' : 'no /usr/bin/time: RSS not measured'}`);
console.log(['case', 'MB', 'seconds', 's/MB', 'peak RSS MB', 'exit', 'normal findings', 'other findings'].join('\t'));
try {
  for (const [name, make, args] of CASES) {
    if (ONLY && !name.includes(ONLY)) continue;
    const dir = join(work, name.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(dir);
    writeFileSync(join(dir, 'normal.py'), NORMAL);
    const expect = make(dir);
    const bytes = folderBytes(dir);
    const out = join(work, 'report.json');
    const cli = [BIN, 'scan', dir, '--format', 'json', '--output', out, ...(args ?? ['--max-file-size', '1gb'])];
    const t0 = process.hrtime.bigint();
    const r = TIME
      ? spawnSync(TIME, ['-f', '%M', process.execPath, ...cli], { encoding: 'utf8', timeout: 30 * 60_000 })
      : spawnSync(process.execPath, cli, { encoding: 'utf8', timeout: 30 * 60_000 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rssKb = TIME ? Number(r.stderr.trim().split('\n').pop()) : NaN;
    let normal = 'no report';
    let other = '';
    if (existsSync(out) && statSync(out).size > 0) {
      const rep = JSON.parse(readFileSync(out, 'utf8'));
      const got = rep.findings.filter((f) => f.file === 'normal.py').map((f) => `${f.rule}:${f.line}`).sort().join(' ');
      normal = got === 'aws-access-key-id:5 github-pat-classic:3' ? 'ok' : `WRONG (${got})`;
      const rest = rep.findings.filter((f) => f.file !== 'normal.py');
      other = `${rest.length}`;
      // Cases that place secrets at known lines check every one of them.
      for (const [file, want] of Object.entries(expect ?? {})) {
        const have = rest.filter((f) => f.file === `${file}.py`).map((f) => `${f.rule}:${f.line}`).sort().join(' ');
        other += have === want.join(' ') ? ` (${file}: all ${want.length} at the right lines)` : ` (${file}: WRONG, want ${want.join(' ')}, got ${have})`;
      }
      if (rep.stats?.notes?.length) other += ` notes: ${rep.stats.notes.length}`;
      rmSync(out);
    }
    const mb = bytes / MB;
    console.log([name, mb.toFixed(1), seconds.toFixed(2), (seconds / Math.max(mb, 0.001)).toFixed(3), (rssKb / 1024).toFixed(0), r.status ?? r.signal ?? r.error?.code, normal, other].join('\t'));
    const errLines = (r.stderr ?? '').split('\n').filter((l) => l && !/^\d+$/.test(l) && !/^Command exited with non-zero status/.test(l));
    if (errLines.length) console.log(`  stderr: ${errLines.slice(0, 3).join(' | ')}`);
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
