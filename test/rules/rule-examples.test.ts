/**
 * Every rule file in rules/ is loaded and every rule's examples are run: adding a rule adds its tests.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRulesDir, loadRulesDir, loadRulesFile } from '../../src/rules/load.js';
import { checkRuleExamples } from '../../src/rules/examples.js';

const dir = builtinRulesDir();
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('built-in rules', () => {
  it('load together with unique ids', () => {
    const rules = loadRulesDir(dir);
    expect(rules.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    describe(file, () => {
      const rules = loadRulesFile(join(dir, file));
      for (const rule of rules) {
        it(`${rule.id}: examples found, negatives not`, () => {
          expect(rule.examples.length, 'at least two examples').toBeGreaterThanOrEqual(2);
          expect(rule.negative_examples.length, 'at least two negative examples').toBeGreaterThanOrEqual(2);
          expect(rule.references.length, 'a documentation reference').toBeGreaterThanOrEqual(1);
          expect(checkRuleExamples(rule).map((f) => f.message)).toEqual([]);
        });
      }
    });
  }
});
