/**
 * A generated JS/TS helper's SDK goes into the nearest package.json: added as text, so the file keeps its
 * indentation, line endings and key order; never twice; a file that is not a JSON object is left to a human.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lowestNodeMajor, nearestPackageDir, sdkRangeFor, withDependency } from '../../../src/migrate/rewrite/package-deps.js';

const SDK = '@aws-sdk/client-secrets-manager';

describe('withDependency', () => {
  it('adds a dependencies object after the last key, with the file\'s indentation', () => {
    const text = '{\n    "name": "web",\n    "type": "module",\n    "files": ["a", "b"]\n}\n';
    expect(withDependency(text, SDK, '^3.1')).toBe('{\n    "name": "web",\n    "type": "module",\n    "files": ["a", "b"],\n    "dependencies": {\n        "@aws-sdk/client-secrets-manager": "^3.1"\n    }\n}\n');
  });
  it('appends to existing dependencies, keeping CRLF', () => {
    const text = '{\r\n\t"name": "w",\r\n\t"dependencies": {\r\n\t\t"pg": "^8"\r\n\t}\r\n}\r\n';
    expect(withDependency(text, SDK, '^3')).toBe('{\r\n\t"name": "w",\r\n\t"dependencies": {\r\n\t\t"pg": "^8",\r\n\t\t"@aws-sdk/client-secrets-manager": "^3"\r\n\t}\r\n}\r\n');
  });
  it('fills an empty dependencies object', () => {
    expect(withDependency('{\n  "dependencies": {}\n}\n', SDK, '^3')).toBe('{\n  "dependencies": {\n    "@aws-sdk/client-secrets-manager": "^3"\n  }\n}\n');
  });
  it('leaves a package that already declares it (any dependency field) unchanged', () => {
    const text = '{ "devDependencies": { "@aws-sdk/client-secrets-manager": "^3.0.0" } }';
    expect(withDependency(text, SDK, '^3.1')).toBe(text);
  });
  it('undefined for a file that is not a JSON object', () => {
    expect(withDependency('[1, 2]', SDK, '^3')).toBeUndefined();
    expect(withDependency('{ "name": ', SDK, '^3')).toBeUndefined();
  });
});

describe('nearestPackageDir', () => {
  it('walks up from the file to the root', () => {
    const have = new Set(['web/package.json', 'package.json']);
    expect(nearestPackageDir('web/src/secret-sweep-secrets.mjs', (p) => have.has(p))).toBe('web');
    expect(nearestPackageDir('tools/x.cjs', (p) => have.has(p))).toBe('.');
    expect(nearestPackageDir('tools/x.cjs', () => false)).toBeUndefined();
  });
});

describe('the SDK range for a package that may run on Node 20 (its releases after January 2027 require Node 22)', () => {
  it('reads the lowest Node major an engines.node range admits', () => {
    const cases: Array<[string, number | undefined]> = [['>=18', 18], ['>= 20.0.0', 20], ['^20.11 || >=22', 20], ['20.x', 20], ['>=22.0.0', 22], ['~22.1', 22],
      ['*', 0], ['', 0], ['<20', 0], ['18 - 22', 18], ['>=16 <23', 16], ['lts/*', undefined]];
    for (const [range, major] of cases) expect([range, lowestNodeMajor(range)]).toEqual([range, major]);
  });
  it('keeps to patches while Node < 22 is allowed (engines, else .nvmrc, else the running Node)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-sdk-range-'));
    expect(sdkRangeFor('^3.1164.0', { engines: { node: '>=20' } }, dir).range).toBe('~3.1164.0');
    expect(sdkRangeFor('^3.1164.0', { engines: { node: '>=22' } }, dir).range).toBe('^3.1164.0');
    expect(sdkRangeFor('^3.1164.0', { engines: { node: 'lts/*' } }, dir).range).toBe('~3.1164.0'); // unreadable: the safe side
    writeFileSync(join(dir, '.nvmrc'), 'v24.1.0\n');
    expect(sdkRangeFor('^3.1164.0', {}, dir)).toEqual({ range: '^3.1164.0', oldestNode: 24, from: '.nvmrc 24' });
    const running = Number(process.versions.node.split('.')[0]);
    expect(sdkRangeFor('^3.1164.0', {}, mkdtempSync(join(tmpdir(), 'ss-sdk-range-'))).range).toBe(running < 22 ? '~3.1164.0' : '^3.1164.0');
  });
});
