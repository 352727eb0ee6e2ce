#!/usr/bin/env node
// Deterministic history generator for bench/history.sh, written through `git fast-import`.
//
//   node bench/gen-history-repo.mjs DIR COMMITS [FILES] [AVG_FILE_KB] [EDITS_PER_COMMIT]
//
// Builds a repository that looks like a real project's history: FILES source-like files created by the
// root commit, then COMMITS-1 commits that each edit a few files (EDITS_PER_COMMIT random picks, default 4:
// change, insert and delete a few lines), sometimes add a file, with a side branch merged every 250 commits
// and a tag every 500. Every version of every file is a distinct blob, so the unique blob content is about
// COMMITS x EDITS_PER_COMMIT x AVG_FILE_KB. bench/git-100k.sh uses EDITS_PER_COMMIT=1 for small commits.
// Every 400th commit adds a fake credential (assembled here at run time) that a later commit removes.
// Same arguments, same repository (commit ids included).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';

const [dir, commitsArg, filesArg = '1500', kbArg = '16', editsArg = '4'] = process.argv.slice(2);
if (!dir || !commitsArg) {
  console.error('usage: gen-history-repo.mjs DIR COMMITS [FILES] [AVG_FILE_KB] [EDITS_PER_COMMIT]');
  process.exit(2);
}
const COMMITS = Number(commitsArg);
const FILES = Number(filesArg);
const AVG_LINES = Math.round((Number(kbArg) * 1024) / 48);
const EDITS_PER_COMMIT = Number(editsArg);

