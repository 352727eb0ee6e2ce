/**
 * Fuzzing the loaders of user-written files: the YAML config, a rules file, a gitleaks TOML config and a
 * baseline. Every input either loads or throws a SweepError whose one-line form has no line break; never
 * another exception type (which the CLI would print as an internal error).
 * Runs per property: SWEEP_FUZZ_RUNS (default 200); seed: SWEEP_SEED (default random, in the test names).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as tomlStringify } from 'smol-toml';
import { stringify as yamlStringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { parseGitleaksConfig } from '../../src/config/gitleaks.js';
import { isSweepError } from '../../src/errors.js';
import { formatBaseline, parseBaseline } from '../../src/findings/baseline.js';
import type { Finding } from '../../src/findings/finding.js';
import { builtinRulesDir, loadRulesFile } from '../../src/rules/load.js';
import { ALNUM, randomString } from '../support/fake-secrets.js';

const SEED = Number(process.env.SWEEP_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.SWEEP_FUZZ_RUNS ?? 200);
const work = mkdtempSync(join(tmpdir(), 'sweep-config-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------
// Valid files to start from (built at run time: the project scans itself).

const token = 'acme_' + randomString('abcdefghijklmnopqrstuvwxyz0123456789', 32, 7);
const VALID_YAML = `use_default_rules: true
disable: [generic-password-assignment]
allowlist:
  paths: [test/fixtures/, "*.snap"]
  regexes: ['^AKIA.{12}TEST$']
  stopwords: [dummy]
max_file_size: 5242880
fingerprint_salt: my-org
rules:
  - id: acme-api-key
    description: ACME internal API key
    regex: '\\b(acme_[a-z0-9]{32})\\b'
    keywords: [acme_]
    references: [https://wiki.acme.internal/api-keys]
    examples: ['ACME_KEY = "${token}"']
    negative_examples: [{text: 'ACME_KEY = "acme_..."', reason: placeholder}]
`;
const VALID_RULES = readFileSync(join(builtinRulesDir(), 'github.yaml'), 'utf8');
const VALID_TOML = `title = "team config"

[extend]
useDefault = true
disabledRules = ["generic-api-key", "no-such-rule"]

[[rules]]
id = "team-token"
description = "Team token"
regex = '''(?i)\\b(tt_[a-z0-9]{32})\\b'''
secretGroup = 1
entropy = 3.2
keywords = ["tt_"]
tags = ["internal"]

  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''(?i)docs-example''']
  stopwords = ["sandbox"]
  paths = ['''(^|/)docs/''']

[[rules]]
id = "keystore"
path = '''\\.jks$'''

[allowlist]
paths = ['''(^|/)vendor/''']
regexes = ['''^tt_0{32}$''']
commits = ["0123456789abcdef0123456789abcdef01234567"]
`;
const VALID_BASELINE = formatBaseline(
  Array.from({ length: 5 }, (_, i) => ({ fingerprint: randomString('0123456789abcdef', 32, i + 1), rule: `rule-${i}` }) as unknown as Finding),
);

// ---------------------------------------------------------------------------------------------------------
// Inputs.

const KEYS = ['use_default_rules', 'disable', 'rules', 'allowlist', 'paths', 'regexes', 'stopwords', 'max_file_size', 'fingerprint_salt', 'id', 'description', 'regex', 'keywords', 'secret_group', 'entropy', 'path', 'validator', 'examples', 'negative_examples', 'text', 'secret', 'reason', 'multiline', 'priority', 'severity', 'target', 'tags', 'references', 'extend', 'useDefault', 'disabledRules', 'secretGroup', 'regexTarget', 'allowlists', 'commits', 'title'];
const REGEXISH = ['(', ')', '[a-', '(?P<secret>', '(?<x>a)', '\\', '\\b', 'a{99999}', '(?=x)', '\\1', '.*', '[[:alpha:]]', '\\p{Greek}', '(?i)', '$', '^', '|'];

const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(...KEYS, ...REGEXISH),
  fc.array(fc.constantFrom(...REGEXISH, ...ALNUM.split('')), { maxLength: 12 }).map((a) => a.join('')),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...KEYS, 'x', ''), tie('tree'), { maxKeys: 5 })),
}));
/** Mappings shaped like the real files: known keys, random values. */
const shaped = fc.dictionary(fc.constantFrom(...KEYS), tree, { maxKeys: 6 });

