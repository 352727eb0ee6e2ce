/**
 * Issue 13, defect 12: values that are not secrets are never planned, even when a rule (a user rule, an
 * older rule set) reports them: detect-secrets' hashed_secret entries, a Mapbox public token, placeholders
 * and values in documentation. Each is skipped with its reason; a real secret beside them is stored.
 * Findings are made here as a permissive user rule would report them (values built at run time).
 */
import { describe, expect, it } from 'vitest';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { createDetector } from '../../src/detect/detector.js';
import { loadRuleSpecs } from '../../src/rules/load.js';
import { loadConfig } from '../../src/config/config.js';
import { attachSecret, type Finding } from '../../src/findings/finding.js';
import { buildPlan } from '../../src/migrate/plan.js';
import { ALNUM, randomString } from '../support/fake-secrets.js';

function finding(file: string, text: string, value: string, key: string): Finding {
  const start = text.indexOf(value);
  const before = text.slice(0, start);
  const line = before.split('\n').length;
  const column = start - before.lastIndexOf('\n');
  const f: Finding = {
    rule: 'team-any-assignment', description: 'any value', file, line, column, endLine: line, endColumn: column + value.length - 1,
    start, end: start + value.length, redacted: value.slice(0, 4) + '…', fingerprint: createHash('md5').update(file + value).digest('hex'),
    entropy: 4, tags: [], severity: 'medium', key, seen: { places: [], presentAtHead: true },
  };
  return attachSecret(f, value, text.split('\n')[line - 1]);
}

describe('non-secrets are never planned (issue 13, defect 12)', () => {
  it('skips baseline hashes, a Mapbox public token, a placeholder and documentation; stores the real one', () => {
    const sha1 = createHash('sha1').update('some secret').digest('hex');
    const pk = 'pk.eyJ' + randomString(ALNUM, 30, 5) + '.' + randomString(ALNUM, 22, 6);
    const placeholder = 'abcd1234'.repeat(3);
    const docToken = randomString(ALNUM, 24, 7);
    const real = randomString(ALNUM, 22, 8) + '7q';
    const libToken = randomString(ALNUM, 20, 9) + '3w';
    const files: Record<string, string> = {
      '.secrets.baseline': `{\n  "results": {\n    "a.py": [{"hashed_secret": "${sha1}", "line_number": 3}]\n  }\n}\n`,
      'web/map.js': `const MAPBOX_TOKEN = "${pk}";\n`,
      'deploy/.env.sample': `API_TOKEN=${placeholder}\n`,
      'docs/setup.md': `Set \`export SERVICE_TOKEN=${docToken}\` before you start.\n`,
      'etl/settings.py': `DB_PASSWORD = "${real}"\n`,
      // A vendored bootstrap.js: a pattern assigned to a variable named like a token. secret-sweep:allow (next line)
      'web/tooltip.js': 'var autoToken = /\\s?auto?\\s?/i\n',
      // A virtualenv committed with the project: a library's own value, never rewritten there.
      'virtual/lib/python3.8/site-packages/alembic/ops.py': `    def __init__(self, ops=(), downgrade_token="${libToken}"):\n`,
    };
    const findings = [
      finding('.secrets.baseline', files['.secrets.baseline']!, sha1, 'hashed_secret'),
      finding('web/map.js', files['web/map.js']!, pk, 'MAPBOX_TOKEN'),
      finding('deploy/.env.sample', files['deploy/.env.sample']!, placeholder, 'API_TOKEN'),
      finding('docs/setup.md', files['docs/setup.md']!, docToken, 'SERVICE_TOKEN'),
      finding('etl/settings.py', files['etl/settings.py']!, real, 'DB_PASSWORD'),
      finding('web/tooltip.js', files['web/tooltip.js']!, '/\\s?auto?\\s?/i', 'autoToken'),
      finding('virtual/lib/python3.8/site-packages/alembic/ops.py', files['virtual/lib/python3.8/site-packages/alembic/ops.py']!, libToken, 'downgrade_token'),
    ];
    const { plan, values } = buildPlan({ findings, files: new Map(Object.entries(files)), app: 'etl', env: 'prod' });
    expect(plan.secrets.flatMap((s) => s.fields.flatMap((f) => f.locations.map((l) => l.file)))).toEqual(['etl/settings.py']);
    expect([...values.values()].map((v) => v.value)).toEqual([real]);
    const reasons = Object.fromEntries(plan.skipped.map((s) => [s.location.file, s.reason]));
    expect(reasons['.secrets.baseline']).toContain('detect-secrets baseline');
    expect(reasons['web/map.js']).toContain('Mapbox public token');
    expect(reasons['deploy/.env.sample']).toContain('placeholder');
    expect(reasons['docs/setup.md']).toContain('documentation');
    expect(reasons['web/tooltip.js']).toBe('a regular-expression literal in JavaScript code, not a credential');
    // Still a value to rotate and scrub (not marked a non-secret), in case it is real.
    const lib = plan.skipped.find((k) => k.location.file.includes('site-packages'))!;
    expect(lib.reason).toContain('in installed third-party code (virtual/lib/python3.8/site-packages/), not the project\'s own: not stored or rewritten; take virtual/ out of the repository (`git rm -r --cached virtual`');
    expect(lib.notSecret).toBeUndefined();
    expect(JSON.stringify(plan)).not.toContain(docToken);
  });

  it('a password hash (Django fixture, crypt(3)) is not stored, and is still reported to rotate (not marked a non-secret)', () => {
    const salt = randomString(ALNUM, 22, 11);
    const pbkdf2 = `pbkdf2_sha256$260000$${salt}$${pbkdf2Sync('pw', salt, 1000, 32, 'sha256').toString('base64')}`;
    const md5 = `md5$${randomString(ALNUM, 5, 12)}$${createHash('md5').update(salt).digest('hex')}`;
    const bcrypt = `$2b$12$${randomString(ALNUM + './', 53, 13)}`;
    const real = randomString(ALNUM, 20, 14) + '9k';
    const files: Record<string, string> = {
      'blog/fixtures/users.json': `[\n  {"model": "auth.user", "pk": 1, "fields": {"username": "admin", "password": "${pbkdf2}"}},\n  {"model": "auth.user", "pk": 2, "fields": {"username": "old", "password": "${md5}"}}\n]\n`,
      'db/seed.yml': `users:\n  - name: ops\n    password_hash: "${bcrypt}"\n`,
      'blog/settings.py': `EMAIL_HOST_PASSWORD = "${real}"\n`,
    };
    const detector = createDetector(loadRuleSpecs(loadConfig(tmpdir())));
    const findings = Object.entries(files).flatMap(([path, text]) => detector.detect({ text, provenance: { kind: 'file', path } }));
    const { plan, values } = buildPlan({ findings, files: new Map(Object.entries(files)), app: 'blog', env: 'prod' });
    expect([...values.values()].map((v) => v.value)).toEqual([real]);
    const skipped = plan.skipped.map((s) => `${s.location.file}:${s.location.line} ${s.notSecret ? 'not-secret' : 'rotate'} ${s.reason.split(',')[0]}`);
    expect(skipped).toEqual([
      'blog/fixtures/users.json:2 rotate a Django password hash (pbkdf2_sha256$…)',
      'blog/fixtures/users.json:3 rotate a Django password hash (md5$…)',
      'db/seed.yml:3 rotate a bcrypt password hash',
    ]);
    expect(plan.skipped.find((s) => s.location.line === 3 && s.location.file.endsWith('.json'))?.reason).toContain('cracked offline, this one quickly');
  });
});
