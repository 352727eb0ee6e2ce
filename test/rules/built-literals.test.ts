// The required literals worked out at build time (rules/built-literals.ts) are used only for the very
// regex they were worked out from; a regex not in the file, or a missing or damaged file, is parsed as before.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { offerPrebuiltLiterals, parseRequiredLiterals, requiredLiterals } from '../../src/detect/required-literals.js';
import { builtLiteralsFile, literalsFileBytes, offerBuiltLiterals, readLiteralsEntries, writeBuiltLiterals } from '../../src/rules/built-literals.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import type { RuleSpec } from '../../src/rules/rule.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-literals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Nothing offered between cases (and for the other test files of this worker).
afterEach(() => offerPrebuiltLiterals(() => undefined));

const rule = (regex: string, path?: string) => ({ regex, ...(path ? { path } : {}) }) as RuleSpec;

describe('the built required literals', () => {
  it('holds the parse of every built-in regex and path regex', () => {
    const rules = loadBuiltinRules();
    const file = builtLiteralsFile(dir);
    writeBuiltLiterals(rules, file);
    const entries = new Map(readLiteralsEntries(readFileSync(file)));
    for (const r of rules) {
      expect(entries.get(r.regex), r.id).toEqual(parseRequiredLiterals(r.regex) ?? null);
      if (r.path) expect(entries.get(r.path), r.id).toEqual(parseRequiredLiterals(r.path) ?? null);
    }
  });

  it('is read for the regexes it holds (a doctored answer is returned: the file was used), others are parsed', () => {
    const file = builtLiteralsFile(dir);
    writeBuiltLiterals([rule('alpha_[a-z]{8}')], file);
    expect(readLiteralsEntries(readFileSync(file))).toEqual([['alpha_[a-z]{8}', { sets: [['alpha_']], caseless: false }]]);
    writeFileSync(file, literalsFileBytes([['alpha_[a-z]{8}', { sets: [['doctored']], caseless: false }]]));
    offerBuiltLiterals(file);
    expect(requiredLiterals('alpha_[a-z]{8}')).toEqual({ sets: [['doctored']], caseless: false });
    expect(requiredLiterals('beta_[a-z]{8}')).toEqual(parseRequiredLiterals('beta_[a-z]{8}'));
    expect(parseRequiredLiterals('beta_[a-z]{8}')).toEqual({ sets: [['beta_']], caseless: false });
  });

  it('missing, damaged, of another version or with malformed entries: parsed as before', () => {
    const regex = 'gamma_[a-z]{8}';
    const cases: Array<[string, (file: string) => void]> = [
      ['missing', (f) => rmSync(f, { force: true })],
      ['not an index', (f) => writeFileSync(f, '{"version": 1, "entries": [')],
      ['cut short', (f) => writeFileSync(f, readFileSync(f).subarray(0, 20))],
      ['another version', (f) => writeFileSync(f, literalsFileBytes([[regex, { sets: [['x']], caseless: false }]], 999))],
      ['malformed entry', (f) => writeFileSync(f, literalsFileBytes([[regex, { sets: [[]], caseless: false }]]))],
      ['an entry not masked JSON', (f) => {
        const b = readFileSync(f);
        b[b.length - 1] = 0x7b; // its last byte, `]`, becomes an unmasked `{`
        writeFileSync(f, b);
      }],
      ['an entry for another regex under the same index row', (f) => {
        const b = literalsFileBytes([['delta_[a-z]{8}', { sets: [['x']], caseless: false }]]);
        b.set(readFileSync(f).subarray(12, 16), 12); // gamma's hash: the lookup finds delta's entry and must not use it
        writeFileSync(f, b);
      }],
    ];
    for (const [name, damage] of cases) {
      const file = join(dir, `${name.replace(/ /g, '-')}.bin`);
      writeBuiltLiterals([rule(regex)], file);
      damage(file);
      offerBuiltLiterals(file);
      expect(requiredLiterals(regex), name).toEqual({ sets: [['gamma_']], caseless: false });
    }
  });
});
