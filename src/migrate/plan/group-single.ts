/** Grouping, the rest: one value, one secret; its key from the assignment name, else from the rule. */
import type { Cand, GroupingContext } from './occurrences.js';
import { DB_WORDS, normField, splitKey } from './keys.js';
import { ruleResource, slug } from './naming.js';
import { headerAbove, linesOf } from './values.js';
import { CALL_ENGINES } from './group-config-block.js';

/** The engine of the one database driver a Python source imports, else undefined. */
function driverOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const imported = new Set(CALL_ENGINES.filter(([re]) => new RegExp(`^\\s*(?:import|from)\\s+[^\\n]*${re.source}`, 'm').test(text)).map(([, e]) => e));
  return imported.size === 1 ? [...imported][0] : undefined;
}

export function singleGroups(ctx: GroupingContext): Cand[] {
  const { occs, used, textOf, secretField, resourceFrom } = ctx;
  const out: Cand[] = [];
  for (const o of occs) {
    if (used.has(o)) continue;
    let resource = '';
    let key: string;
    if (o.loc.key) {
      const { prefix, field } = splitKey(o.loc.key);
      key = normField(field, DB_WORDS.test(prefix.join('_')));
      resource = resourceFrom(prefix);
      if (!resource) {
        const text = textOf(o);
        if (text !== undefined) resource = slug(headerAbove(linesOf(text), o.loc.line) ?? '');
      }
    } else {
      key = ctx.migration(o.f.rule)?.field ?? 'token';
    }
    // A bare `password = "…"` / `pw = "…"` in a Python script that imports one database driver: that database
    // (`postgres`), not the script's name.
    if (!resource && key === 'password' && /\.pyw?$/.test(o.loc.file)) resource = driverOf(textOf(o)) ?? '';
    if (!resource) resource = ruleResource(o.f.rule, ctx.migration(o.f.rule), o.loc.file);
    used.add(o);
    out.push({ kind: 'single', resource: resource || 'secret', fields: [secretField(key, o)], first: o.loc });
  }
  return out;
}