// xorshift32: deterministic and fast.
let seed = 0x9e3779b9;
function rnd() {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

const idents = ['user', 'config', 'request', 'response', 'items', 'count', 'result', 'buffer', 'options', 'handler', 'client', 'session', 'value', 'index', 'record', 'payload', 'cache', 'logger', 'parser', 'stream'];
const calls = ['fetchAll', 'parse', 'render', 'validate', 'normalize', 'update', 'send', 'close', 'open', 'merge', 'filter', 'map', 'reduce', 'flush', 'retry', 'encode', 'decode'];
const words = 'the a of to and in is it for on with as by this that from be are was not or at we can will if when then else only each any all new old first last next state data file path line'.split(' ');
function line() {
  const k = rnd();
  const a = pick(idents);
  const b = pick(idents);
  const f = pick(calls);
  if (k < 0.25) return `  const ${a}${int(0, 99)} = ${b}.${f}(${int(0, 999)}, '${pick(words)}-${pick(words)}');`;
  if (k < 0.4) return `  if (${a}.${pick(idents)} > ${int(0, 4096)}) return ${f}(${b});`;
  if (k < 0.55) return `  // ${pick(words)} ${pick(words)} ${pick(words)} ${pick(words)} ${pick(words)} ${pick(words)} ${pick(words)}`;
  if (k < 0.7) return `  ${a}.${f}(${b}, { ${pick(idents)}: ${int(0, 9999)}, ${pick(idents)}: true });`;
  if (k < 0.8) return `export function ${f}${int(0, 999)}(${a}, ${b}) {`;
  if (k < 0.9) return '  }';
  return `  for (const ${a} of ${b}s) total += ${a}.${pick(idents)} * ${int(1, 64)};`;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function fakeKeyLine(n) {
  let s = '';
  for (let i = 0; i < 16; i++) s += B32[int(0, 31)];
  return `aws_access_key_id = "${'AK' + 'IA'}${s}"  # bench secret ${n}`;
}

const exts = ['js', 'ts', 'py', 'go', 'rb', 'java'];
const files = []; // { path, lines: string[] }
function newFile(i) {
  const n = Math.max(8, Math.round(AVG_LINES * (0.4 + rnd() * 1.2)));
  const lines = [`// module ${i}`];
  for (let j = 1; j < n; j++) lines.push(line());
  files.push({ path: `src/pkg${i % 40}/mod_${i}.${pick(exts)}`, lines });
  return files[files.length - 1];
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
execFileSync('git', ['init', '-q', '-b', 'main', dir]);
const fi = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
const out = fi.stdin;
let pendingDrain = null;
function write(s) {
  if (!out.write(s) && !pendingDrain) pendingDrain = new Promise((r) => out.once('drain', r));
}
async function flush() {
  if (pendingDrain) {
    await pendingDrain;
    pendingDrain = null;
  }
}
function data(s) {
  const b = Buffer.from(s);
  write(`data ${b.length}\n`);
  write(b);
  write('\n');
}

let t = 1_500_000_000;
let mark = 0;
const secrets = []; // { file, lineIndex, removeAt }
let branchTip = null;
let mainTip = null;
let bytes = 0;

function commitHeader(ref, msg, from, merge) {
  const m = ++mark;
  t += int(60, 7200);
  write(`commit ${ref}\nmark :${m}\n`);
  write(`author Dev ${int(1, 25)} <dev${int(1, 25)}@example.test> ${t} +0000\n`);
  write(`committer Bench <bench@example.test> ${t} +0000\n`);
  data(msg);
  if (from) write(`from :${from}\n`);
  if (merge) write(`merge :${merge}\n`);
  return m;
}
function modify(f) {
  const content = f.lines.join('\n') + '\n';
  bytes += Buffer.byteLength(content);
  write(`M 100644 inline ${f.path}\n`);
  data(content);
}
function edit(f, c) {
  const n = f.lines.length;
  const edits = int(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = int(1, Math.max(1, n - 1));
    const k = rnd();
    if (k < 0.5) f.lines[at] = line();
    else if (k < 0.8) f.lines.splice(at, 0, line(), line());
    else if (f.lines.length > 10) f.lines.splice(at, 1);
  }
  f.lines[0] = `// module ${f.path} rev ${c}`;
}

for (let c = 0; c < COMMITS; c++) {
  if (c === 0) {
    mainTip = commitHeader('refs/heads/main', 'initial import\n');
    for (let i = 0; i < FILES; i++) {
      modify(newFile(i));
      await flush();
    }
  } else {
    const onSide = c % 250 >= 240; // ten commits on a side branch, then a merge
    const mergeNow = c % 250 === 0 && branchTip !== null;
    const ref = onSide ? 'refs/heads/side' : 'refs/heads/main';
    const from = onSide ? (c % 250 === 240 ? mainTip : branchTip) : mainTip;
    const m = commitHeader(ref, `change ${c}\n`, from, mergeNow ? branchTip : null);
    const touched = new Set();
    for (let e = 0; e < EDITS_PER_COMMIT; e++) touched.add(pick(files));
    if (rnd() < 0.05) touched.add(newFile(files.length));
    if (c % 400 === 0) {
      const f = pick(files);
      const at = int(1, f.lines.length - 1);
      f.lines.splice(at, 0, fakeKeyLine(c));
      secrets.push({ f, removeAt: c + 150 });
      touched.add(f);
    }
    for (const s of secrets.filter((x) => x.removeAt === c)) {
      // `edit` can leave holes in small files (they join as empty lines): skip them here.
      const i = s.f.lines.findIndex((l) => l?.includes('bench secret'));
      if (i >= 0) s.f.lines.splice(i, 1);
      touched.add(s.f);
    }
    for (const f of touched) {
      edit(f, c);
      modify(f);
    }
    if (onSide) branchTip = m;
    else mainTip = m;
    if (mergeNow) branchTip = null;
    if (c % 500 === 0) write(`reset refs/tags/v${c / 500}\nfrom :${m}\n\n`);
  }
  await flush();
}
write('done\n');
out.end();
await new Promise((resolve, reject) => fi.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))));
execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
console.log(`${dir}: ${COMMITS} commits, ${(bytes / 1048576).toFixed(0)} MB of blob content written`);
