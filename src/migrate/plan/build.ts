/**
 * buildPlan: findings (and the text of the files they are in) -> the secrets to store. Pure: no file, git,
 * network or clock access; the caller passes the file texts and the rules in.
 *
 * Occurrences are grouped by each strategy in turn (whole credential files, connection URIs, AWS key pairs, config blocks, single
 * values), each taking what the ones before it left; then each value gets one home (richer groups first),
 * then names. The plan returned is final: later steps (earlier runs' names, vault actions, code edits)
 * make new plans from it (see derive.ts).
 */
import { redact } from '../../findings/redact.js';
import { fieldRank } from './keys.js';
import { ARN_SUFFIX, DEFAULT_NAME_TEMPLATE, nameAllocator, validatePart, validateTemplate } from './naming.js';
import { groupingContext, locCmp, occurrencesOf, type Cand, type CandField } from './occurrences.js';
import { uriGroups } from './group-uri.js';
import { awsKeypairGroups } from './group-aws-keypair.js';
import { configBlockGroups } from './group-config-block.js';
import { singleGroups } from './group-single.js';
import { wholeFileGroups } from './group-whole-file.js';
import { migrationFacts } from './rule-facts.js';
import {
  MAX_SECRET_BYTES, valueKey,
  type GroupKind, type Plan, type PlanInput, type PlannedField, type PlannedSecret, type PlanValues, type Span, type ValueLocation,
} from './types.js';

/** The grouping strategies, in the order they take occurrences. */
const STRATEGIES = [wholeFileGroups, uriGroups, awsKeypairGroups, configBlockGroups, singleGroups];

const KIND_RANK: Record<GroupKind, number> = { 'whole-file': -1, database: 0, 'aws-keypair': 1, url: 2, 'config-block': 3, single: 4 };

function spanOf(loc: ValueLocation): Span {
  const s: Span = { file: loc.file, line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn };
  if (loc.commit) s.commit = loc.commit;
  return s;
}


/** Build the plan. Throws SweepError on an invalid template, app or env. */
export function buildPlan(input: PlanInput): { plan: Plan; values: PlanValues } {
  const template = input.nameTemplate ?? DEFAULT_NAME_TEMPLATE;
  validateTemplate(template);
  validatePart('--app', input.app);
  validatePart('--env', input.env);
  const migration = migrationFacts(input.rules);
  const warnings: string[] = [];

  // 1. Occurrences: one per finding (plus one per extra history provenance).
  const { occs, skipped } = occurrencesOf(input.findings, migration, input.files, input.configparserFiles);

  // 2. Candidate groups, strategy by strategy.
  const ctx = groupingContext(input, occs, migration);
  const digest = ctx.digest;
  const cands: Cand[] = STRATEGIES.flatMap((group) => group(ctx));

  // 3. One home per value: richer groups first; a value already homed only adds its locations there.
  cands.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]
    || b.fields.filter((f) => f.secret).length - a.fields.filter((f) => f.secret).length
    || b.fields.length - a.fields.length
    || locCmp(a.first, b.first));
  const home = new Map<string, CandField>();
  const kept: Cand[] = [];
  for (const c of cands) {
    const remaining: CandField[] = [];
    for (const f of c.fields) {
      if (!f.secret) {
        remaining.push(f);
        continue;
      }
      const h = home.get(f.value);
      if (h) h.occs.push(...f.occs);
      else remaining.push(f);
    }
    if (!remaining.some((f) => f.secret)) continue;
    for (const f of remaining) if (f.secret) home.set(f.value, f);
    kept.push({ ...c, fields: remaining });
  }

  // 4. Names, collisions resolved by first location.
  kept.sort((a, b) => locCmp(a.first, b.first) || a.resource.localeCompare(b.resource));
  const secrets: PlannedSecret[] = [];
  const values: PlanValues = new Map();
  const nameFor = nameAllocator(template, input.env, input.app);
  for (const c of kept) {
    const secretKeys = c.fields.filter((f) => f.secret).map((f) => f.key);
    const { name, resource } = nameFor(c.resource, c.first.file, secretKeys.length === 1 ? secretKeys[0] : undefined);
    const fields = [...c.fields].sort((a, b) => fieldRank(a.key) - fieldRank(b.key));
    const planned: PlannedField[] = [];
    let bytes = 2;
    for (const f of fields) {
      bytes += Buffer.byteLength(JSON.stringify(f.key)) + Buffer.byteLength(JSON.stringify(f.value)) + 2;
      if (f.secret) {
        const sorted = [...new Set(f.occs)].sort((a, b) => locCmp(a.loc, b.loc));
        const src = sorted[0]!;
        const locations = dedupeLocations(sorted.map((x) => x.loc));
        planned.push({
          key: f.key, secret: true, type: f.type, rule: src.f.rule, fingerprint: src.loc.fingerprint,
          redacted: redact(f.value),
          source: { kind: 'span', ...spanOf(src.loc), ...(src.decode ? { decode: src.decode } : {}) },
          locations,
        });
        values.set(valueKey(name, f.key), { value: f.value, raw: [...new Set(sorted.map((x) => x.raw))] });
      } else {
        planned.push({
          key: f.key, secret: false, type: f.type,
          fingerprint: f.contextLoc?.fingerprint ?? digest(f.value),
          redacted: f.source?.kind === 'literal' ? f.value : redact(f.value),
          source: f.source!,
          locations: f.contextLoc ? [f.contextLoc] : [],
        });
        values.set(valueKey(name, f.key), { value: f.value, raw: [] });
      }
    }
    const secret: PlannedSecret = { name, resource, kind: c.kind, fields: planned, action: 'create' };
    if (bytes > MAX_SECRET_BYTES) {
      for (const f of planned) if (f.secret) for (const l of f.locations) skipped.push({ location: l, reason: `${name} would be larger than 64 KiB` });
      continue;
    }
    if (ARN_SUFFIX.test(name)) {
      warnings.push(`${name} ends with a hyphen and six characters, which AWS says can be confused with the random ARN suffix; consider --name-template`);
    }
    secrets.push(secret);
  }
  secrets.sort((a, b) => a.name.localeCompare(b.name));
  const historyOnly = secrets.filter((s) => s.fields.some((f) => f.secret && f.locations.every((l) => l.historyOnly))).length;
  if (historyOnly) warnings.push(`${historyOnly} secret(s) were found only in git history: they are stored and must be rotated, but no code refers to them any more`);
  return {
    plan: { version: 1, app: input.app, env: input.env, nameTemplate: template, secrets, skipped, edits: [], warnings },
    values,
  };
}

function dedupeLocations(locs: ValueLocation[]): ValueLocation[] {
  const seen = new Set<string>();
  return locs.filter((l) => {
    const k = `${l.commit ?? ''}:${l.file}:${l.line}:${l.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
