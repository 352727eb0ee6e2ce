/**
 * Redaction, proven by property, for error messages and warnings: a user file that fails to load (the
 * YAML config, a rules file, a gitleaks TOML config, a baseline, a saved plan) with a generated secret
 * (test/support/secret-gen.ts, every rule's format) in the faulty line — as an unknown key, inside an
 * invalid regex, in an unterminated string or flow list, as a value of the wrong type, in a rule example
 * the rule misses or a negative example it matches — and the CLI given the secret as a stray argument.
 * The one-line error (SweepError.oneLine(), as the CLI prints it) and every warning must not hold the
 * secret or a substring of it longer than the redaction prefix (test/support/leak-check.ts).
 *
 * Secrets per run: half of SWEEP_REDACTION_SECRETS (default 600, so 300), each through every case;
 * SWEEP_SEED (default random, in the test name).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { parseGitleaksConfig } from '../../src/config/gitleaks.js';
import { isSweepError } from '../../src/errors.js';
import { quoteUserText, regexErrorMessage } from '../../src/findings/redact.js';
import { parseBaseline } from '../../src/findings/baseline.js';
import { parsePlan } from '../../src/migrate/plan-file.js';
import { loadBuiltinRules, loadRuleSpecs, loadRulesFile } from '../../src/rules/load.js';
import { BIN } from '../support/cli.js';
import { grams, leaksIn, type Leak } from '../support/leak-check.js';
import { generate, templatesOf, type Template } from '../support/secret-gen.js';

const SEED = Number(process.env.SWEEP_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SECRETS = Math.max(20, Math.ceil(Number(process.env.SWEEP_REDACTION_SECRETS ?? 600) / 2));
const CLI_RUNS = 4;

const work = mkdtempSync(join(tmpdir(), 'sweep-redaction-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const q = (s: string) => JSON.stringify(s); // a JSON string is a YAML double-quoted scalar and a TOML basic string
const re = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** A rule block (YAML, indented for a `rules:` list) with extra lines. */
const yamlRule = (regex: string, extra: string[] = []) =>
  ['  - id: acme-token', '    description: ACME token', `    regex: ${q(regex)}`, '    keywords: [acme_]', ...extra.map((l) => `    ${l}`)].join('\n');

type Load = 'config' | 'config+rules' | 'rules-file' | 'gitleaks' | 'baseline' | 'plan';

interface Case {
  name: string;
  load: Load;
  text: (s: string) => string;
}

