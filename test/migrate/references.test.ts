import { describe, expect, it } from 'vitest';
import { findReferences } from '../../src/migrate/references.js';

describe('findReferences', () => {
  it('finds helper calls inside notebook cells (escaped JSON quotes) with the right line', () => {
    const nb = JSON.stringify(
      { cells: [{ cell_type: 'code', source: ['from secret_sweep_secrets import get_secret\n', 'pw = get_secret("prod/etl/db")["password"]\n'] }], nbformat: 4 },
      null,
      1,
    );
    const refs = findReferences('analysis.ipynb', nb);
    expect(refs.map((r) => [r.secretName, r.jsonKey])).toEqual([['prod/etl/db', 'password']]);
    expect(refs[0]!.line).toBe(nb.split('\n').findIndex((l) => l.includes('get_secret(\\"prod')) + 1);
  });

  it('finds helper calls in Python files', () => {
    const refs = findReferences('etl/load.py', "x = 1\npw = get_secret('prod/etl/db')['password']\n");
    expect(refs.map((r) => [r.line, r.secretName, r.jsonKey])).toEqual([[2, 'prod/etl/db', 'password']]);
  });
});
