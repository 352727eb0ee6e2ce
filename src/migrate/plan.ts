/**
 * The migration plan: findings (and the text of the files they are in) -> the secrets to store. The
 * pieces live in plan/:
 *
 * - types.ts: the Plan (printed and saved: no values) and the PlanValues kept beside it.
 * - naming.ts: secret names (template, slugs, Secrets Manager's rules, collisions).
 * - keys.ts: JSON keys from assignment names.
 * - values.ts: reading values and their context from text (assignments, spans, connection URIs).
 * - occurrences.ts: the places values were found, and what the grouping strategies share.
 * - group-uri.ts, group-aws-keypair.ts, group-config-block.ts, group-single.ts: one grouping strategy each.
 * - rule-facts.ts: the rules' `migrate:` facts (grouping, field, resource, rotation).
 * - build.ts: buildPlan, composing them. derive.ts: new plans made from a built one (never changed in place).
 *
 * Plaintext values never sit in the Plan object itself (it is what gets printed and saved): they are
 * returned next to it in a PlanValues map.
 */
export * from './plan/types.js';
export { DEFAULT_NAME_TEMPLATE, MAX_NAME_LENGTH, renderName, slug, validatePart, validateSecretName, validateTemplate } from './plan/naming.js';
export { splitKey } from './plan/keys.js';
export { parseAssignment, parseUriAround, spanText } from './plan/values.js';
export { buildPlan } from './plan/build.js';
