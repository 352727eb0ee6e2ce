import { describe, expect, it } from 'vitest';
import RE2 from 're2';
import { literalsTest, requiredLiterals } from '../../src/detect/required-literals.js';
import { loadBuiltinRules } from '../../src/rules/load.js';

const sets = (re: string) => requiredLiterals(re)?.sets.map((s) => [...s].sort());

describe('requiredLiterals', () => {
  it('finds the literal runs every match holds', () => {
    expect(sets('foo[0-9]+bar')).toEqual([['foo'], ['bar']]);
    expect(sets('(?i)(?:ghp|gho)_[A-Za-z0-9]{36}')).toEqual([['gho_', 'ghp_']]);
    expect(requiredLiterals('(?i)TOKEN=x')?.caseless).toBe(true);
  });

  it('does not join literals across a part that can match other text', () => {
    // `a[0-9]*b` matches "a12b": "ab" is not required, "a" and "b" are.
    expect(sets('a[0-9]*bc')).toEqual([['bc'], ['a']]);
    expect(sets('(?:x[a-z]+)yz')).toEqual([['yz'], ['x']]);
    expect(sets('key(?:_id)?=')).toEqual([['key=', 'key_id=']]);
  });

  it('gives nothing for an alternative without literals, or syntax it does not know', () => {
    expect(requiredLiterals('abc|[0-9]+')).toBeUndefined();
    expect(requiredLiterals('\\pL{3}abc')).toBeUndefined();
    expect(requiredLiterals('[a-z]+')).toBeUndefined();
  });

  it('tests case-insensitively with Unicode folding, as RE2 (?i) matches', () => {
    const t = literalsTest(requiredLiterals('(?i)key=[a-z]+')!);
    expect(t('KEY=abc')).toBe(true);
    expect(t('\u212Aey=abc')).toBe(true); // Kelvin sign: RE2 (?i) matches it for "k"
    expect(new RE2('(?i)key=[a-z]+').test('\u212Aey=abc')).toBe(true);
    expect(t('ke y=abc')).toBe(false);
    const s = literalsTest(requiredLiterals('(?i)(?:secret|pass)=[a-z]+')!);
    expect(s('\u017Fecret=abc')).toBe(true); // long s: Unicode folding makes it "s"
    expect(new RE2('(?i)(?:secret|pass)=[a-z]+').test('pa\u017F\u017F=abc')).toBe(true);
    expect(s('pa\u017F\u017F=abc')).toBe(true);
    expect(s('pa\u017F=abc')).toBe(false);
  });

  it('never rejects a text that a built-in rule matches (every example and negative example)', () => {
    let checked = 0;
    for (const r of loadBuiltinRules()) {
      const req = requiredLiterals(r.regex);
      if (!req) continue;
      const test = literalsTest(req);
      const re = new RE2(r.regex, 'm');
      for (const e of [...r.examples, ...r.negative_examples]) {
        if (!re.test(e.text)) continue;
        checked++;
        expect(test(e.text), `${r.id}: ${JSON.stringify(req.sets)}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
