/** The JSON rewriter: fixture pairs (test/fixtures/rewrite/json-*), every output valid JSON, formatting kept. */
import { describe, expect, it } from 'vitest';
import { JsonRewriter } from '../../../src/migrate/rewrite/json.js';
import type { SiteRewriteResult } from '../../../src/migrate/rewrite/sites.js';
import { casesWith, runCase } from './fixture-pairs.js';

const run = (name: string) => runCase<SiteRewriteResult>(name, () => new JsonRewriter());

describe('fixture pairs', () => {
  for (const name of casesWith('json-')) {
    it(name, () => {
      // Output, sites left and secrets removed: all-fixtures.test.ts. Here: it is still JSON.
      const { output } = run(name);
      expect(() => JSON.parse(output)).not.toThrow();
    });
  }

  it('CloudFormation JSON gets a resolve reference', () => {
    const { output } = run('json-cfn');
    expect(JSON.parse(output).Resources.Db.Properties.MasterUserPassword).toBe('{{resolve:secretsmanager:prod/orders/db:SecretString:password}}');
  });

  // Issue 13, defect 3: JSON config readers that take `${VAR}` literally are manual, each with its own edit.
  it('.docker/config.json, .NET appsettings and config of an unknown reader: manual, the value left', () => {
    for (const name of ['json-docker-config', 'json-appsettings', 'json-generic']) {
      const { output, c } = run(name);
      expect(output, name).toBe(c.input);
    }
    expect(run('json-docker-config').result.unhandled[0]!.suggestion).toContain('credential helper');
    expect(run('json-appsettings').result.unhandled[0]!.suggestion).toContain('`ConnectionStrings__Default=sm://prod/orders/db#password`');
    expect(run('json-generic').result.unhandled[0]!.reason).toContain('unknown');
  });

  it('leaves a notebook to its own rewriter', () => {
    expect(new JsonRewriter().appliesTo('a/b.ipynb')).toBe(false);
  });
});
