import { describe, expect, it } from 'vitest';
import { isGitleaksConfig, parseGitleaksConfig } from '../../src/config/gitleaks.js';
import { createDetector } from '../../src/detect/detector.js';
import { SweepError } from '../../src/errors.js';
import { secretOf } from '../../src/findings/finding.js';
import { loadRuleSpecs } from '../../src/rules/load.js';
import { githubToken, randomString } from '../support/fake-secrets.js';

const LOWER_DIGITS = 'abcdefghijklmnopqrstuvwxyz0123456789';

// A team's own gitleaks config (written for this test, not gitleaks' default config).
const CONFIG = `title = "Northwind security config"

[extend]
useDefault = true
disabledRules = ["generic-api-key", "no-such-rule"]

[[rules]]
id = "northwind-internal-token"
description = "Northwind internal service token"
regex = '''(?i)\\b(nwt_[a-z0-9]{32})\\b'''
secretGroup = 1
entropy = 3.2
keywords = ["nwt_"]
tags = ["internal", "token"]

  [[rules.allowlists]]
  description = "documentation tokens"
  regexTarget = "line"
  regexes = ['''(?i)docs-example''']
  stopwords = ["sandbox"]
  paths = ['''(^|/)docs/''']

[[rules]]
id = "northwind-db-password"
description = "Password in a Northwind DSN"
regex = '''nwdb://[a-z]+:([^@\\s]{8,64})@'''
keywords = ["nwdb://"]

  [rules.allowlist]
  regexes = ['''^local-''']
  commits = ["4b825dc642cb6eb9a060e54bf8d69288fbee4904"]

[[rules]]
id = "legacy-keystore"
description = "Java keystores"
path = '''\\.jks$'''

[allowlist]
description = "global allowlist"
paths = ['''(^|/)vendor/''', '''\\.lock$''']
regexes = ['''^nwt_0{32}$''']
stopwords = ["placeholder"]
commits = ["0123456789ABCDEF0123456789abcdef01234567"]
`;

const FILE = '/repo/.gitleaks.toml';

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

describe('parseGitleaksConfig', () => {
  const { config, warnings } = parseGitleaksConfig(CONFIG, FILE);

  it('maps [extend] useDefault and disabledRules (gitleaks ids to ours, unknown ids warned)', () => {
    expect(config.useDefaultRules).toBe(true);
    expect(config.disable).toEqual(['generic-password-assignment']);
    expect(warnings.some((w) => w.includes('no rule `no-such-rule`'))).toBe(true);
    expect(warnings.some((w) => w.includes('`generic-api-key` disabled as `generic-password-assignment`'))).toBe(true);
  });

  it('maps rules: regex, secretGroup, entropy, keywords, tags, allowlists; origin is file:line of the id', () => {
    expect(config.rules.map((r) => r.id)).toEqual(['northwind-internal-token', 'northwind-db-password']);
    const [tok, db] = config.rules;
    expect(tok).toMatchObject({ secret_group: 1, entropy: 3.2, keywords: ['nwt_'], tags: ['internal', 'token'], examples: [], negative_examples: [] });
    expect(tok!.origin).toBe(`${FILE}:${lineOf(CONFIG, 'id = "northwind-internal-token"')}`);
    expect(tok!.allowlist).toEqual([{ regexes: ['(?i)docs-example'], paths: ['(^|/)docs/'], stopwords: ['sandbox'], target: 'line' }]);
    expect(db!.secret_group).toBe(1); // gitleaks default: the first capture group
    expect(db!.allowlist).toEqual([{ regexes: ['^local-'], paths: [], stopwords: [], target: 'secret' }]);
    expect(db!.origin).toBe(`${FILE}:${lineOf(CONFIG, 'id = "northwind-db-password"')}`);
  });

  it('maps the global allowlist; gitleaks path regexes stay regexes (pathRegexes), commits are kept', () => {
    expect(config.allowlist).toEqual({
      paths: [],
      pathRegexes: ['(^|/)vendor/', '\\.lock$'],
      regexes: ['^nwt_0{32}$'],
      stopwords: ['placeholder'],
      commits: ['0123456789abcdef0123456789abcdef01234567'],
    });
  });

  it('warns, naming the key, about what it cannot apply', () => {
    expect(warnings.some((w) => w.includes('legacy-keystore') && w.includes('path-only rules'))).toBe(true);
    expect(warnings.some((w) => w.includes('northwind-db-password') && w.includes('`commits`'))).toBe(true);
    const { warnings: w2 } = parseGitleaksConfig(
      `[[rules]]\nid = "x-token"\nregex = '''x_[a-z]{20}'''\nvalidate = "cel"\n[[rules.allowlists]]\ncondition = "AND"\nregexes = ['''^x_test''']\n[[rules.required]]\nid = "other"\n[reporting]\nformat = "sarif"\n`,
      FILE,
    );
    expect(w2.some((w) => w.includes('`validate`'))).toBe(true);
    expect(w2.some((w) => w.includes('`required`'))).toBe(true);
    expect(w2.some((w) => w.includes('`reporting`') && w.startsWith(`${FILE}:`))).toBe(true);
    expect(w2.some((w) => w.includes('condition = "AND"'))).toBe(false); // a rule allowlist's AND is applied
  });

  it('without [extend] useDefault = true the built-in rules are off (gitleaks semantics)', () => {
    expect(parseGitleaksConfig('[[rules]]\nid = "a-b"\nregex = "abc_[0-9]{8}"\n', FILE).config.useDefaultRules).toBe(false);
  });

  it('malformed TOML is a one-line SweepError naming the file and line', () => {
    const bad = 'title = "x"\n\n[[rules]]\nid = "a"\nregex = [unclosed\n';
    try {
      parseGitleaksConfig(bad, FILE);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SweepError);
      const line = (e as SweepError).oneLine();
      expect(line).toMatch(new RegExp(`^${FILE.replace(/[.]/g, '\\.')}:5: invalid TOML`));
      expect(line).not.toContain('\n');
    }
  });

  it('a regex RE2 cannot compile is a SweepError at the rule, naming it', () => {
    const text = 'title = "x"\n[[rules]]\nid = "lookahead"\nregex = \'\'\'tok_(?=[a-z]{8})\'\'\'\n';
    expect(() => parseGitleaksConfig(text, FILE)).toThrowError(SweepError);
    try {
      parseGitleaksConfig(text, FILE);
    } catch (e) {
      expect((e as SweepError).where).toBe(`${FILE}:3`);
      expect((e as SweepError).message).toContain('lookahead');
    }
    expect(() => parseGitleaksConfig('[allowlist]\nregexes = [\'\'\'(?<!x)y\'\'\']\n', FILE)).toThrowError(/allowlist\.regexes/);
  });

  it('isGitleaksConfig: TOML files', () => {
    expect(isGitleaksConfig('/x/.gitleaks.toml')).toBe(true);
    expect(isGitleaksConfig('ci/secrets.TOML')).toBe(true);
    expect(isGitleaksConfig('.secret-sweep.yaml')).toBe(false);
  });
});

