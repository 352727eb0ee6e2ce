#!/usr/bin/env node
// Recall and precision of the built CLI on two peers' public rule examples, file by file.
//
// Usage: node bench/peer-examples.mjs <gitleaks-checkout> <noseyparker-checkout> [--misses] [--keep] [--bin <cli.js>]
//   A checkout is a folder holding the peer's tree (e.g. `git archive HEAD | tar -x -C /tmp/gitleaks`).
//   Build first (npm run build). Nothing of the peers is stored in this repository: the examples are read
//   from the checkouts at run time, each written to its own file in a temp folder, and scanned once.
//
// gitleaks: in cmd/generate/config/rules/*.go, every plain string literal in a `tps`/`fps` list is one
// example (true / false positive); `utils.GenerateSampleSecrets(id, "secret")` stands for one sample,
// `{id}Token = "{secret}"`; literals built at run time (fmt.Sprintf, concatenation) are left out.
// Nosey Parker: `examples` / `negative_examples` of every rule in its rules YAML.
// A positive file counts as found when the scan reports anything in it; a negative file with any finding is
// a false positive. Precision = found positives / (found positives + negatives with a finding); printed raw
// and adjudicated (without the few negatives the peer itself calls credentials: ADJUDICATED below); recall
// also over the secret positives only (without those of the peer's identifier rules: NOT_SECRETS below).
// Secrets never reach the output: only rule ids, counts and (with --misses --keep) the temp file paths.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const args = process.argv.slice(2);
const binAt = args.indexOf('--bin');
const binArg = binAt >= 0 ? args.splice(binAt, 2)[1] : undefined;
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [gitleaksDir, noseyDir] = args.filter((a) => !a.startsWith('--'));
if (!gitleaksDir || !noseyDir) {
  console.error('usage: node bench/peer-examples.mjs <gitleaks-checkout> <noseyparker-checkout> [--misses] [--keep]');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = binArg ?? join(root, 'bin', 'secret-sweep.js');

// ---- gitleaks: Go source → examples ------------------------------------------------------------------

/** Decodes one Go string literal (interpreted "..." or raw `...`). */
function goString(lit) {
  if (lit.startsWith('`')) return lit.slice(1, -1).replace(/\r/g, '');
  const body = lit.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, e) => {
    const simple = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (e in simple) return simple[e];
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return e;
  });
}

/** Reads a Go expression starting at `i`, up to the end of the statement; returns its end index. */
function statementEnd(src, i) {
  let depth = 0;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`' || c === "'") i = literalEnd(src, i) - 1;
    else if (c === '/' && src[i + 1] === '/') i = src.indexOf('\n', i) - 1;
    else if (c === '/' && src[i + 1] === '*') i = src.indexOf('*/', i) + 1;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === '\n' && depth === 0) return i;
    if (depth < 0) return i;
  }
  return i;
}

function literalEnd(src, i) {
  const q = src[i];
  for (let j = i + 1; j < src.length; j++) {
    if (q !== '`' && src[j] === '\\') j++;
    else if (src[j] === q) return j + 1;
  }
  return src.length;
}

/** Splits the elements of the outermost brackets of `expr` at depth 1 (comments dropped). */
function topLevelElements(expr) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"' || c === '`' || c === "'") {
      const e = literalEnd(expr, i);
      if (depth >= 1) cur += expr.slice(i, e);
      i = e - 1;
    } else if (c === '/' && expr[i + 1] === '/') {
      const nl = expr.indexOf('\n', i);
      i = (nl < 0 ? expr.length : nl) - 1;
    } else if ('([{'.includes(c)) {
      if (depth >= 1) cur += c;
      depth++;
    } else if (')]}'.includes(c)) {
      depth--;
      if (depth >= 1) cur += c;
      else if (depth === 0) {
        out.push(cur.trim());
        cur = '';
      }
    } else if (c === ',' && depth === 1) {
      out.push(cur.trim());
      cur = '';
    } else if (depth >= 1) cur += c;
  }
  return out.filter(Boolean);
}

