/**
 * The pip requirements rewriter (issue 13, defect 11: a requirements.txt index URL with credentials):
 * `${VAR}`, which pip expands from its environment, filled by `secret-sweep run` from an `sm://` reference.
 */
import { describe, expect, it } from 'vitest';
import { RequirementsRewriter } from '../../../src/migrate/rewrite/requirements.js';
import type { SiteRewriteResult } from '../../../src/migrate/rewrite/sites.js';
import { runCase } from './fixture-pairs.js';

describe('requirements.txt', () => {
  it('an index URL password becomes ${VAR} with its sm:// reference; a percent-encoded one is manual', () => {
    const { result, output } = runCase<SiteRewriteResult>('req-index-url', () => new RequirementsRewriter());
    expect(output.split('\n')[0]).toBe('--index-url https://etl:${PROD_ETL_PYPI__PASSWORD}@pypi.internal.example/simple');
    expect(result.envRefs).toEqual([{ variable: 'PROD_ETL_PYPI__PASSWORD', ref: { secretName: 'prod/etl/pypi', jsonKey: 'password' } }]);
    expect(result.notes.join('\n')).toContain('secret-sweep run -- pip install -r requirements.txt');
    expect(result.unhandled[0]!.suggestion).toContain('PIP_INDEX_URL');
  });

  it('takes requirements and constraints files only', () => {
    const rw = new RequirementsRewriter();
    expect(['requirements.txt', 'svc/requirements-dev.txt', 'constraints.txt', 'requirements.in'].every((f) => rw.appliesTo(f))).toBe(true);
    expect(['notes.txt', 'README.md'].some((f) => rw.appliesTo(f))).toBe(false);
  });
});
