import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY, pathToUriReference, sarifReporter } from '../../src/report/sarif.js';
import { COMMIT, makeCtx, sampleFindings } from './helpers.js';

// ajv-formats is CommonJS: its function is the module's `default` property under NodeNext typing and at run time.
const addFormats = ajvFormats.default;

/**
 * The official schema is draft-04 (`id`, `$schema` draft-04), which Ajv 8 does not load as such. It uses no
 * keyword whose meaning changed after draft-04 (no boolean exclusiveMinimum/Maximum), so it is validated
 * with Ajv's draft-07 core after moving `id` to `$id` in memory; the vendored file stays byte-for-byte.
 */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(new URL('../schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
  expect(JSON.stringify(schema)).not.toMatch(/"exclusiveM(in|ax)imum":\s*(true|false)/);
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const validate = sarifValidator();

function expectValid(doc: unknown) {
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

describe('sarif reporter', () => {
  it('validates against the SARIF 2.1.0 schema, with and without findings', () => {
    expectValid(JSON.parse(sarifReporter(sampleFindings(), makeCtx())));
    expectValid(JSON.parse(sarifReporter(sampleFindings(), makeCtx({ showSecrets: true }))));
    expectValid(JSON.parse(sarifReporter([], makeCtx({ stats: { files: 0, bytes: 0, skipped: [], notes: [] }, rules: new Map() }))));
    expectValid(JSON.parse(sarifReporter(sampleFindings(), makeCtx({ startedAt: '', finishedAt: 'not a date' }))));
  });

  it('lists findings an inline marker suppressed as results with an inSource suppression, schema-valid', () => {
    const [a, b] = sampleFindings();
    const doc = JSON.parse(sarifReporter([a!], makeCtx({ suppressed: [{ ...b!, suppressed: 'inline allow marker "gitleaks:allow"' }] })));
    expectValid(doc);
    const results = doc.runs[0].results;
    expect(results).toHaveLength(2);
    expect(results[0].suppressions).toBeUndefined();
    expect(results[1].suppressions).toEqual([{ kind: 'inSource', justification: 'inline allow marker "gitleaks:allow"' }]);
    expect(results[1].partialFingerprints[FINGERPRINT_KEY]).toBe(b!.fingerprint);
  });

  it('the validator does reject a broken log', () => {
    const doc = JSON.parse(sarifReporter(sampleFindings(), makeCtx()));
    doc.runs[0].results[0].level = 'fatal';
    expect(validate(doc)).toBe(false);
  });

  it('describes the tool and every rule that ran', () => {
    const log = JSON.parse(sarifReporter(sampleFindings(), makeCtx()));
    expect(log.version).toBe('2.1.0');
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('secret-sweep');
    expect(driver.version).toBe('0.1.0');
    expect(driver.informationUri).toMatch(/^https:\/\//);
    const ids = driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toEqual(['example-service-token', 'generic-api-key', 'unused-rule', 'rule-not-in-context']);
    const [tok, , unused] = driver.rules;
    expect(tok.shortDescription.text).toBe('Example service token');
    expect(tok.helpUri).toBe('https://example.com/docs/tokens');
    expect(tok.properties.tags).toEqual(expect.arrayContaining(['security', 'token']));
    expect(tok.defaultConfiguration.level).toBe('error');
    expect(unused.helpUri).toBe(driver.informationUri); // "not a url" reference is not used
  });

  it('maps findings to results with relative locations, exclusive end column and fingerprints', () => {
    const findings = sampleFindings();
    const run = JSON.parse(sarifReporter(findings, makeCtx())).runs[0];
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///work/project/');
    expect(run.results).toHaveLength(3);
    const [a, b, c] = run.results;
    expect(a.ruleId).toBe('example-service-token');
    expect(run.tool.driver.rules[a.ruleIndex].id).toBe(a.ruleId);
    expect(run.tool.driver.rules[c.ruleIndex].id).toBe('rule-not-in-context');
    expect([a.level, b.level, c.level]).toEqual(['error', 'warning', 'note']);
    expect(a.message.text).toBe(`Example service token: ${findings[0]!.redacted}`);
    const loc = a.locations[0].physicalLocation;
    expect(loc.artifactLocation).toEqual({ uri: 'config/app%20settings.py', uriBaseId: '%SRCROOT%' });
    expect(loc.region).toEqual({ startLine: 12, startColumn: 9, endLine: 12, endColumn: findings[0]!.endColumn + 1 });
    expect(a.partialFingerprints).toEqual({ [FINGERPRINT_KEY]: 'fp0001aaaa' });
    expect(FINGERPRINT_KEY).toBe('secretSweep/v1');
    expect(a.properties).not.toHaveProperty('commit');
    expect(c.locations[0].physicalLocation.region).toMatchObject({ startLine: 40, endLine: 41, endColumn: 7 });
  });

  it('names the commit or tag of a finding in a message, keeping a physical location code scanning accepts', () => {
    const [a] = sampleFindings();
    const inCommit = { ...a!, file: '(commit message)', line: 2, seen: { at: { commit: COMMIT }, places: [{ commit: COMMIT, path: '(commit message)' }] } } as typeof a;
    const inTag = { ...a!, file: '(message of tag v1.2)', seen: { at: { commit: COMMIT }, places: [{ commit: COMMIT, path: '(message of tag v1.2)' }] } } as typeof a;
    const doc = JSON.parse(sarifReporter([inCommit!, inTag!, a!], makeCtx()));
    expectValid(doc);
    const [c, t, plain] = doc.runs[0].results;
    expect(c.message.text).toContain(`in the message of commit ${COMMIT.slice(0, 12)}`);
    expect(c.locations[0].logicalLocations).toEqual([{ kind: 'commit message', name: COMMIT, fullyQualifiedName: COMMIT }]);
    expect(c.locations[0].physicalLocation.artifactLocation.uri).not.toBe('');
    expect(t.message.text).toContain('in the message of tag v1.2');
    expect(t.locations[0].logicalLocations[0]).toMatchObject({ kind: 'tag message', fullyQualifiedName: 'refs/tags/v1.2' });
    expect(plain.locations[0].logicalLocations).toBeUndefined();
    const header = { ...a!, file: '(commit header)', seen: inCommit!.seen } as typeof a;
    const title = { ...a!, file: '(pull request title)', seen: undefined } as typeof a;
    const [h, pr] = JSON.parse(sarifReporter([header!, title!], makeCtx())).runs[0].results;
    expect(h.message.text).toContain(`in the header of commit ${COMMIT.slice(0, 12)}`);
    expect(h.locations[0].logicalLocations[0]).toEqual({ kind: 'commit header', name: COMMIT, fullyQualifiedName: COMMIT });
    expect(pr.message.text).toContain('in the pull request title');
    expect(plain.message.text).not.toContain('in the message');
  });

  it('carries git provenance in the result property bag', () => {
    const b = JSON.parse(sarifReporter(sampleFindings(), makeCtx())).runs[0].results[1];
    expect(b.properties).toMatchObject({ commit: COMMIT, date: '2024-05-01T10:00:00Z', presentAtHead: false, count: 3 });
    expect(b.properties.author).toContain('Lovelace');
    expect(b.properties.provenances).toHaveLength(3);
  });

  it('reports skipped files and notes as notifications', () => {
    const inv = JSON.parse(sarifReporter([], makeCtx())).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false); // the sample stats hold a too-large file
    expect(inv.startTimeUtc).toBe('2024-06-01T12:00:00.000Z');
    const texts = inv.toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text);
    expect(texts).toContain('skipped (binary): assets/logo.png');
    expect(texts).toContain('shallow clone: history is incomplete');
  });

  it('turns paths into relative URI references', () => {
    expect(pathToUriReference('a/b c/d#e?.ts')).toBe('a/b%20c/d%23e%3F.ts');
    expect(pathToUriReference('odd\\name.ts')).toBe('odd%5Cname.ts');
    expect(pathToUriReference('ünï.txt')).toBe('%C3%BCn%C3%AF.txt');
  });
});

describe('sarif reporter with --verify', () => {
  it('carries verification, verifier, identity and reason as result properties, schema-valid', () => {
    const [a, b] = sampleFindings();
    const live = { ...a!, verification: { status: 'live' as const, verifier: 'github', identity: { login: 'octo-fake', scopes: 'repo' } } };
    const dead = { ...b!, verification: { status: 'invalid' as const, verifier: 'github', reason: 'HTTP 401 (bad credentials)' } };
    const doc = JSON.parse(sarifReporter([live, dead], makeCtx()));
    expectValid(doc);
    const [r0, r1] = doc.runs[0].results;
    expect(r0.properties).toMatchObject({ verification: 'live', verifier: 'github', identity: { login: 'octo-fake', scopes: 'repo' } });
    expect(r0.message.text).toMatch(/\(verification: live\)$/);
    expect(r1.properties).toMatchObject({ verification: 'invalid', verificationReason: 'HTTP 401 (bad credentials)' });
  });
});