const LITERAL = /^("(?:[^"\\\n]|\\.)*"|`[^`]*`)$/;
const SAMPLE = /^utils\.GenerateSampleSecrets?\(\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*"|`[^`]*`)\s*\)(?:\.\.\.)?$/;

function gitleaksExamples(dir) {
  const rulesDir = join(dir, 'cmd', 'generate', 'config', 'rules');
  if (!existsSync(rulesDir)) throw new Error(`${rulesDir}: not a gitleaks checkout`);
  const out = [];
  for (const name of readdirSync(rulesDir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort()) {
    const src = readFileSync(join(rulesDir, name), 'utf8');
    const marker = /^\s*(tps|fps)\s*(?::=|=)\s*/gm;
    let m;
    while ((m = marker.exec(src))) {
      const kind = m[1] === 'tps' ? 'positive' : 'negative';
      const start = m.index + m[0].length;
      const end = statementEnd(src, start);
      const expr = src.slice(start, end + 1);
      const before = src.slice(0, m.index);
      const ids = [...before.matchAll(/RuleID:\s*"([^"]+)"/g)];
      const rule = ids.length ? ids[ids.length - 1][1] : basename(name, '.go');
      // `[]string{...}` and `append(tps, ...)` list elements; anything else (a call) is one element.
      const listed = /^(\[\]string\s*\{|append\s*\()/.test(expr.trim());
      const elements = listed ? topLevelElements(expr) : [expr.replace(/\/\/.*$/gm, '').trim()];
      for (const el of elements) {
        if (LITERAL.test(el)) out.push({ peer: 'gitleaks', rule, kind, text: goString(el) });
        else {
          const s = el.match(SAMPLE);
          if (s) out.push({ peer: 'gitleaks', rule, kind, text: `${goString(s[1])}Token = "${goString(s[2])}"` });
        }
      }
      marker.lastIndex = end;
    }
  }
  return out;
}

// ---- Nosey Parker: YAML → examples -------------------------------------------------------------------

function yamlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

function noseyExamples(dir) {
  const rulesDir = [join(dir, 'crates', 'noseyparker', 'data', 'default', 'builtin', 'rules'), join(dir, 'crates', 'noseyparker', 'data', 'default', 'rules')].find(existsSync);
  if (!rulesDir) throw new Error(`${dir}: not a Nosey Parker checkout`);
  const out = [];
  for (const file of yamlFiles(rulesDir).sort()) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      for (const r of doc.toJS()?.rules ?? []) {
        for (const t of r.examples ?? []) out.push({ peer: 'noseyparker', rule: r.id, kind: 'positive', text: String(t) });
        for (const t of r.negative_examples ?? []) out.push({ peer: 'noseyparker', rule: r.id, kind: 'negative', text: String(t) });
      }
    }
  }
  return out;
}

// ---- adjudicated negatives ---------------------------------------------------------------------------
// Negative examples that the peer itself says are credentials: a "negative" of one peer rule that the
// peer's own comment calls a false negative or a FIXME, or that another of the peer's rules reports. A
// whole scanner is right to report them, so they are left out of the adjudicated precision (the raw
// figure is printed too). Identified by rule and a SHA-256 prefix of the trimmed text (no text stored);
// `*` stands for every negative of that rule.
const ADJUDICATED = [
  { peer: 'gitleaks', rule: 'anthropic-api-key', sha: '379cb9fdc9ef766c', why: "an admin key (sk-ant-admin01-), which the peer's anthropic-admin-api-key rule reports" },
  { peer: 'gitleaks', rule: 'curl-auth-header', sha: 'b9837ff3cbe63ca0', why: "holds a signed JWT, which the peer's jwt rule reports (its list marks the same token 'correct jwt')" },
  { peer: 'gitleaks', rule: 'mailchimp-api-key', sha: '94d36be7b191bd7c', why: "the peer's comment: 'False Negative'" },
  { peer: 'noseyparker', rule: 'np.aws.2', sha: 'fe92548249ae5d0b', why: "42 hex characters after 'SECRET_ACCESS_KEY=', which the peer's np.generic.1 reports" },
  { peer: 'noseyparker', rule: 'np.aws.2', sha: 'c10699d9d3047690', why: "the peer's comment: 'FIXME: modify the pattern to detect cases like the following'" },
  { peer: 'noseyparker', rule: 'np.generic.5', sha: 'f7e564671c8e4351', why: "the password of seven of the peer's positives (super$ecret); only the quotes differ (single, where its regex reads double)" },
  { peer: 'noseyparker', rule: 'np.gitalk.1', sha: '3412099fb80d383c', why: "a 40-hex clientSecret (double quotes where the rule expects single), which the peer's np.generic.1 reports" },
  { peer: 'noseyparker', rule: 'np.auth0.1', sha: '658ff94144e38baf', why: "the peer's comment: a real credential its regex does not match (domain after the secret)" },
  { peer: 'noseyparker', rule: 'np.generic.1', sha: '*', why: "the peer's comment: 'FIXME: extend this rule so these examples get matched'" },
  { peer: 'noseyparker', rule: 'np.mongodb.1', sha: 'd091ede1a29848c6', why: "the same user:password as nine of the peer's positives; only the host (a percent-encoded Unix socket) differs" },
  { peer: 'noseyparker', rule: 'np.newrelic.2', sha: '5a33c3586dfbc908', why: "a license key ending in NRAL, which the peer's np.newrelic.1 reports" },
  { peer: 'noseyparker', rule: 'np.okta.1', sha: '9c6fa0f008ee07c5', why: "the peer's comment: a trailing '-' is excluded only so that its regex can end in \\b" },
];
// Positives of peer rules that find things the peer itself says are not secrets: its rule metadata files
// them under the `np.assets` ruleset ("usually non-secret assets, such as public identifiers, public keys,
// and cloud bucket names") and categorizes them `identifier` without `secret`; its default ruleset leaves
// them out. A secret scanner should not report them (Mapbox pk. tokens and account ids are noise to a user
// moving secrets into a secrets manager). Scored apart: recall is printed over all positives and over the
// secret ones. Listed one rule at a time, with the reason.
const NOT_SECRETS = [
  { peer: 'noseyparker', rule: 'np.age.1', why: 'an age recipient is an X25519 public key' },
  { peer: 'noseyparker', rule: 'np.arn.1', why: 'an Amazon Resource Name identifies a resource; it grants nothing' },
  { peer: 'noseyparker', rule: 'np.aws.1', why: 'an access key id alone is an identifier (AWS: "not a secret"); with its secret key it is reported' },
  { peer: 'noseyparker', rule: 'np.aws.3', why: 'an AWS account id is an identifier (AWS: "not considered sensitive")' },
  { peer: 'noseyparker', rule: 'np.s3.1', why: 'an S3 bucket host name is an identifier' },
  { peer: 'noseyparker', rule: 'np.s3.2', why: 'an S3 bucket path is an identifier' },
  { peer: 'noseyparker', rule: 'np.gcs.1', why: 'a Cloud Storage bucket host name is an identifier' },
  { peer: 'noseyparker', rule: 'np.gcs.2', why: 'a Cloud Storage bucket path is an identifier' },
  { peer: 'noseyparker', rule: 'np.github.5', why: 'an OAuth client id is public (sent in browser redirects)' },
  { peer: 'noseyparker', rule: 'np.google.1', why: 'an OAuth client id is public (sent in browser redirects)' },
  { peer: 'noseyparker', rule: 'np.linkedin.1', why: 'an OAuth client id is public (sent in browser redirects)' },
  { peer: 'noseyparker', rule: 'np.twitter.1', why: 'an OAuth client id is public (sent in browser redirects)' },
  { peer: 'noseyparker', rule: 'np.mapbox.1', why: 'a Mapbox public (pk.) token is meant to ship in web pages' },
  { peer: 'noseyparker', rule: 'np.segment.1', why: "a Segment write key is public by Segment's design (analytics.js ships it)" },
  { peer: 'noseyparker', rule: 'np.shopify.1', why: 'a myshopify.com domain is a shop address' },
  { peer: 'noseyparker', rule: 'np.reactapp.1', why: 'a user name alone grants nothing (the peer categorizes it identifier; REACT_APP_ passwords count)' },
];
const notSecret = (e) => e.kind === 'positive' && NOT_SECRETS.some((n) => n.peer === e.peer && n.rule === e.rule);

const textSha = (text) => createHash('sha256').update(text.trim()).digest('hex').slice(0, 16);
function adjudication(e) {
  if (e.kind !== 'negative') return undefined;
  return ADJUDICATED.find((a) => a.peer === e.peer && a.rule === e.rule && (a.sha === '*' || a.sha === textSha(e.text)));
}

// ---- scan and score ----------------------------------------------------------------------------------

const all = [...gitleaksExamples(gitleaksDir), ...noseyExamples(noseyDir)];
const positiveTexts = new Set(all.filter((e) => e.kind === 'positive').map((e) => `${e.peer}\0${e.text.trim()}`));
const examples = all.filter((e) => e.kind === 'positive' || !positiveTexts.has(`${e.peer}\0${e.text.trim()}`));
// Neutral folder and file names: no "test"/"example" path segment that a path allowlist could drop.
const dir = mkdtempSync(join(tmpdir(), 'peer-scan-'));
examples.forEach((e, i) => {
  e.file = join(e.peer === 'gitleaks' ? 'gl' : 'np', `f${String(i).padStart(5, '0')}.txt`);
  mkdirSync(join(dir, dirname(e.file)), { recursive: true });
  writeFileSync(join(dir, e.file), e.text.endsWith('\n') ? e.text : e.text + '\n', { mode: 0o600 });
});
const run = spawnSync(process.execPath, [bin, 'scan', dir, '--format', 'jsonl', '--no-color', '--no-gitignore'], { encoding: 'utf8', maxBuffer: 256 << 20 });
if (run.status !== 0 && run.status !== 1) {
  console.error(`scan failed (exit ${run.status}): ${(run.stderr || '').split('\n')[0]}`);
  process.exit(2);
}
const hits = new Map(); // file (relative) → our rule ids
for (const line of run.stdout.split('\n')) {
  if (!line.startsWith('{')) continue;
  const r = JSON.parse(line);
  const rel = r.file.startsWith(dir) ? r.file.slice(dir.length + 1) : r.file.replace(/^.*?\/(gl|np)\//, '$1/');
  if (!hits.has(rel)) hits.set(rel, new Set());
  hits.get(rel).add(r.rule);
}

let exit = 0;
for (const peer of ['gitleaks', 'noseyparker']) {
  const mine = examples.filter((e) => e.peer === peer);
  const pos = mine.filter((e) => e.kind === 'positive');
  const allNeg = mine.filter((e) => e.kind === 'negative');
  const neg = allNeg.filter((e) => !adjudication(e));
  const found = pos.filter((e) => hits.has(e.file));
  const rawFps = allNeg.filter((e) => hits.has(e.file));
  const fps = neg.filter((e) => hits.has(e.file));
  const recall = pos.length ? found.length / pos.length : 0;
  const prec = (n) => (found.length + n ? found.length / (found.length + n) : 1);
  const rules = new Set(mine.map((e) => e.rule));
  const missedRules = [...new Set(pos.filter((e) => !hits.has(e.file)).map((e) => e.rule))].sort();
  console.log(`${peer}: ${rules.size} rules, ${pos.length} positive / ${allNeg.length} negative example files (${allNeg.length - neg.length} adjudicated credentials)`);
  console.log(`  recall ${(recall * 100).toFixed(1)}% (${found.length}/${pos.length})  precision ${(prec(fps.length) * 100).toFixed(1)}% adjudicated (${fps.length} negative file(s) with a finding), ${(prec(rawFps.length) * 100).toFixed(1)}% raw (${rawFps.length})`);
  const secretPos = pos.filter((e) => !notSecret(e));
  if (secretPos.length < pos.length) {
    const sFound = secretPos.filter((e) => hits.has(e.file)).length;
    const sPrec = (n) => (sFound + n ? sFound / (sFound + n) : 1);
    console.log(`  secrets only (without ${pos.length - secretPos.length} positives of identifier rules, NOT_SECRETS): recall ${((sFound / secretPos.length) * 100).toFixed(1)}% (${sFound}/${secretPos.length})  precision ${(sPrec(fps.length) * 100).toFixed(1)}% adjudicated, ${(sPrec(rawFps.length) * 100).toFixed(1)}% raw`);
  }
  console.log(`  rules with a missed example (${missedRules.length}): ${missedRules.join(' ')}`);
  const fpRules = [...new Set(fps.map((e) => `${e.rule}→${[...hits.get(e.file)].join('+')}`))].sort();
  console.log(`  negatives reported (peer rule→our rule): ${fpRules.join(' ') || 'none'}`);
  if (flags.has('--misses')) {
    for (const e of pos.filter((x) => !hits.has(x.file))) console.log(`  miss${notSecret(e) ? ' (identifier)' : ''} ${e.rule} ${join(dir, e.file)}`);
    for (const e of fps) console.log(`  false-positive ${e.rule}→${[...hits.get(e.file)].join('+')} ${join(dir, e.file)}`);
    for (const e of allNeg.filter((x) => adjudication(x))) console.log(`  adjudicated ${e.rule}${hits.has(e.file) ? `→${[...hits.get(e.file)].join('+')}` : ''}: ${adjudication(e).why} ${join(dir, e.file)}`);
  }
}
if (flags.has('--keep')) console.log(`files kept at ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exit(exit);
