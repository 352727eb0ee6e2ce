/**
 * Redaction, proven by property: secrets of every rule's format, generated from the rules' own pinned
 * examples (their random part mutated by fast-check, the format kept, only variants the rule still
 * detects kept), placed in random files, scanned by the BUILT CLI in every output mode. No stdout, stderr
 * or written file may contain a secret or any substring of one longer than the redaction prefix, except
 * with --show-secrets, where every detected secret must appear. Report and baseline files are mode 0600.
 *
 * Size and seed: SWEEP_REDACTION_SECRETS (default 600, i.e. 2 folders of 300; `test:stress` runs more) and SWEEP_SEED (default:
 * random, printed in the test name). Re-run a failure with the seed it printed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createDetector, type Detector } from '../../src/detect/detector.js';
import { base62 } from '../../src/detect/validators.js';
import { secretOf } from '../../src/findings/finding.js';
import { REDACTION_PREFIX_MAX } from '../../src/findings/redact.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import type { RuleSpec } from '../../src/rules/rule.js';
import { BIN } from '../support/cli.js';

const SEED = Number(process.env.SWEEP_SEED ?? Math.floor(Math.random() * 2 ** 31));
const TOTAL = Number(process.env.SWEEP_REDACTION_SECRETS ?? 600);
const PER_FOLDER = 300;
const FOLDERS = Math.max(1, Math.ceil(TOTAL / PER_FOLDER));
/** A window this long (prefix + 1) of a secret must never appear in output. */
const WINDOW = REDACTION_PREFIX_MAX + 1;
const FORMATS = ['text', 'json', 'jsonl', 'sarif', 'junit', 'gitlab'] as const;

// ---------------------------------------------------------------------------------------------------------
// Templates: each rule's positive examples with a pinned secret.

interface Template {
  rule: RuleSpec;
  text: string;
  secret: string;
  path?: string;
  /** Per character of the secret: the alphabet it may be replaced from, or '' when it is kept. */
  classes: string[];
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGIT = '0123456789';

function templatesOf(rules: RuleSpec[]): Template[] {
  const out: Template[] = [];
  for (const rule of rules) {
    for (const ex of rule.examples) {
      if (!ex.secret || !ex.text.includes(ex.secret)) continue;
      const s = ex.secret;
      // Keep keyword literals (ghp_, AKIA, xoxb-, ...) and punctuation: that is the format.
      const keep = new Array<boolean>(s.length).fill(false);
      const lower = s.toLowerCase();
      for (const k of rule.keywords) for (let i = lower.indexOf(k); i !== -1; i = lower.indexOf(k, i + 1)) keep.fill(true, i, i + k.length);
      const free = [...s].map((c, i) => (keep[i] || !/[A-Za-z0-9]/.test(c) ? '' : c)).join('');
      const hexLower = /^[0-9a-f]+$/.test(free);
      const hexUpper = /^[0-9A-F]+$/.test(free);
      // Formats with a narrower digit alphabet (base32: 2-7) keep to the digits the example uses.
      const digits = [...new Set(free.replace(/[^0-9]/g, ''))].join('');
      const digitClass = digits.length >= 3 ? digits : DIGIT;
      const classes = [...s].map((c, i) => {
        if (keep[i] || !/[A-Za-z0-9]/.test(c)) return '';
        if (hexLower) return '0123456789abcdef';
        if (hexUpper) return '0123456789ABCDEF';
        return UPPER.includes(c) ? UPPER : LOWER.includes(c) ? LOWER : digitClass;
      });
      out.push({ rule, text: ex.text, secret: s, path: ex.path, classes });
    }
  }
  return out;
}

/** Checksummed formats get their checksum recomputed, so mutated bodies stay valid. */
function fixChecksum(rule: RuleSpec, s: string): string {
  const m = /^(gh[pousr]_|npm_)([A-Za-z0-9]{30})[A-Za-z0-9]{6}$/.exec(s);
  if ((rule.validator === 'github-crc32' || rule.validator === 'npm-crc32') && m) return m[1]! + m[2]! + base62(crc32(m[2]!), 6);
  return s;
}

function mutate(t: Template, bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < t.secret.length; i++) {
    const cls = t.classes[i]!;
    const b = bytes[i] ?? 0;
    out += cls && b >= 64 ? cls[b % cls.length] : t.secret[i];
  }
  return fixChecksum(t.rule, out);
}

// ---------------------------------------------------------------------------------------------------------
// Files: random wrapper lines around the example lines, random position, LF or CRLF.

