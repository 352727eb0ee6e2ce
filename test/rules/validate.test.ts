import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulesFile } from '../../src/rules/load.js';
import { SweepError } from '../../src/errors.js';
import { parseConfig } from '../../src/config/config.js';
import { loadRuleSpecs } from '../../src/rules/load.js';

function rulesFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-rules-'));
  const f = join(dir, 'r.yaml');
  writeFileSync(f, body);
  return f;
}

function errorOf(fn: () => unknown): SweepError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SweepError);
    return e as SweepError;
  }
  throw new Error('expected an error');
}

const ok = `rules:
  - id: demo
    description: demo rule
    regex: 'demo_([a-z0-9]{12})'
    keywords: [demo_]
    references: [https://example.test]
    examples: ['x = demo_a1b2c3d4e5f6']
    negative_examples:
      - text: 'x = demo_short'
        reason: too short
`;

describe('rule file validation', () => {
  it('loads a valid file', () => {
    const [r] = loadRulesFile(rulesFile(ok));
    expect(r!.id).toBe('demo');
    expect(r!.secret_group).toBe(1);
  });

  const cases: Array<[string, string, RegExp, number]> = [
    ['unknown key', ok.replace('keywords:', 'keywordz:'), /unknown key `keywordz`/, 5],
    ['invalid regex', ok.replace("'demo_([a-z0-9]{12})'", "'demo_(['"), /invalid regex/, 4],
    ['lookaround (not RE2)', ok.replace("'demo_([a-z0-9]{12})'", "'demo_(?=x)'"), /invalid regex/, 4],
    ['empty regex', ok.replace("'demo_([a-z0-9]{12})'", "''"), /non-empty regex/, 4],
    ['secret group out of range', ok.replace('    keywords:', '    secret_group: 3\n    keywords:'), /out of range/, 5],
    ['negative without reason', ok.replace('        reason: too short\n', ''), /needs a `reason`/, 8],
    ['bad YAML', 'rules:\n  - id: [unclosed\n', /invalid YAML/, 0],
    ['unknown validator', ok.replace('    keywords:', '    validator: nope\n    keywords:'), /unknown validator/, 5],
    ['allowlist condition unknown', ok.replace('    keywords:', "    allowlist:\n      - condition: xor\n        paths: ['a']\n    keywords:"), /`condition` must be or or and/, 5],
    ['allowlist condition and with one criterion', ok.replace('    keywords:', "    allowlist:\n      - condition: and\n        paths: ['a']\n    keywords:"), /needs two of/, 5],
  ];
  for (const [name, body, msg, line] of cases) {
    it(`rejects: ${name}, naming file and line`, () => {
      const f = rulesFile(body);
      const e = errorOf(() => loadRulesFile(f));
      expect(e.message).toMatch(msg);
      expect(e.where).toContain('r.yaml');
      if (line) expect(e.where).toMatch(new RegExp(`:${line}$`));
      expect(e.oneLine()).not.toContain('\n');
    });
  }

  it('rejects a duplicate id across rules', () => {
    const f = rulesFile(ok + ok.replace('rules:\n', ''));
    expect(() => loadRulesFile(f)).not.toThrow();
    const e = errorOf(() => loadRuleSpecs({ useDefaultRules: false, disable: [], rules: loadRulesFile(f) }));
    expect(e.message).toMatch(/duplicate rule id `demo`/);
  });

  it('rejects a user rule whose example its own rule misses', () => {
    const f = rulesFile(ok.replace("examples: ['x = demo_a1b2c3d4e5f6']", "examples: ['x = nothing here']"));
    const e = errorOf(() => loadRuleSpecs({ useDefaultRules: false, disable: [], rules: loadRulesFile(f) }));
    expect(e.message).toMatch(/example #1 is not found/);
    expect(e.where).toMatch(/r\.yaml:2$/);
  });
});

describe('rule `migrate:` block', () => {
  const withMigrate = (block: string) => rulesFile(ok.replace('    references:', `${block}\n    references:`));

  it('is optional, and read when given', () => {
    expect(loadRulesFile(rulesFile(ok))[0]!.migrate).toBeUndefined();
    const f = withMigrate([
      '    migrate:', '      field: password', '      grouping: database-uri', "      resource: '{file}'",
      '      rotation:', '        hint: set a new password', '        url: https://example.test/rotate',
    ].join('\n'));
    expect(loadRulesFile(f)[0]!.migrate).toEqual({
      field: 'password', grouping: 'database-uri', resource: '{file}', rotation: { hint: 'set a new password', url: 'https://example.test/rotate' },
    });
  });

  it.each([
    ['an unknown key', '    migrate:\n      grouping: uri\n      feild: password', /`migrate`: unknown key `feild`/],
    ['an unknown grouping', '    migrate:\n      grouping: by-magic', /`grouping` must be one of database-uri, uri, aws-keypair/],
    ['a field that is no JSON key', '    migrate:\n      field: Pass Word', /`field` must be a JSON key/],
    ['an aws-keypair without its half', '    migrate:\n      grouping: aws-keypair', /`grouping: aws-keypair` and `keypair`/],
    ['a rotation without a hint', '    migrate:\n      rotation:\n        url: https://example.test', /`rotation.hint` must be a non-empty string/],
    ['a whole_file kind nobody knows', '    migrate:\n      whole_file: zip', /`whole_file` must be one of/],
    ['not a mapping', '    migrate: [field]', /`migrate`: must be a mapping/],
  ])('rejects %s with file:line of the block', (_what, block, message) => {
    const e = errorOf(() => loadRulesFile(withMigrate(block)));
    expect(e).toBeInstanceOf(SweepError);
    expect(e.message).toMatch(/^rule `demo`: /);
    expect(e.message).toMatch(message);
    expect(e.where).toMatch(/r\.yaml:6$/);
  });

  it('every built-in rule\'s block is valid, and the rules the plan groups say how', () => {
    const rules = new Map(loadRuleSpecs().map((r) => [r.id, r.migrate]));
    expect(rules.get('postgres-uri-password')?.grouping).toBe('database-uri');
    expect(rules.get('url-credentials')?.grouping).toBe('uri');
    expect(rules.get('aws-access-key-id')).toMatchObject({ grouping: 'aws-keypair', keypair: 'id' });
    expect(rules.get('aws-secret-access-key')).toMatchObject({ grouping: 'aws-keypair', keypair: 'secret' });
    expect(rules.get('github-pat-classic')?.rotation?.hint).toMatch(/^GitHub: revoke the token/);
  });
});

describe('config validation', () => {
  it('rejects unknown keys with file:line', () => {
    const e = errorOf(() => parseConfig('allowlist:\n  paths: [a/]\nallowlsit: {}\n', '/tmp/.secret-sweep.yaml'));
    expect(e.message).toMatch(/unknown key `allowlsit`/);
    expect(e.where).toMatch(/:3$/);
  });
  it('rejects an invalid allowlist regex', () => {
    const e = errorOf(() => parseConfig('allowlist:\n  regexes: ["(["]\n', 'c.yaml'));
    expect(e.message).toMatch(/invalid regex/);
    expect(e.where).toBe('c.yaml:2');
  });
  it('reads disable, paths and extra rules', () => {
    const c = parseConfig('disable: [generic-password-assignment]\nallowlist:\n  paths: [fixtures/]\n  stopwords: [dummy]\n', 'c.yaml');
    expect(c.disable).toEqual(['generic-password-assignment']);
    expect(c.allowlist.paths).toEqual(['fixtures/']);
    expect(c.allowlist.stopwords).toEqual(['dummy']);
  });
});
