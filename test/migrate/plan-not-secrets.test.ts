/**
 * Issue 13, defect 12: values that are not secrets are never planned, even when a rule (a user rule, an
 * older rule set) reports them: detect-secrets' hashed_secret entries, a Mapbox public token, placeholders
 * and values in documentation. Each is skipped with its reason; a real secret beside them is stored.
 * Findings are made here as a permissive user rule would report them (values built at run time).
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
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
    const files: Record<string, string> = {
      '.secrets.baseline': `{\n  "results": {\n    "a.py": [{"hashed_secret": "${sha1}", "line_number": 3}]\n  }\n}\n`,
      'web/map.js': `const MAPBOX_TOKEN = "${pk}";\n`,
      'deploy/.env.sample': `API_TOKEN=${placeholder}\n`,
      'docs/setup.md': `Set \`export SERVICE_TOKEN=${docToken}\` before you start.\n`,
      'etl/settings.py': `DB_PASSWORD = "${real}"\n`,
    };
    const findings = [
      finding('.secrets.baseline', files['.secrets.baseline']!, sha1, 'hashed_secret'),
      finding('web/map.js', files['web/map.js']!, pk, 'MAPBOX_TOKEN'),
      finding('deploy/.env.sample', files['deploy/.env.sample']!, placeholder, 'API_TOKEN'),
      finding('docs/setup.md', files['docs/setup.md']!, docToken, 'SERVICE_TOKEN'),
      finding('etl/settings.py', files['etl/settings.py']!, real, 'DB_PASSWORD'),
    ];
    const { plan, values } = buildPlan({ findings, files: new Map(Object.entries(files)), app: 'etl', env: 'prod' });
    expect(plan.secrets.flatMap((s) => s.fields.flatMap((f) => f.locations.map((l) => l.file)))).toEqual(['etl/settings.py']);
    expect([...values.values()].map((v) => v.value)).toEqual([real]);
    const reasons = Object.fromEntries(plan.skipped.map((s) => [s.location.file, s.reason]));
    expect(reasons['.secrets.baseline']).toContain('detect-secrets baseline');
    expect(reasons['web/map.js']).toContain('Mapbox public token');
    expect(reasons['deploy/.env.sample']).toContain('placeholder');
    expect(reasons['docs/setup.md']).toContain('documentation');
    expect(JSON.stringify(plan)).not.toContain(docToken);
  });
});
