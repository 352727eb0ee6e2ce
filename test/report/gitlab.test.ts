import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { GITLAB_SCHEMA_VERSION, IDENTIFIER_TYPE, gitlabReporter } from '../../src/report/gitlab.js';
import { COMMIT, SECRET_A, makeCtx, sampleFindings } from './helpers.js';

// ajv-formats is CommonJS: its function is the module's `default` property under NodeNext typing and at run time.
const addFormats = ajvFormats.default;

/** GitLab's schema is draft-07, Ajv 8's default dialect. */
function gitlabValidator() {
  const schema = JSON.parse(readFileSync(new URL('../schemas/secret-detection-report-format.json', import.meta.url), 'utf8'));
  expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  expect(schema.self.version).toBe(GITLAB_SCHEMA_VERSION);
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const validate = gitlabValidator();

function expectValid(doc: unknown) {
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

describe('gitlab reporter', () => {
  it("validates against GitLab's secret-detection report schema, with and without findings", () => {
    expectValid(JSON.parse(gitlabReporter(sampleFindings(), makeCtx())));
    expectValid(JSON.parse(gitlabReporter(sampleFindings(), makeCtx({ showSecrets: true }))));
    expectValid(JSON.parse(gitlabReporter([], makeCtx({ stats: { files: 0, bytes: 0, skipped: [], notes: [] } }))));
  });

  it('names findings an inline marker suppressed in scan.messages (not as vulnerabilities), schema-valid', () => {
    const [a, b] = sampleFindings();
    const doc = JSON.parse(gitlabReporter([a!], makeCtx({ suppressed: [{ ...b!, suppressed: 'inline allow marker "gitleaks:allow"' }] })));
    expectValid(doc);
    expect(doc.vulnerabilities).toHaveLength(1);
    expect(doc.scan.messages).toContainEqual({ level: 'info', value: expect.stringMatching(new RegExp(`^suppressed \\(inline allow marker "gitleaks:allow"\\): ${b!.file}:${b!.line} ${b!.rule}`)) });
  });

  it('the validator does reject a broken report', () => {
    const doc = JSON.parse(gitlabReporter(sampleFindings(), makeCtx()));
    delete doc.vulnerabilities[0].location.commit;
    expect(validate(doc)).toBe(false);
  });

  it('writes the scan block', () => {
    const doc = JSON.parse(gitlabReporter([], makeCtx()));
    expect(doc.version).toMatch(/^15\.\d+\.\d+$/);
    expect(doc.scan).toMatchObject({
      type: 'secret_detection',
      status: 'failure', // the sample stats hold a too-large file: the scan is incomplete
      start_time: '2024-06-01T12:00:00',
      end_time: '2024-06-01T12:00:02',
      analyzer: { id: 'secret-sweep', version: '0.1.0', vendor: { name: 'secret-sweep' } },
      scanner: { id: 'secret-sweep', name: 'secret-sweep' },
    });
    expect(doc.scan.messages).toContainEqual({ level: 'warn', value: 'shallow clone: history is incomplete' });
    expect(doc.vulnerabilities).toEqual([]);
  });

  it('maps findings to vulnerabilities with redacted extracts', () => {
    const findings = sampleFindings();
    const [a, b, c] = JSON.parse(gitlabReporter(findings, makeCtx())).vulnerabilities;
    expect(a).toMatchObject({
      category: 'secret_detection',
      name: 'Example service token',
      severity: 'Critical', // high with a confirmed checksum
      raw_source_code_extract: findings[0]!.redacted,
      location: { file: 'config/app settings.py', start_line: 12, end_line: 12, commit: { sha: '0000000' } },
      identifiers: [{ type: IDENTIFIER_TYPE, name: 'secret-sweep rule example-service-token', value: 'example-service-token' }],
    });
    expect(IDENTIFIER_TYPE).toBe('secret_sweep_rule_id');
    expect(b.severity).toBe('Medium');
    expect(b.location.commit).toEqual({ sha: COMMIT, author: 'Ada <Lovelace> & "Co" \'Ltd\'', date: '2024-05-01T10:00:00Z' });
    expect(b.description).toContain('no longer at HEAD');
    expect(c.severity).toBe('Low');
    expect(c.location.end_line).toBe(41);
    const ids = [a.id, b.id, c.id];
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('keeps vulnerability ids stable across runs', () => {
    const one = JSON.parse(gitlabReporter(sampleFindings(), makeCtx())).vulnerabilities.map((v: { id: string }) => v.id);
    const two = JSON.parse(gitlabReporter(sampleFindings(), makeCtx({ startedAt: '2025-01-01T00:00:00Z' }))).vulnerabilities.map((v: { id: string }) => v.id);
    expect(two).toEqual(one);
  });

  it('puts the plaintext in raw_source_code_extract only with showSecrets', () => {
    const v = JSON.parse(gitlabReporter(sampleFindings(), makeCtx({ showSecrets: true }))).vulnerabilities[0];
    expect(v.raw_source_code_extract).toBe(SECRET_A);
  });
});

describe('gitlab reporter with --verify', () => {
  it('a verification detail on each verified finding; a live one is Critical; schema-valid', () => {
    const [a, b] = sampleFindings();
    const live = { ...a!, verification: { status: 'live' as const, verifier: 'stripe', identity: { account: 'acct_1Fake' } } };
    const unknown = { ...b!, verification: { status: 'unknown' as const, verifier: 'stripe', reason: 'connection refused' } };
    const doc = JSON.parse(gitlabReporter([live, unknown], makeCtx()));
    expectValid(doc);
    const [v0, v1] = doc.vulnerabilities;
    expect(v0.details.verification).toEqual({ name: 'Verification', type: 'value', value: 'live (stripe: account=acct_1Fake)' });
    expect(v0.severity).toBe('Critical');
    expect(v1.details.verification.value).toBe('unknown (stripe; connection refused)');
    expect(v1.severity).not.toBe('Critical');
    const checksummed = sampleFindings().find((f) => f.verifiedChecksum && f.severity === 'high')!;
    const refused = JSON.parse(gitlabReporter([{ ...checksummed, verification: { status: 'invalid', verifier: 'github' } }], makeCtx())).vulnerabilities[0];
    expect(refused.severity).toBe('High');
  });
});
