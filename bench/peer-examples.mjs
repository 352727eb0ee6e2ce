#!/usr/bin/env node
// Recall and precision of the built CLI on peers' public rule examples, file by file.
//
// Usage: node bench/peer-examples.mjs [<gitleaks> <noseyparker>] [--gitleaks DIR] [--noseyparker DIR]
//          [--kingfisher DIR] [--trufflehog DIR] [--misses] [--keep] [--bin <cli.js>]
//   A DIR is a folder holding the peer's tree (e.g. `git archive HEAD | tar -x -C /tmp/gitleaks`) or its git
//   directory (a bare mirror, e.g. /work/.mirror/mongodb+kingfisher/repo, read at HEAD). Build first
//   (npm run build). Nothing of the peers is stored in this repository: the examples are read from the
//   peers at run time (bench/lib/peers.mjs says how, peer by peer), each written to its own file in a temp
//   folder, and scanned once.
// gitleaks and Nosey Parker are the peers the rules were tuned on; Kingfisher and trufflehog are held out
// (scored, not tuned on: their misses say which formats are missing, never what to write).
// A positive file counts as found when the scan reports anything in it; a negative file with any finding is
// a false positive. Precision = found positives / (found positives + negatives with a finding); printed raw
// and adjudicated (without the few negatives the peer itself calls credentials: ADJUDICATED below); recall
// also over the secret positives only (without those of the peer's identifier rules: NOT_SECRETS below and
// Kingfisher's hidden rules). trufflehog's negatives are also scored without those that hold a value its
// own positives want reported (negative only for their context: see bench/lib/peers.mjs).
// Secrets never reach the output: only rule ids, counts and (with --misses) the temp file paths.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerTree } from './lib/peer-tree.mjs';
import { gitleaksExamples, kingfisherExamples, noseyExamples, trufflehogExamples } from './lib/peers.mjs';

const PEERS = { gitleaks: [gitleaksExamples, 'gl'], noseyparker: [noseyExamples, 'np'], kingfisher: [kingfisherExamples, 'kf'], trufflehog: [trufflehogExamples, 'th'] };
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const binArg = option('--bin');
const dirs = Object.fromEntries(Object.keys(PEERS).map((p) => [p, option(`--${p}`)]));
const flags = new Set(args.filter((a) => a.startsWith('--')));
const positional = args.filter((a) => !a.startsWith('--'));
dirs.gitleaks ??= positional[0];
dirs.noseyparker ??= positional[1];
const peers = Object.keys(PEERS).filter((p) => dirs[p]);
if (!peers.length) {
  console.error('usage: node bench/peer-examples.mjs [<gitleaks> <noseyparker>] [--kingfisher DIR] [--trufflehog DIR] [--misses] [--keep]');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = binArg ?? join(root, 'bin', 'secret-sweep.js');

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
const notSecret = (e) => e.kind === 'positive' && (e.identifier || NOT_SECRETS.some((n) => n.peer === e.peer && n.rule === e.rule));

const textSha = (text) => createHash('sha256').update(text.trim()).digest('hex').slice(0, 16);
function adjudication(e) {
  if (e.kind !== 'negative') return undefined;
  return ADJUDICATED.find((a) => a.peer === e.peer && a.rule === e.rule && (a.sha === '*' || a.sha === textSha(e.text)));
}

// ---- scan and score ----------------------------------------------------------------------------------

const all = [];
for (const p of peers) {
  const tree = peerTree(dirs[p]);
  const found = PEERS[p][0](tree);
  if (found.skipped) console.log(`${p}: ${found.skipped} test-table element(s) left out (input or want not evaluable)`);
  all.push(...found);
}
const positiveTexts = new Set(all.filter((e) => e.kind === 'positive').map((e) => `${e.peer}\0${e.text.trim()}`));
const examples = all.filter((e) => e.kind === 'positive' || !positiveTexts.has(`${e.peer}\0${e.text.trim()}`));
// Neutral folder and file names: no "test"/"example" path segment that a path allowlist could drop.
const dir = mkdtempSync(join(tmpdir(), 'peer-scan-'));
examples.forEach((e, i) => {
  e.file = join(PEERS[e.peer][1], `f${String(i).padStart(5, '0')}.txt`);
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
  const rel = r.file.startsWith(dir) ? r.file.slice(dir.length + 1) : r.file.replace(/^.*?\/(gl|np|kf|th)\//, '$1/');
  if (!hits.has(rel)) hits.set(rel, new Set());
  hits.get(rel).add(r.rule);
}

let exit = 0;
for (const peer of peers) {
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
  const real = pos.filter((e) => !e.synthetic && !notSecret(e));
  if (real.length < pos.filter((e) => !notSecret(e)).length) {
    const n = pos.filter((e) => e.synthetic && !notSecret(e)).length;
    console.log(`  secrets in real-file forms only (without ${n} synthetic positives: a plaintext value inside Jenkins' ciphertext braces): recall ${((real.filter((e) => hits.has(e.file)).length / real.length) * 100).toFixed(1)}% (${real.filter((e) => hits.has(e.file)).length}/${real.length})`);
  }
  const ctxNeg = allNeg.filter((e) => e.contextOnly);
  if (ctxNeg.length) {
    const shapeFps = fps.filter((e) => !e.contextOnly).length;
    console.log(`  shape negatives only (without ${ctxNeg.length} negatives holding a value the peer's own positives want reported, ${ctxNeg.filter((e) => hits.has(e.file)).length} of them with a finding): precision ${(prec(shapeFps) * 100).toFixed(1)}% (${shapeFps})`);
  }
  const posRules = new Set(pos.map((e) => e.rule));
  const hitRules = new Set(found.map((e) => e.rule));
  console.log(`  peer rules with at least one positive found: ${hitRules.size}/${posRules.size}`);
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
