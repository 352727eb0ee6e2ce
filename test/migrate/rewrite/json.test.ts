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

  it('leaves a notebook to its own rewriter', () => {
    expect(new JsonRewriter().appliesTo('a/b.ipynb')).toBe(false);
  });
});
