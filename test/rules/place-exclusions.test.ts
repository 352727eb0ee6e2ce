/**
 * Generic rules are switched off in lock files, bundles, snapshots and on very long lines; vendor rules
 * (a token format, a checksum) still run there. `rules explain` lists every place a rule does not report in.
 */
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { runCli } from '../support/cli.js';
import { githubToken, password } from '../support/fake-secrets.js';
import { fakeKey } from '../sources/git/helpers.js';

const detector = createDetector(loadBuiltinRules());
const rulesIn = (path: string, text: string) => detector.detect({ text, provenance: { kind: 'file', path } }).map((f) => f.rule);

const PLACES = ['src/__snapshots__/app.test.js.snap', 'package-lock.json', 'yarn.lock', '.terraform.lock.hcl', 'public/app.min.js', 'dist/bundle.js', 'Cargo.lock'];

describe('place-based exclusions', () => {
  for (const path of PLACES) {
    it(`${path}: vendor rules still report, the generic password rule does not`, () => {
      const text = `const aws = "${fakeKey(71)}"; const gh = "${githubToken(72)}";\npassword = "${password(73)}"\n`;
      const found = rulesIn(path, text);
      expect(found).toContain('aws-access-key-id');
      expect(found).toContain('github-pat-classic');
      expect(found.filter((r) => r.startsWith('generic-'))).toEqual([]);
      expect(rulesIn('src/settings.py', text).some((r) => r.startsWith('generic-'))).toBe(true);
    });
  }

  it('a line over 1,000 characters: vendor rules still report, generic ones do not', () => {
    const pad = 'a=1;'.repeat(300);
    const found = rulesIn('app.js', `${pad} key="${fakeKey(74)}"; password = "${password(75)}"; ${pad}\n`);
    expect(found).toContain('aws-access-key-id');
    expect(found.filter((r) => r.startsWith('generic-'))).toEqual([]);
  });

  it('rules explain lists every place-based exclusion', () => {
    const generic = runCli(['rules', 'explain', 'generic-password-assignment']);
    expect(generic.code).toBe(0);
    const tail = generic.stdout.slice(generic.stdout.indexOf('not reported in:'));
    for (const where of ['package-lock.json', '.terraform.lock.hcl', '*.min.js', '*.snap', 'dist/**/*.js', 'longer than 1000 characters']) expect(tail).toContain(where);
    const vendor = runCli(['rules', 'explain', 'aws-access-key-id']);
    expect(vendor.stdout).toContain('not reported in:');
    expect(vendor.stdout).toContain('a vendor rule: runs in lock files');
  }, 300_000);
});