const toYaml = (v: unknown): string => {
  try {
    return yamlStringify(v);
  } catch {
    return JSON.stringify(v) ?? '';
  }
};
const toToml = (v: unknown): string => {
  try {
    return tomlStringify(v as Record<string, unknown>);
  } catch {
    return JSON.stringify(v) ?? '';
  }
};

/** Random bytes decoded as UTF-8, truncations and single edits of a valid file, and structured junk. */
function inputs(valid: string, structured: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const bytes = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8'));
  const truncated = fc.nat({ max: valid.length }).map((n) => valid.slice(0, n));
  const edited = fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 12 }), fc.string({ maxLength: 6, unit: 'binary' })).map(([at, del, ins]) => valid.slice(0, at) + ins + valid.slice(at + del));
  const lineDropped = fc.nat().map((n) => {
    const lines = valid.split('\n');
    lines.splice(n % lines.length, 1);
    return lines.join('\n');
  });
  return fc.oneof(bytes, truncated, edited, lineDropped, structured, fc.constantFrom('', '\n', '\ufeff', '---\n---\n', '- a\n- b', '[[rules]]\n[[rules]]', 'a = [', '\0'));
}

interface Tally {
  loaded: number;
  rejected: number;
}

function loadsOrSweepError(load: (text: string) => unknown, tally: Tally) {
  return (text: string) => {
    try {
      load(text);
      tally.loaded++;
    } catch (e) {
      if (!isSweepError(e)) throw new Error(`not a SweepError: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\n--- input ---\n${JSON.stringify(text).slice(0, 500)}`);
      const line = e.oneLine();
      expect(line.length).toBeGreaterThan(0);
      expect(line).not.toMatch(/[\r\n]/);
      tally.rejected++;
    }
  };
}

const loaders: Array<[string, string, (text: string) => unknown, (v: unknown) => string]> = [
  ['YAML config (parseConfig)', VALID_YAML, (t) => parseConfig(t, join(work, '.secret-sweep.yaml')), toYaml],
  [
    'rules file (loadRulesFile)',
    VALID_RULES,
    (t) => {
      const f = join(work, 'rules.yaml');
      writeFileSync(f, t);
      return loadRulesFile(f);
    },
    (v) => toYaml({ rules: [v] }),
  ],
  ['gitleaks TOML (parseGitleaksConfig)', VALID_TOML, (t) => parseGitleaksConfig(t, join(work, '.gitleaks.toml')), toToml],
  ['baseline (parseBaseline)', VALID_BASELINE, (t) => parseBaseline(t, join(work, '.secret-sweep-baseline')), (v) => toYaml(v)],
];

describe('loaders: every input loads or is a one-line SweepError', () => {
  it.each(loaders)(`%s: ${RUNS * 2} inputs, seed ${SEED}`, (name, valid, load, render) => {
    // The valid file loads: the fuzzing starts from something real.
    expect(() => load(valid)).not.toThrow();
    const tally: Tally = { loaded: 0, rejected: 0 };
    fc.assert(fc.property(inputs(valid, shaped.map(render)), loadsOrSweepError(load, tally)), { seed: SEED, numRuns: RUNS });
    fc.assert(fc.property(inputs(valid, tree.map(render)), loadsOrSweepError(load, tally)), { seed: SEED + 1, numRuns: RUNS });
    console.log(`${name}: ${tally.loaded + tally.rejected} inputs, ${tally.loaded} loaded, ${tally.rejected} one-line SweepErrors (seed ${SEED})`);
  });
});