const FILLERS: Record<string, string[]> = {
  py: ['import os', 'def main():', '    return 42', '# settings', 'DEBUG = False', 'x = [1, 2, 3]'],
  js: ['const fs = require("fs");', 'function f(a) { return a + 1; }', '// config', 'module.exports = {};', 'let n = 0;'],
  ts: ['export const enabled = true;', 'import { x } from "./x";', 'type T = { a: number };', '/* settings */'],
  go: ['package main', 'import "fmt"', 'func main() {', '\tfmt.Println("hi")', '}'],
  yaml: ['version: 2', 'services:', '  web:', '    image: nginx', '# deploy'],
  env: ['NODE_ENV=production', 'PORT=8080', '# local settings', 'LOG_LEVEL=info'],
  sh: ['#!/bin/sh', 'set -eu', 'echo "starting"', 'cd /srv/app'],
  txt: ['notes for the team', '', 'see the wiki', 'TODO: clean up'],
};
const EXTS = Object.keys(FILLERS);

interface Placed {
  template: Template;
  secret: string;
}

interface Folder {
  root: string;
  files: Map<string, string>;
  placed: Placed[];
  /** Secrets the detector finds in the files as written (what --show-secrets must print). */
  detected: Set<string>;
  /** Non-secret text the CLI may legitimately echo (paths, wrapper lines, example text around the secret). */
  benign: string[];
}

const itemArb = (byRule: number[][]) =>
  fc.record({
    // A rule, uniformly (rules with many examples are not favoured), then one of its examples.
    t: fc.tuple(fc.nat({ max: byRule.length - 1 }), fc.nat()).map(([r, e]) => byRule[r]![e % byRule[r]!.length]!),
    bytes: fc.uint8Array({ minLength: 512, maxLength: 512 }),
    ext: fc.constantFrom(...EXTS),
    file: fc.nat({ max: 59 }),
    crlf: fc.boolean(),
    before: fc.nat({ max: 4 }),
    after: fc.nat({ max: 4 }),
  });

function buildFolder(root: string, items: fc.RecordValue<ReturnType<typeof itemArb>>[], templates: Template[], detectors: Map<string, Detector>, all: Detector): Folder {
  const placed: Placed[] = [];
  const chunks = new Map<string, { crlf: boolean; lines: string[] }>();
  const benign: string[] = [root];
  let special = 0;
  // Variants the rule still detects, bucketed by rule, then taken round-robin so every rule that can
  // yield one is represented.
  const buckets = new Map<string, Array<{ it: (typeof items)[number]; secret: string }>>();
  for (const it of items) {
    const t = templates[it.t]!;
    const secret = mutate(t, it.bytes);
    const text = t.text.split(t.secret).join(secret);
    const found = detectors.get(t.rule.id)!.detect({ text, provenance: { kind: 'file', path: t.path ?? `x.${it.ext}` } });
    if (found.some((f) => secretOf(f) === secret)) buckets.set(t.rule.id, [...(buckets.get(t.rule.id) ?? []), { it, secret }]);
  }
  const chosen: Array<{ it: (typeof items)[number]; secret: string }> = [];
  for (let round = 0; chosen.length < PER_FOLDER && [...buckets.values()].some((b) => b.length > round); round++)
    for (const b of buckets.values()) if (b[round] && chosen.length < PER_FOLDER) chosen.push(b[round]!);
  for (const { it, secret } of chosen) {
    const t = templates[it.t]!;
    const text = t.text.split(t.secret).join(secret);
    placed.push({ template: t, secret });
    benign.push(...t.text.split(t.secret));
    // Rules tied to a file name (.npmrc, .env, ...) get a file of that name of their own.
    const file = t.path ? `special${special++}/${t.path}` : `dir${it.file % 7}/file${it.file}.${it.ext}`;
    const c = chunks.get(file) ?? { crlf: it.crlf, lines: [] };
    const filler = FILLERS[file.split('.').pop() ?? 'txt'] ?? FILLERS.txt!;
    for (let i = 0; i < it.before; i++) c.lines.push(filler[(it.file + i) % filler.length]!);
    c.lines.push(...text.split('\n'));
    for (let i = 0; i < it.after; i++) c.lines.push(filler[(it.t + i) % filler.length]!);
    chunks.set(file, c);
  }
  for (const f of Object.values(FILLERS)) benign.push(...f);
  const files = new Map<string, string>();
  const detected = new Set<string>();
  for (const [file, c] of chunks) {
    const body = c.lines.join(c.crlf ? '\r\n' : '\n') + (c.crlf ? '\r\n' : '\n');
    files.set(file, body);
    benign.push(file);
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), body);
    for (const f of all.detect({ text: body, provenance: { kind: 'file', path: file } })) detected.add(secretOf(f));
  }
  return { root, files, placed, detected, benign };
}

