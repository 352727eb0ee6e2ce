/** migrate --verify: the report's rotate list puts values their issuer says work first. */
import { describe, expect, it } from 'vitest';
import { buildJsonReport, renderMarkdown } from '../../src/migrate/report.js';
import type { Plan } from '../../src/migrate/plan.js';

function secretOf(name: string, fp: string, file: string): Plan['secrets'][number] {
  return {
    name, resource: name.split('/').at(-1)!, kind: 'single', action: 'create',
    fields: [{
      key: 'token', secret: true, type: 'string', rule: 'github-pat-classic', fingerprint: fp, redacted: 'ghp_…',
      source: { kind: 'span', file, line: 1, column: 1, endLine: 1, endColumn: 40 },
      locations: [{ file, line: 1, column: 1, endLine: 1, endColumn: 40, fingerprint: fp, historyOnly: false }],
    }],
  } as Plan['secrets'][number];
}

const plan: Plan = {
  version: 1, app: 'app', env: 'prod', nameTemplate: '{env}/{app}/{resource}', skipped: [], edits: [], warnings: [],
  secrets: [secretOf('prod/app/a', 'fa', 'a.env'), secretOf('prod/app/b', 'fb', 'b.env'), secretOf('prod/app/c', 'fc', 'c.env')],
};

describe('migrate report with --verify', () => {
  it('lists live values first, in a "rotate first" section and in the secret order', () => {
    const verification = new Map([
      ['fa', { status: 'invalid' as const, verifier: 'github', reason: 'HTTP 401 (bad credentials)' }],
      ['fb', { status: 'unknown' as const, verifier: 'github', reason: 'timeout after 5000 ms' }],
      ['fc', { status: 'live' as const, verifier: 'github', identity: { login: 'octo-fake' } }],
    ]);
    const r = buildJsonReport({ root: '/x', plan, values: new Map(), outcomes: [], backend: 'aws', runId: 'r', verification }, '/tmp/r.txt');
    expect(r.secrets.map((s) => s.name)).toEqual(['prod/app/c', 'prod/app/a', 'prod/app/b']);
    expect(r.rotateFirst).toEqual([{ fingerprint: 'fc', rule: 'github-pat-classic', where: 'c.env:1', verification: 'live (github: login=octo-fake)' }]);
    expect(r.secrets[1]!.values[0]!.verification).toBe('invalid (github; HTTP 401 (bad credentials))');
    const md = renderMarkdown(r);
    expect(md.indexOf('## Rotate first: verified live')).toBeLessThan(md.indexOf('| secret | keys'));
    expect(md).toContain('- c.env:1 (github-pat-classic): live (github: login=octo-fake)');
  });

  it('without --verify the order and keys are unchanged', () => {
    const r = buildJsonReport({ root: '/x', plan, values: new Map(), outcomes: [], backend: 'aws', runId: 'r' }, '/tmp/r.txt');
    expect(r.secrets.map((s) => s.name)).toEqual(['prod/app/a', 'prod/app/b', 'prod/app/c']);
    expect(r.rotateFirst).toBeUndefined();
    expect(renderMarkdown(r)).not.toContain('Rotate first');
  });
});
