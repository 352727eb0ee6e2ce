/**
 * A migrated value still written somewhere no rule reported it (`private pw = "<the same password>"`
 * where the rule only fires on names like `password`): the plan does not know that place, so nothing
 * rewrites it, and the report's `git filter-repo --replace-text` step then replaces it in the current
 * commit too, leaving the program reading `***REMOVED***` without a word. Each such place, in the text
 * the run leaves (after its own edits), becomes a manual step with the reference to use.
 */
import type { PlanValues, Plan } from '../plan/types.js';
import { valueKey } from '../plan/types.js';
import { lineStarts, lineOf } from './sites.js';

/** Shorter strings are too likely to occur by chance (a 4-digit port, "admin"). */
const MIN_LENGTH = 8;

export interface LeftoverValue {
  file: string;
  line: number;
  column: number;
  secretName: string;
  jsonKey: string;
}

/**
 * Pure: the places in `texts` (file -> text after this run's edits) holding a raw form of a migrated
 * secret value, except the places in `known` (`file:line`: already manual, or the value's own file kept
 * on purpose). At most one per file, line and secret field.
 */
export function leftoverValues(texts: ReadonlyMap<string, string>, plan: Plan, values: PlanValues, known: ReadonlySet<string>): LeftoverValue[] {
  const needles: Array<{ raw: string; secretName: string; jsonKey: string }> = [];
  for (const s of plan.secrets) {
    for (const f of s.fields) {
      if (!f.secret) continue;
      const v = values.get(valueKey(s.name, f.key));
      for (const raw of new Set([v?.value, ...(v?.raw ?? [])])) {
        if (raw && raw.length >= MIN_LENGTH && !raw.includes('\n')) needles.push({ raw, secretName: s.name, jsonKey: f.key });
      }
    }
  }
  if (needles.length === 0) return [];
  const out: LeftoverValue[] = [];
  const seen = new Set<string>();
  for (const [file, text] of texts) {
    let starts: number[] | undefined;
    for (const n of needles) {
      for (let at = text.indexOf(n.raw); at >= 0; at = text.indexOf(n.raw, at + n.raw.length)) {
        starts ??= lineStarts(text);
        const line = lineOf(starts, at);
        const id = `${file}:${line}`;
        if (known.has(id) || seen.has(`${id}\u0000${n.secretName}\u0000${n.jsonKey}`)) continue;
        seen.add(`${id}\u0000${n.secretName}\u0000${n.jsonKey}`);
        out.push({ file, line, column: at - starts[line - 1]! + 1, secretName: n.secretName, jsonKey: n.jsonKey });
      }
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
