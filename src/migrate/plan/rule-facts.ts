/** Per-rule migration facts (rules/*.yaml `migrate:`), looked up by rule id. */
import { loadBuiltinRules } from '../../rules/load.js';
import type { RuleMigration, RuleSpec } from '../../rules/rule.js';

/**
 * The facts of the rules in use; a rule without a `migrate:` block (a user rule replacing a built-in one
 * of the same id) keeps the built-in rule's. No rules given: the built-in rules.
 */
export function migrationFacts(rules?: readonly RuleSpec[]): (rule: string) => RuleMigration | undefined {
  const facts = new Map<string, RuleMigration>();
  for (const r of loadBuiltinRules()) if (r.migrate) facts.set(r.id, r.migrate);
  for (const r of rules ?? []) if (r.migrate) facts.set(r.id, r.migrate);
  return (rule) => facts.get(rule);
}

/** True for a rule whose secret sits in a URI (so it may be percent-encoded there). */
export function isUriGrouping(m: RuleMigration | undefined): boolean {
  return m?.grouping === 'database-uri' || m?.grouping === 'uri';
}
