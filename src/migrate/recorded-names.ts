/**
 * The names an earlier run gave, recovered from what it committed, so a run from a fresh clone (no
 * journal: `.secret-sweep/` is git-ignored) gives each value the name it already has.
 *
 * Names depend on the whole tree (a second `stripe` is named after its file while the first is there);
 * once the first run rewrote some files, the values left (manual places, new copies) would get other
 * names. The committed report (`secret-sweep-migration.json`) and the references in the code and in
 * `secret-sweep.refs` list the names; the vault says which value each holds. The result has the shape
 * of the journal's `known` (name -> JSON key -> value digest), for adoptPriorNames.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pool, valueDigest } from './apply.js';
import { collectReferences } from './references.js';
import { REPORT_JSON } from './report.js';
import { renderName, type Plan } from './plan.js';
import { isVaultError, type Vault } from './vault/vault.js';

/** Secret names the committed report and the tree's references name, limited to this plan's env and app. */
export function recordedNames(root: string, plan: Pick<Plan, 'nameTemplate' | 'env' | 'app'>): string[] {
  const names = new Set<string>();
  for (const s of committedSecrets(root)) if (typeof s?.name === 'string') names.add(s.name);
  for (const r of collectReferences(root).refs) names.add(r.secretName);
  const [pre, post] = renderName(plan.nameTemplate, plan.env, plan.app, '\u0000').split('\u0000') as [string, string];
  return [...names].filter((n) => n.length > pre.length + post.length && n.startsWith(pre) && n.endsWith(post)).sort();
}

/**
 * Fingerprints of the values the committed report says an earlier run moved into the vault. A re-run
 * from a fresh clone finds them in history only; they are not "not stored" (their places now read the vault).
 */
export function reportedStoredFingerprints(root: string): Set<string> {
  const out = new Set<string>();
  for (const s of committedSecrets(root)) for (const v of Array.isArray(s?.values) ? s.values : []) if (typeof v?.fingerprint === 'string') out.add(v.fingerprint);
  return out;
}

/** The committed report's secrets as an earlier run wrote them; none when there is no report or it does not parse (hand-edited, foreign). */
function committedSecrets(root: string): Array<{ name?: unknown; values?: Array<{ fingerprint?: unknown }> }> {
  const file = join(root, REPORT_JSON);
  if (!existsSync(file)) return [];
  try {
    const secrets = (JSON.parse(readFileSync(file, 'utf8')) as { secrets?: unknown } | null)?.secrets;
    return Array.isArray(secrets) ? secrets : [];
  } catch {
    return [];
  }
}

/** A stored JSON value's member as the text a plan value holds (numbers and booleans as written). */
const asText = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

/**
 * name -> JSON key -> digest (valueDigest with `key`) of what the vault holds under each of `names`.
 * A name the vault does not have (or cannot give: deleted, denied, unreachable) is left out, which is
 * safe: the apply's own check still refuses to overwrite a different value.
 */
export async function storedDigests(vault: Vault, names: readonly string[], key: Buffer, skipped?: (name: string, why: string) => void): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  await pool(names, 4, async (name) => {
    let text: string;
    try {
      text = (await vault.get(name)).value;
    } catch (e) {
      if (!isVaultError(e)) throw e;
      if (e.code !== 'NotFound') skipped?.(name, e.oneLine());
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      return; // not one of ours: migrate stores JSON objects
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return;
    out.set(name, Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, valueDigest(key, asText(v))])));
  });
  return out;
}