/** Every case puts the secret in the line that is wrong. */
const CASES: Case[] = [
  // The YAML config.
  { name: 'config: unknown top-level key', load: 'config', text: (s) => `use_default_rules: true\n${q(s)}: true\n` },
  { name: 'config: unknown allowlist key', load: 'config', text: (s) => `allowlist:\n  ${q(s)}: [a]\n` },
  { name: 'config: invalid allowlist regex', load: 'config', text: (s) => `allowlist:\n  regexes: [${q(`^${re(s)}(`)}]\n` },
  { name: 'config: invalid allowlist regex (unescaped)', load: 'config', text: (s) => `allowlist:\n  regexes: [${q(`(${s}`)}]\n` },
  { name: 'config: unterminated quoted string', load: 'config', text: (s) => `fingerprint_salt: "${s}\n` },
  { name: 'config: invalid escape in a quoted string', load: 'config', text: (s) => `fingerprint_salt: "\\u${s}"\n` },
  { name: 'config: unresolved tag', load: 'config', text: (s) => `fingerprint_salt: !${s}!x x\n` },
  { name: 'config: block scalar header', load: 'config', text: (s) => `fingerprint_salt: |${s}\n  x\n` },
  { name: 'config: unterminated flow list', load: 'config', text: (s) => `disable: [${s}\n` },
  { name: 'config: tab indentation', load: 'config', text: (s) => `allowlist:\n\tstopwords: ${q(s)}\n` },
  { name: 'config: wrong type', load: 'config', text: (s) => `max_file_size: ${q(s)}\n` },
  { name: 'config: duplicate key', load: 'config', text: (s) => `fingerprint_salt: ${q(s)}\nfingerprint_salt: ${q(s)}\n` },
  { name: 'config: bad indentation', load: 'config', text: (s) => `allowlist:\n  stopwords: [a]\n token: ${q(s)}\n` },
  { name: 'config: disable names an unknown rule', load: 'config+rules', text: (s) => `disable: [${q(s)}]\n` },
  { name: 'config rule: unknown key', load: 'config', text: (s) => `rules:\n${yamlRule('acme_[a-z]{10}', [`${q(s)}: 1`])}\n` },
  { name: 'config rule: invalid regex', load: 'config', text: (s) => `rules:\n${yamlRule(`acme_(${re(s)}`)}\n` },
  { name: 'config rule: unknown example key', load: 'config', text: (s) => `rules:\n${yamlRule('acme_[a-z]{10}', [`examples: [{text: 'acme_abcdefghij', ${q(s)}: 1}]`])}\n` },
  { name: 'config rule: unknown allowlist key', load: 'config', text: (s) => `rules:\n${yamlRule('acme_[a-z]{10}', [`allowlist: {${q(s)}: [a]}`])}\n` },
  { name: 'config rule: example missed', load: 'config+rules', text: (s) => `rules:\n${yamlRule('acme_[a-z]{10}', [`examples: [${q(`token = ${s}`)}]`])}\n` },
  { name: 'config rule: example extracts another secret', load: 'config+rules', text: (s) => `rules:\n${yamlRule('acme_key=(\\S{8,})', [`examples: [{text: ${q(`acme_key=${s}`)}, secret: ${q(`${s}x`)}}]`])}\n` },
  { name: 'config rule: negative example matched', load: 'config+rules', text: (s) => `rules:\n${yamlRule('acme_key=(\\S{8,})', [`negative_examples: [{text: ${q(`acme_key=${s}`)}, reason: placeholder}]`])}\n` },
  // A rules file.
  { name: 'rules file: unknown top-level key', load: 'rules-file', text: (s) => `rules: []\n${q(s)}: 1\n` },
  { name: 'rules file: unknown rule key', load: 'rules-file', text: (s) => `rules:\n${yamlRule('acme_[a-z]{10}', [`${q(s)}: 1`])}\n` },
  { name: 'rules file: invalid regex', load: 'rules-file', text: (s) => `rules:\n${yamlRule(`(${s}`)}\n` },
  { name: 'rules file: unterminated string', load: 'rules-file', text: (s) => `rules:\n  - id: acme-token\n    regex: '${s}\n` },
  // A gitleaks config.
  { name: 'gitleaks: unknown top-level key', load: 'gitleaks', text: (s) => `title = "x"\n${q(s)} = 1\n` },
  { name: 'gitleaks: unknown rule key', load: 'gitleaks', text: (s) => `[[rules]]\nid = "a"\nregex = '''acme_[a-z]{10}'''\n${q(s)} = 1\n` },
  { name: 'gitleaks: unknown rule allowlist key', load: 'gitleaks', text: (s) => `[[rules]]\nid = "a"\nregex = '''acme_[a-z]{10}'''\n[rules.allowlist]\n${q(s)} = ["a"]\n` },
  { name: 'gitleaks: unknown global allowlist key', load: 'gitleaks', text: (s) => `[allowlist]\n${q(s)} = ["a"]\n` },
  { name: 'gitleaks: invalid regex', load: 'gitleaks', text: (s) => `[[rules]]\nid = "a"\nregex = ${q(`(${s}`)}\n` },
  { name: 'gitleaks: unterminated string', load: 'gitleaks', text: (s) => `[[rules]]\nid = "a"\nregex = '''${s}\n` },
  { name: 'gitleaks: bare value', load: 'gitleaks', text: (s) => `[[rules]]\nid = "a"\nregex = ${s}\n` },
  { name: 'gitleaks: unknown disabled rule', load: 'gitleaks', text: (s) => `[extend]\nuseDefault = true\ndisabledRules = [${q(s)}]\n` },
  // A baseline and a saved plan.
  { name: 'baseline: not an entry', load: 'baseline', text: (s) => `${s} generic-api-key\n` },
  { name: 'plan: wrong version', load: 'plan', text: (s) => JSON.stringify({ format: 'secret-sweep-plan', version: s }) },
  { name: 'plan: not JSON', load: 'plan', text: (s) => `{"format": "secret-sweep-plan", "version": ${s}` },
];

/** What the CLI would print: the error's one line, and the warnings. Throws on a non-SweepError. */
function run(c: Case, text: string, n: number): string[] {
  const out: string[] = [];
  try {
    switch (c.load) {
      case 'config':
        out.push(...(parseConfig(text, '.secret-sweep.yaml').warnings ?? []));
        break;
      case 'config+rules': {
        // Without the built-in rules: the same checks, without loading 165 rules per case.
        const cfg = parseConfig(`use_default_rules: false\n${text}`, '.secret-sweep.yaml');
        out.push(...(cfg.warnings ?? []));
        loadRuleSpecs({ ...cfg, file: '.secret-sweep.yaml' });
        break;
      }
      case 'rules-file': {
        const file = join(work, `rules${n}.yaml`);
        writeFileSync(file, text);
        loadRulesFile(file);
        break;
      }
      case 'gitleaks':
        out.push(...parseGitleaksConfig(text, '.gitleaks.toml').warnings);
        break;
      case 'baseline':
        parseBaseline(text, '.secret-sweep-baseline');
        break;
      case 'plan':
        parsePlan(text, 'plan.json', work);
        break;
    }
  } catch (e) {
    if (!isSweepError(e)) throw new Error(`${c.name}: not a SweepError: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
    out.push(e.oneLine());
  }
  return out;
}

describe('redaction property: error messages and warnings', () => {
  const rules = loadBuiltinRules();
  const templates = templatesOf(rules).filter((t) => !/[\r\n]/.test(t.secret));
  const byRule = rules.map((r) => templates.filter((t) => t.rule === r)).filter((ts) => ts.length > 0);
  // Words the tool prints whatever the input: its own source text and the rules' metadata.
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const sources = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(src, f), 'utf8'));
  const staticGrams = new Set<string>();
  for (const s of [...sources, ...rules.flatMap((r) => [r.id, r.description])]) grams(s, staticGrams);

  it(`${SECRETS} generated secrets (every rule's format) x ${CASES.length} faulty files, seed ${SEED}: no error or warning echoes one`, () => {
    const errored = new Map<string, number>();
    let n = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.uint8Array({ minLength: 512, maxLength: 512 }), (r, e, bytes) => {
        const ts: Template[] = byRule[r % byRule.length]!;
        const t = ts[e % ts.length]!;
        const g = generate(t, bytes);
        const secret = { secret: g.secret, mask: g.mask, label: t.rule.id };
        const leaks: Leak[] = [];
        for (const c of CASES) {
          const text = c.text(g.secret);
          const out = run(c, text, n++);
          if (out.length) errored.set(c.name, (errored.get(c.name) ?? 0) + 1);
          const around = new Set<string>();
          for (const part of text.split(g.secret)) grams(part, around);
          const benign = { has: (w: string) => staticGrams.has(w) || around.has(w) };
          leaks.push(...leaksIn(c.name, out.map((o, i) => [`message ${i + 1}`, o] as [string, string]), [secret], benign, []));
        }
        expect(leaks.slice(0, 10), `${leaks.length} leak(s), secret of ${t.rule.id} (seed ${SEED})`).toEqual([]);
      }),
      { seed: SEED, numRuns: SECRETS, endOnFailure: true },
    );
    // Each case does fail to load (or warn) for most secrets: the messages checked are real ones. (Not
    // all: `\\u` then four hex digits is a valid escape, and a quote in the secret may end a string.)
    const quiet = CASES.filter((c) => (errored.get(c.name) ?? 0) < SECRETS * 0.5).map((c) => `${c.name} (${errored.get(c.name) ?? 0})`);
    expect(quiet, 'cases that mostly loaded without an error or warning').toEqual([]);
  }, 120_000);

  it(`the CLI does not echo a secret given as a stray argument (seed ${SEED})`, () => {
    const dir = join(work, 'cli');
    mkdirSync(dir, { recursive: true });
    fc.assert(
      fc.property(fc.nat(), fc.uint8Array({ minLength: 512, maxLength: 512 }), (r, bytes) => {
        const t = templates[r % templates.length]!;
        const g = generate(t, bytes);
        const secret = { secret: g.secret, mask: g.mask, label: t.rule.id };
        const outputs: Array<[string, string]> = [];
        for (const args of [['scan', dir, 'extra', g.secret], ['scan', dir, `--${g.secret}`]]) {
          const p = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: 'true' }, timeout: 60_000 });
          expect(p.status, p.stderr).toBe(2);
          outputs.push([`${args.slice(2).join(' ').slice(0, 20)}: stdout`, p.stdout], [`stderr`, p.stderr]);
        }
        const around = grams(dir);
        expect(leaksIn('cli', outputs, [secret], { has: (w) => staticGrams.has(w) || around.has(w) }, [])).toEqual([]);
      }),
      { seed: SEED, numRuns: CLI_RUNS, endOnFailure: true },
    );
  });

  it('still quotes what helps fix a typo: plain keys, rule ids, short regex fragments', () => {
    for (const k of ['allowlsit', 'rulez', 'keywordz', 'use_default_rule', 'maxFileSize', 'secretGroup', 'DB_HOST', 'allowlist.pathz', 'v2'])
      expect(quoteUserText(k)).toBe(k);
    for (const r of rules) expect(quoteUserText(r.id), r.id).toBe(r.id);
    // A grouped upper-case key (Cashboard's shape) is not a setting name, though it reads like one (seed 194033767).
    const grouped = ['RZD', 'VQ4', 'ABC', 'DE1'].join('-');
    expect(quoteUserText(grouped)).not.toContain('VQ4');
    expect(quoteUserText('MAX_FILE_SIZE')).toBe('MAX_FILE_SIZE');
    const msg = (m: string) => regexErrorMessage(new Error(m));
    expect(msg('invalid escape sequence: \\q')).toBe('invalid escape sequence: \\q');
    expect(msg('invalid perl operator: (?<=')).toBe('invalid perl operator: (?<=');
    expect(msg('missing ): ^ghp_Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG(')).toBe('missing ): ^ghp…');
  });
});