// ---------------------------------------------------------------------------------------------------------
// Running the built CLI (asynchronously, two at a time: the machine has two cores).

interface Run {
  label: string;
  args: string[];
  env?: Record<string, string>;
  /** Files the run writes, checked for leaks and mode 0600. */
  writes?: string[];
  showSecrets?: boolean;
}

interface RunOutput extends Run {
  code: number;
  stdout: string;
  stderr: string;
  files: Array<{ path: string; text: string; mode: number }>;
}

function runCli(run: Run, cwd: string): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...run.args], {
      cwd,
      env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', CI: 'true', ...run.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const files = (run.writes ?? []).map((p) => ({ path: p, text: readFileSync(p, 'utf8'), mode: statSync(p).mode & 0o777 }));
      resolve({ ...run, code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), files });
    });
  });
}

async function runAll(runs: Run[], cwd: string, parallel = 2): Promise<RunOutput[]> {
  const results: RunOutput[] = new Array(runs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < runs.length) {
        const i = next++;
        results[i] = await runCli(runs[i]!, cwd);
      }
    }),
  );
  return results;
}

function runsFor(root: string, outDir: string): Run[] {
  const runs: Run[] = [];
  for (const format of FORMATS) runs.push({ label: `${format} stdout`, args: ['scan', root, '--format', format] });
  runs.push({ label: 'text colour', args: ['scan', root, '--color'], env: { FORCE_COLOR: '1' } });
  for (const format of FORMATS) {
    const file = join(outDir, `report.${format}`);
    runs.push({ label: `${format} --output --debug`, args: ['scan', root, '--format', format, '--output', file, '--debug'], writes: [file] });
  }
  const base = join(outDir, 'baseline');
  runs.push({ label: 'baseline', args: ['baseline', root, '--output', base], writes: [base] });
  runs.push({ label: 'json --show-secrets', args: ['scan', root, '--format', 'json', '--show-secrets'], showSecrets: true });
  return runs;
}

// ---------------------------------------------------------------------------------------------------------
// The leak check.

/** The output as written, and with JSON and XML escapes undone (a secret with `"` or `&` is escaped there). */
function views(s: string): string[] {
  const json = s.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\(["\\/])/g, '$1').replace(/\\r/g, '\r').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  const xml = s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d))).replace(/&amp;/g, '&');
  return [s, json, xml];
}

function grams(s: string, into = new Set<string>()): Set<string> {
  for (let i = 0; i + WINDOW <= s.length; i++) into.add(s.slice(i, i + WINDOW));
  return into;
}

/**
 * Windows of a secret that would be a leak if printed: every WINDOW-long substring (within one line of
 * the secret, since files may use CRLF) holding at least one generated character. All-digit windows are
 * left out: line numbers, sizes and counts in reports would match them by chance.
 */
function leakWindows(p: Placed): string[] {
  const out: string[] = [];
  const s = p.secret;
  for (let i = 0; i + WINDOW <= s.length; i++) {
    const w = s.slice(i, i + WINDOW);
    if (/[\r\n]/.test(w) || /^\d+$/.test(w)) continue;
    if (!p.template.classes.slice(i, i + WINDOW).some((c) => c !== '')) continue;
    out.push(w);
  }
  return out;
}

interface Leak {
  run: string;
  where: string;
  rule: string;
  window: string;
}

function findLeaks(outputs: RunOutput[], folder: Folder, benignGrams: Set<string>, scrub: string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const o of outputs) {
    if (o.showSecrets) continue;
    const places: Array<[string, string]> = [['stdout', o.stdout], ['stderr', o.stderr], ...o.files.map((f) => [f.path, f.text] as [string, string])];
    for (const [where, raw] of places) {
      // Tool-made values that are not secret text: fingerprints (HMACs), GitLab ids, timestamps.
      let text = raw;
      for (const s of scrub) text = text.split(s).join(' ');
      text = text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, ' ');
      const seen = new Set<string>();
      for (const v of views(text)) grams(v, seen);
      for (const p of folder.placed) {
        // The whole secret, checked first and without any allowance.
        for (const v of views(raw)) if (v.includes(p.secret)) leaks.push({ run: o.label, where, rule: p.template.rule.id, window: '(whole secret)' });
        for (const w of leakWindows(p)) {
          if (seen.has(w) && !benignGrams.has(w)) leaks.push({ run: o.label, where, rule: p.template.rule.id, window: w });
        }
      }
    }
  }
  return leaks;
}

