/**
 * New plans made from a built one: a plan is never changed in place once built, so what was printed,
 * saved or applied is always the plan some step returned.
 */
import type { PlannedEdit } from '../rewrite/rewriter.js';
import type { Action, Plan } from './types.js';

/** The plan with the actions (and why) the vault check decided, by secret name; other secrets as they were. */
export function withActions(plan: Plan, actions: ReadonlyMap<string, { action: Action; note?: string }>): Plan {
  return {
    ...plan,
    secrets: plan.secrets.map((s) => {
      const a = actions.get(s.name);
      return a ? { ...s, action: a.action, note: a.note } : s;
    }),
  };
}

/** The plan with the code edits the rewriters made (or would make). */
export function withEdits(plan: Plan, edits: PlannedEdit[]): Plan {
  return { ...plan, edits };
}