describe('imported rules through the detector', () => {
  const { config } = parseGitleaksConfig(CONFIG, FILE);
  const detector = createDetector(loadRuleSpecs(config), { allowlist: config.allowlist });
  const scan = (text: string, path = 'src/app.py') =>
    detector.detect({ text, provenance: { kind: 'file', path } }).map((f) => ({ rule: f.rule, secret: secretOf(f) }));

  const token = 'nwt_' + randomString(LOWER_DIGITS, 32, 11);

  it('an imported rule finds its secret (secretGroup 1)', () => {
    expect(scan(`NORTHWIND_TOKEN = "${token}"\n`)).toEqual([{ rule: 'northwind-internal-token', secret: token }]);
    const pw = randomString(LOWER_DIGITS + 'ABCDEFGH!%', 16, 12);
    expect(scan(`dsn = "nwdb://etl:${pw}@db.northwind.internal/ledger"\n`)).toContainEqual({ rule: 'northwind-db-password', secret: pw });
  });

  it("the rule's allowlists apply: line regex, stopword, path", () => {
    expect(scan(`token = "${token}"  # docs-example\n`)).toEqual([]);
    expect(scan(`token = "nwt_sandbox${randomString(LOWER_DIGITS, 25, 13)}"\n`)).toEqual([]);
    expect(scan(`token = "${token}"\n`, 'docs/setup.md')).toEqual([]);
    expect(scan('dsn = "nwdb://etl:local-devpass1@localhost/ledger"\n')).toEqual([]);
  });

  it('a rule allowlist with condition = "AND" drops a finding only where every criterion holds', () => {
    const toml = `[[rules]]\nid = "x-token"\nregex = '''x_[a-z0-9]{20}'''\n[[rules.allowlists]]\ncondition = "AND"\npaths = ['''(^|/)fixtures/''']\nregexes = ['''^x_test''']\n`;
    const { config: c, warnings: w } = parseGitleaksConfig(toml, FILE);
    expect(w).toEqual([]);
    const d = createDetector(loadRuleSpecs(c), { allowlist: c.allowlist });
    const found = (text: string, path: string) => d.detect({ text, provenance: { kind: 'file', path } }).length;
    const testTok = 'x_test' + randomString(LOWER_DIGITS, 16, 14);
    const liveTok = 'x_' + randomString(LOWER_DIGITS, 20, 15);
    expect(found(`t = "${testTok}"\n`, 'fixtures/a.txt')).toBe(0); // both hold
    expect(found(`t = "${liveTok}"\n`, 'fixtures/a.txt')).toBe(1); // the path alone does not drop it
    expect(found(`t = "${testTok}"\n`, 'src/a.txt')).toBe(1); // the regex alone does not drop it
  });

  it('global regexes and stopwords apply; built-in rules are kept (useDefault) minus disabled ones', () => {
    expect(scan(`token = "nwt_${'0'.repeat(32)}"\n`)).toEqual([]);
    const gh = githubToken(21);
    expect(scan(`GH_TOKEN=${gh}\n`, '.env')).toEqual([{ rule: 'github-pat-classic', secret: gh }]);
    expect(loadRuleSpecs(config).some((r) => r.id === 'generic-password-assignment')).toBe(false);
  });
});