// ---------------------------------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'sweep-redaction-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('redaction property (built CLI, every output path)', () => {
  const rules = loadBuiltinRules();
  const templates = templatesOf(rules);
  const detectors = new Map(rules.map((r) => [r.id, createDetector([r])]));
  const all = createDetector(rules);

  it(`${TOTAL} generated secrets from ${templates.length} rule examples (${rules.length} rules), ${FOLDERS} folders, seed ${SEED}: never printed, except with --show-secrets`, async () => {
    // Text the CLI prints whatever was found: an empty scan in every format, and the rules' metadata.
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const staticOut = await runAll(FORMATS.map((format) => ({ label: format, args: ['scan', empty, '--format', format] })), work);
    const staticText = [...staticOut.map((o) => o.stdout + o.stderr), ...rules.flatMap((r) => [r.id, r.description, ...r.tags, ...r.references])];

    const coveredRules = new Set<string>();
    let generated = 0;
    let folderNo = 0;
    const byRuleMap = new Map<string, number[]>();
    templates.forEach((t, i) => byRuleMap.set(t.rule.id, [...(byRuleMap.get(t.rule.id) ?? []), i]));
    const itemsArb = fc.array(itemArb([...byRuleMap.values()]), { minLength: PER_FOLDER * 3, maxLength: PER_FOLDER * 3 });
    await fc.assert(
      fc.asyncProperty(itemsArb, async (items) => {
        const root = join(work, `f${folderNo}`);
        const outDir = join(work, `out${folderNo++}`);
        mkdirSync(root);
        mkdirSync(outDir);
        const folder = buildFolder(root, items, templates, detectors, all);
        generated += folder.placed.length;
        for (const p of folder.placed) coveredRules.add(p.template.rule.id);
        const outputs = await runAll(runsFor(root, outDir), work);

        for (const o of outputs) {
          expect(o.code, `${o.label}: exit code (stderr: ${o.stderr.slice(0, 300)})`).toBe(o.label === 'baseline' ? 0 : 1);
          for (const f of o.files) expect(f.mode, `${o.label}: ${f.path} mode`).toBe(0o600);
        }
        const json = JSON.parse(outputs.find((o) => o.label === 'json stdout')!.stdout) as { findings: Array<{ fingerprint: string }> };
        const gitlab = JSON.parse(outputs.find((o) => o.label === 'gitlab stdout')!.stdout) as { vulnerabilities: Array<{ id: string }> };
        const scrub = [...json.findings.map((f) => f.fingerprint), ...gitlab.vulnerabilities.map((v) => v.id)];
        const benignGrams = new Set<string>();
        for (const s of [...staticText, ...folder.benign]) grams(s, benignGrams);

        const leaks = findLeaks(outputs, folder, benignGrams, scrub);
        expect(leaks.slice(0, 20), `${leaks.length} leak(s) (seed ${SEED})`).toEqual([]);
        // The check itself is live: the --show-secrets output, checked the same way, is full of leaks.
        const control = findLeaks(outputs.filter((o) => o.showSecrets).map((o) => ({ ...o, showSecrets: false })), folder, benignGrams, scrub);
        expect(new Set(control.map((l) => l.rule)).size).toBeGreaterThan(new Set(folder.placed.map((p) => p.template.rule.id)).size * 0.8);

        // --show-secrets prints every secret the scanner finds in these files (each line of a multi-line one).
        const shown = views(outputs.find((o) => o.showSecrets)!.stdout);
        const missing = [...folder.detected].filter((s) => {
          const piece = s.split(/\r?\n|\r/).sort((a, b) => b.length - a.length)[0]!;
          return !shown.some((v) => v.includes(piece));
        });
        expect(missing.map((s) => s.slice(0, REDACTION_PREFIX_MAX)), '--show-secrets must print each detected secret').toEqual([]);
        // Every generated secret was found by the CLI too (it is what the redaction applies to).
        expect(json.findings.length).toBeGreaterThanOrEqual(Math.min(folder.detected.size, 1));
        rmSync(root, { recursive: true, force: true });
        rmSync(outDir, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: FOLDERS, endOnFailure: true },
    );
    const uncovered = rules.map((r) => r.id).filter((id) => !coveredRules.has(id));
    console.log(`redaction property: seed ${SEED}: ${generated} secrets of ${coveredRules.size}/${rules.length} rules in ${FOLDERS} folders, ${runsFor('', '').length} CLI runs per folder; rules without a detected variant this run: ${uncovered.join(' ')}`);
    expect(generated).toBeGreaterThanOrEqual(FOLDERS * PER_FOLDER * 0.9);
    expect(coveredRules.size).toBeGreaterThan(rules.length * 0.6);
  }, 240_000);
});
