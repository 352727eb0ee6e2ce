/**
 * Places still holding a migrated value that no rule reported (leftover-values.ts).
 */
import { describe, expect, it } from 'vitest';
import { leftoverValues } from '../../../src/migrate/rewrite/leftover-values.js';
import { valueKey, type Plan, type PlanValues } from '../../../src/migrate/plan/types.js';
import { password } from '../../support/fake-secrets.js';

const PW = password(77);
const plan = {
  secrets: [{ name: 'prod/app/db', fields: [{ key: 'password', secret: true }, { key: 'user', secret: false }] }],
} as unknown as Plan;
const values: PlanValues = new Map([
  [valueKey('prod/app/db', 'password'), { value: PW, raw: [PW] }],
  [valueKey('prod/app/db', 'user'), { value: 'app-user-name', raw: ['app-user-name'] }],
]);

describe('leftover values', () => {
  it('finds each copy of a secret value outside the known places, once per line, with its column', () => {
    const texts = new Map([
      ['a.ts', `const x = 1;\nprivate pw = "${PW}"; // ${PW}\n`],
      ['b.py', `PASSWORD = "${PW}"\n`],
      ['c.txt', 'user: app-user-name\n'],
    ]);
    expect(leftoverValues(texts, plan, values, new Set(['b.py:1']))).toEqual([
      { file: 'a.ts', line: 2, column: 15, secretName: 'prod/app/db', jsonKey: 'password' },
    ]);
  });

  it('ignores short values and plain (non-secret) fields', () => {
    const short: PlanValues = new Map([[valueKey('prod/app/db', 'password'), { value: 'abc123', raw: ['abc123'] }]]);
    expect(leftoverValues(new Map([['a', 'abc123 app-user-name']]), plan, short, new Set())).toEqual([]);
  });
});
