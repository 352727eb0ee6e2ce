/**
 * Applying a plan: the part that must never lose data.
 *
 * 1. Preconditions before any write: a clean git work tree (unless allowDirty), then every name checked
 *    against the vault (DescribeSecret, and GetSecretValue to compare when it exists): absent -> create;
 *    same value -> reuse; different value -> stop unless updateExisting (then PutSecretValue); scheduled
 *    for deletion -> stop and say how to restore it. Any problem stops the run before the first write.
 * 2. Writes with a ClientRequestToken derived from name and value (HMAC with a per-repository key), so a
 *    retried or resumed call cannot make a second version; tags, KMS key, a description naming where the
 *    value came from (never the value).
 * 3. Read back by version id and compare before a secret counts as migrated; only then optional rotation.
 *    (Rewriters, next issue, run after every secret is verified.)
 * Each step is journaled (fsync'd) before the next one; concurrency is bounded; the SDK retries
 * throttling and 5xx with adaptive backoff.
 */
import { createHmac } from 'node:crypto';
import { SweepError } from '../errors.js';
import { runGit } from '../sources/git/run.js';
import { isVaultError, type SecretDescription, type Tags, type Vault } from './vault/vault.js';
import { formatLocation, locationsOf, renderName, secretString, valueKey, type FieldValue, type Plan, type PlannedField, type PlannedSecret, type PlanValues } from './plan.js';
import type { Journal, PriorState } from './journal.js';

export const DEFAULT_CONCURRENCY = 8;
/** Above this many secrets the preflight lists names in pages instead of one DescribeSecret each. */
export const LIST_PREFLIGHT_ABOVE = 100;

export interface Resolution {
  secret: PlannedSecret;
  action: 'create' | 'reuse' | 'update';
  /** The JSON text we will store (for update: the existing keys we do not own are kept). */
  value: string;
  token: string;
  description?: SecretDescription;
  note?: string;
  /** A resumed write: an interrupted run began writing this very value. */
  resumed?: boolean;
}

export interface Problem {
  name: string;
  message: string;
}

export interface SecretOutcome {
  name: string;
  action: 'created' | 'updated' | 'reused';
  arn: string;
  versionId: string;
  resumed?: boolean;
  rotated?: boolean;
  note?: string;
}

/** UUID-shaped token (36 chars) from name and value, keyed per repository. */
export function requestToken(key: Buffer, name: string, value: string): string {
  const h = createHmac('sha256', key).update(name).update('\0').update(value).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The token of a new version of an existing secret: name, value and the version that is current now.
 * A token is the version's id, and AWS ignores a PutSecretValue whose token and value match a version the
 * secret already keeps (AWSPREVIOUS or unlabelled) without moving AWSCURRENT to it: a value stored once,
 * changed in the vault, then put back would be "written" and read back by version id while the code goes
 * on reading the other value. A resumed run sees the same current version (nothing landed) or our value
 * current (reuse), so the token stays stable for a retry.
 */
export function updateToken(key: Buffer, name: string, value: string, currentVersionId: string | undefined): string {
  return requestToken(key, name, `${value}\0current\0${currentVersionId ?? ''}`);
}

/** A per-repository digest of one value (journaled so a resumed run knows where a value went). */
export function valueDigest(key: Buffer, value: string): string {
  return createHmac('sha256', key).update('value\0').update(value).digest('hex').slice(0, 32);
}

/** JSON key -> digest of its value, for each field of a planned secret. */
export function fieldDigests(secret: PlannedSecret, values: PlanValues, key: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of secret.fields) {
    const v = values.get(valueKey(secret.name, f.key));
    if (v) out[f.key] = valueDigest(key, v.value);
  }
  return out;
}

/**
 * A later run (resumed or not) gives each value the secret name and JSON key an earlier run stored it
 * under (`known`: the journal's verified secrets, see PriorState.known).
 * Names and keys come from the plan as a whole (the first location names a secret and its keys; a name
 * taken twice gets the file as suffix: `postgres`, `postgres-load-orders`), so once an interrupted run
 * has rewritten some files, the values left in the others can come out under other names or keys (the
 * second postgres becomes `postgres`, which already holds the first; a copy of the Stripe key becomes
 * `stripe#secret` where `stripe#api_key` holds it): the re-run would refuse, store a value twice, or
 * rewrite code to another reference than the rest of the code uses.
 *
 * A planned secret whose secret values an unfinished run stored and read back, all in one secret N,
 * becomes N with N's keys; its plain settings keep N's key where N holds the same value and are dropped
 * otherwise (N's content was decided by that run). Planned secrets going to the same N are merged.
 * Nothing changes for a name another planned secret keeps, or keys that would clash. Returns a new plan
 * and values (the ones given are left as they are) and the names that changed.
 */
export function adoptPriorNames(plan: Plan, values: PlanValues, known: ReadonlyMap<string, Record<string, string>>, key: Buffer): { plan: Plan; values: PlanValues; renamed: Array<{ from: string; to: string }> } {
  const unchanged = { plan, values, renamed: [] };
  // Only names this run could give (same template, env and app): another env's secret is not ours to reuse.
  const [pre, post] = renderName(plan.nameTemplate, plan.env, plan.app, '\u0000').split('\u0000') as [string, string];
  const prior = { stored: new Map([...known].filter(([n]) => n.length > pre.length + post.length && n.startsWith(pre) && n.endsWith(post))) };
  if (!prior.stored.size) return unchanged;
  const keyIn = (stored: Record<string, string>, digest: string, preferred: string): string | undefined =>
    stored[preferred] === digest ? preferred : Object.keys(stored).find((k) => stored[k] === digest);
  const digestOf = (s: PlannedSecret, f: PlannedField) => {
    const v = values.get(valueKey(s.name, f.key));
    return v ? valueDigest(key, v.value) : undefined;
  };

  // Where each planned secret's values went: one stored secret holding every secret value of it.
  const moves = new Map<PlannedSecret, { to: string; fields: Array<{ f: PlannedField; key: string }> }>();
  for (const s of plan.secrets) {
    const secretFields = s.fields.filter((f) => f.secret);
    if (!secretFields.length) continue;
    const digests = new Map(s.fields.map((f) => [f, digestOf(s, f)]));
    const to = [...prior.stored].find(([, stored]) =>
      secretFields.every((f) => digests.get(f) !== undefined && keyIn(stored, digests.get(f)!, f.key) !== undefined))?.[0];
    if (!to) continue;
    const stored = prior.stored.get(to)!;
    const fields: Array<{ f: PlannedField; key: string }> = [];
    for (const f of s.fields) {
      const k = digests.get(f) === undefined ? undefined : keyIn(stored, digests.get(f)!, f.key);
      if (k !== undefined) fields.push({ f, key: k });
    }
    if (to === s.name && fields.length === s.fields.length && fields.every((x) => x.key === x.f.key)) continue;
    moves.set(s, { to, fields });
  }
  if (!moves.size) return unchanged;

  // One secret per name: merge the planned secrets going to one name; leave a name another planned
  // secret keeps alone.
  const byName = new Map<string, PlannedSecret[]>();
  for (const [s, m] of moves) byName.set(m.to, [...(byName.get(m.to) ?? []), s]);
  const out: Array<{ from: string; to: string }> = [];
  const replaced = new Set<PlannedSecret>();
  const added: PlannedSecret[] = [];
  const newValues: Array<[string, FieldValue]> = [];
  const taken = new Set(byName.keys());
  for (let changed = true; changed;) {
    changed = false;
    for (const to of taken) {
      if (plan.secrets.some((s) => s.name === to && !taken.has(moves.get(s)?.to ?? ''))) changed = taken.delete(to);
    }
  }
  for (const [to, group] of byName) {
    if (!taken.has(to)) continue;
    // Two fields going to one key hold one value (the key was found by its digest): one field, every location.
    const merged = new Map<string, PlannedField>();
    for (const s of group) {
      for (const { f, key: k } of moves.get(s)!.fields) {
        const have = merged.get(k);
        if (!have) merged.set(k, { ...f, key: k, locations: [...f.locations] });
        else if (f.secret && !have.secret) merged.set(k, { ...f, key: k, locations: [...f.locations, ...have.locations] });
        else have.locations.push(...f.locations);
      }
    }
    const first = group[0]!;
    const fields = [...merged.values()];
    for (const f of fields) {
      const src = group.find((s) => moves.get(s)!.fields.some((x) => x.key === f.key))!;
      const orig = moves.get(src)!.fields.find((x) => x.key === f.key)!.f;
      newValues.push([valueKey(to, f.key), values.get(valueKey(src.name, orig.key))!]);
    }
    const resource = to.startsWith(pre) && to.endsWith(post) ? to.slice(pre.length, to.length - post.length) : first.resource;
    added.push({ ...first, name: to, resource, fields });
    for (const s of group) {
      replaced.add(s);
      out.push({ from: s.name, to });
    }
  }
  // Values move after every lookup (a swap of two names must not overwrite one with the other).
  const moved: PlanValues = new Map(values);
  for (const s of replaced) for (const f of s.fields) moved.delete(valueKey(s.name, f.key));
  for (const [k, v] of newValues) moved.set(k, v);
  const secrets = [...plan.secrets.filter((s) => !replaced.has(s)), ...added].sort((a, b) => a.name.localeCompare(b.name));
  return { plan: { ...plan, secrets }, values: moved, renamed: out };
}

/** Same content: equal text, or equal JSON objects (key order and number-vs-string ignored). */
function parseObj(v: string): Record<string, unknown> | undefined {
  try {
    const o: unknown = JSON.parse(v);
    return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

/** True when `existing` already holds every key of `ours` with the same value (extra keys allowed). */
export function holdsOurs(existing: string, ours: string): boolean {
  if (existing === ours) return true;
  const a = parseObj(existing);
  const b = parseObj(ours);
  if (!a || !b) return false;
  return Object.entries(b).every(([k, v]) => k in a && scalar(a[k]) === scalar(v));
}

/** For --update-existing: keep the keys the existing secret has that we do not set. */
function merged(existing: string, ours: string): string {
  const a = parseObj(existing);
  const b = parseObj(ours);
  if (!a || !b) return ours;
  return JSON.stringify({ ...a, ...b });
}

/** Run `fn` over `items` with at most `n` at once; stops starting new ones after the first error. */
export async function pool<T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed: { e: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failed ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failed) throw failed.e;
  return out;
}

/** The longest common `/`-terminated prefix of names, for batched listing. */
function commonPrefix(names: string[]): string {
  if (!names.length) return '';
  let p = names[0]!;
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  return p.slice(0, p.lastIndexOf('/') + 1);
}

export interface ResolveOptions {
  /** The secrets (by name) the user confirmed, one by one, may get a new version holding our value. */
  updateExisting?: readonly string[];
  /** Where the code reads a secret (`file:line`), for the message that asks to confirm an overwrite. */
  readersOf?: (name: string) => string[];
  concurrency?: number;
  tokenKey: Buffer;
  prior?: PriorState;
}

/**
 * Read-only: decide each secret's action against the vault. Never writes. Problems (different value
 * without updateExisting, scheduled for deletion) are returned, not thrown; vault errors are thrown.
 */
export async function resolveActions(plan: Plan, values: PlanValues, vault: Vault, opts: ResolveOptions): Promise<{ resolutions: Resolution[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  let listed: Set<string> | undefined;
  if (plan.secrets.length > LIST_PREFLIGHT_ABOVE) {
    // One ListSecrets page per 100 names instead of a DescribeSecret each; names not listed are absent.
    // Those scheduled for deletion are listed too (ListSecrets hides them by default): found at
    // CreateSecret they would stop the run after other secrets were written.
    const prefix = commonPrefix(plan.secrets.map((s) => s.name));
    listed = new Set((await vault.list(prefix || undefined, { includeDeleted: true })).map((s) => s.name));
  }
  const resolutions = await pool(plan.secrets, opts.concurrency ?? DEFAULT_CONCURRENCY, async (secret): Promise<Resolution> => {
    const ours = secretString(secret, values);
    const token = requestToken(opts.tokenKey, secret.name, ours);
    const resumed = opts.prior?.begun.get(secret.name) === token;
    if (listed && !listed.has(secret.name)) return { secret, action: 'create', value: ours, token, resumed };
    const d = await vault.describe(secret.name);
    if (!d.exists) return { secret, action: 'create', value: ours, token, resumed };
    if (d.deletedDate) {
      problems.push({
        name: secret.name,
        message: `${secret.name} is scheduled for deletion: restore it with \`aws secretsmanager restore-secret --secret-id ${secret.name}\` (or pick other names with --name-template)`,
      });
      return { secret, action: 'create', value: ours, token, description: d };
    }
    let existing: string | undefined;
    try {
      existing = (await vault.get(secret.name)).value;
    } catch (e) {
      if (!(isVaultError(e) && e.code === 'NotFound')) throw e;
    }
    if (existing === undefined) {
      // The secret exists but has no current value: storing ours loses nothing.
      const t = updateToken(opts.tokenKey, secret.name, ours, d.versionId);
      return { secret, action: 'update', value: ours, token: t, description: d, note: 'exists without a value' };
    }
    if (holdsOurs(existing, ours)) {
      return { secret, action: 'reuse', value: existing, token, description: d, resumed, note: resumed ? 'written by the interrupted run' : 'already holds this value' };
    }
    if (d.rotation?.enabled && d.tags?.['managed-by'] === 'secret-sweep') {
      // Migrated by us earlier and rotated since: the new value is the point, not a conflict.
      return { secret, action: 'reuse', value: existing, token, description: d, note: 'rotated since it was migrated' };
    }
    if (!opts.updateExisting?.includes(secret.name)) {
      // Never overwrite on a general yes: name the secret, both values' fingerprints, what reads it today.
      const readers = opts.readersOf?.(secret.name) ?? [];
      const fp = (v: string) => valueDigest(opts.tokenKey, v).slice(0, 12);
      problems.push({
        name: secret.name,
        message: `${secret.name} already exists in the vault with a different value (stored ${fp(existing)}, ours ${fp(ours)}; `
          + `read by ${readers.length ? readers.slice(0, 5).join(', ') + (readers.length > 5 ? ` and ${readers.length - 5} more` : '') : 'no code in this repository'}): `
          + `to replace it, pass --update-existing ${secret.name} (the current value stays as AWSPREVIOUS), or pick other names with --name-template`,
      });
      return { secret, action: 'update', value: ours, token, description: d };
    }
    const value = merged(existing, ours);
    return { secret, action: 'update', value, token: updateToken(opts.tokenKey, secret.name, value, d.versionId), description: d, note: 'different value: new version' };
  });
  problems.sort((a, b) => a.name.localeCompare(b.name));
  return { resolutions, problems };
}

/** One line for a list of problems. */
export function problemLine(problems: Problem[]): string {
  const first = problems[0]!.message;
  return problems.length === 1 ? first : `${first} (and ${problems.length - 1} more secret(s) with problems; the dry run lists them)`;
}

/** Refuse a work tree with uncommitted changes (our own report files and plan excepted). */
export async function checkCleanTree(root: string, ignore: string[] = []): Promise<void> {
  const r = await runGit(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  if (r.code !== 0) {
    throw new SweepError(`${root} is not a git work tree, so there is no clean state to go back to: run inside a repository or pass --allow-dirty`);
  }
  const parts = r.stdout.toString('utf8').split('\0');
  const dirty: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const e = parts[i]!;
    if (e.length < 4) continue;
    const xy = e.slice(0, 2);
    const path = e.slice(3);
    if (xy[0] === 'R' || xy[0] === 'C') i++; // the original path follows
    if (!ignore.includes(path)) dirty.push(path);
  }
  if (dirty.length) {
    throw new SweepError(`the work tree has uncommitted changes (${dirty[0]}${dirty.length > 1 ? ` and ${dirty.length - 1} more` : ''}): commit or stash them first, or pass --allow-dirty`);
  }
}

/** AWS tag values allow letters, digits, spaces and _.:/=+-@ (max 256). */
function tagValue(s: string): string {
  return s.replace(/[^\p{L}\p{N} _.:/=+\-@]/gu, '_').slice(0, 256);
}

export function descriptionFor(secret: PlannedSecret): string {
  const locs = locationsOf(secret).map(formatLocation);
  const shown = locs.slice(0, 5).join(', ');
  const more = locs.length > 5 ? ` and ${locs.length - 5} more` : '';
  return `Migrated by secret-sweep from ${shown}${more}`.slice(0, 2048);
}

export function tagsFor(secret: PlannedSecret, user: Tags = {}): Tags {
  const first = locationsOf(secret)[0];
  return {
    ...user,
    'secret-sweep:source': tagValue(first ? formatLocation(first) : 'unknown'),
    'managed-by': 'secret-sweep',
  };
}

export interface ApplyOptions {
  plan: Plan;
  values: PlanValues;
  vault: Vault;
  journal: Journal;
  tokenKey: Buffer;
  prior?: PriorState;
  /** See ResolveOptions. */
  updateExisting?: readonly string[];
  readersOf?: (name: string) => string[];
  kmsKeyId?: string;
  tags?: Tags;
  rotation?: { lambdaArn: string; days: number };
  concurrency?: number;
  /** Progress lines (no values). */
  log?: (line: string) => void;
}

export interface ApplyResult {
  outcomes: SecretOutcome[];
}

/**
 * Preflight then write, verify and (optionally) rotate each secret. Throws a one-line SweepError /
 * VaultError on the first failure, after journaling it; the journal stays intact for a resume.
 */
export async function applyPlan(opts: ApplyOptions): Promise<ApplyResult> {
  const { plan, values, vault, journal } = opts;
  const log = opts.log ?? (() => {});
  journal.append({
    step: 'run-start', pid: process.pid, detail: `${plan.secrets.length} secret(s)`,
    ...(opts.prior?.interrupted ? { resumes: opts.prior.interrupted.run } : {}),
  });
  try {
    const { resolutions, problems } = await resolveActions(plan, values, vault, {
      updateExisting: opts.updateExisting, readersOf: opts.readersOf, concurrency: opts.concurrency, tokenKey: opts.tokenKey, prior: opts.prior,
    });
    if (problems.length) throw new SweepError(problemLine(problems));
    journal.append({ step: 'preflight-done', detail: summarize(resolutions) });

    const outcomes = await pool(resolutions, opts.concurrency ?? DEFAULT_CONCURRENCY, (r) => applyOne(r, opts, log));
    return { outcomes };
  } catch (e) {
    const msg = e instanceof SweepError ? e.oneLine() : String((e as Error)?.message ?? e).split('\n')[0]!;
    journal.append({ step: 'run-failed', detail: msg.slice(0, 500) });
    throw e;
  }
}

function summarize(rs: Resolution[]): string {
  const n = (a: string) => rs.filter((r) => r.action === a).length;
  return `create ${n('create')}, update ${n('update')}, reuse ${n('reuse')}`;
}

async function applyOne(r: Resolution, opts: ApplyOptions, log: (l: string) => void): Promise<SecretOutcome> {
  const { vault, journal } = opts;
  const name = r.secret.name;
  let outcome: SecretOutcome;
  if (r.action === 'reuse') {
    const d = r.description!;
    outcome = {
      name, action: r.resumed ? 'created' : 'reused', arn: d.arn ?? '', versionId: d.versionId ?? '',
      ...(r.resumed ? { resumed: true } : {}), note: r.note,
    };
    journal.append({ step: 'secret-verified', name, action: 'reuse', arn: outcome.arn, versionId: outcome.versionId, fields: fieldDigests(r.secret, opts.values, opts.tokenKey) });
  } else {
    journal.append({ step: 'secret-begin', name, action: r.action, token: r.token });
    let written: { arn: string; versionId: string };
    let action: SecretOutcome['action'] = r.action === 'create' ? 'created' : 'updated';
    try {
      written = r.action === 'create'
        ? await vault.create({
          name, value: r.value, clientRequestToken: r.token, description: descriptionFor(r.secret),
          tags: tagsFor(r.secret, opts.tags), kmsKeyId: opts.kmsKeyId,
        })
        : await vault.put({ name, value: r.value, clientRequestToken: r.token });
    } catch (e) {
      // Created by someone else between our check and our write (a race): fine only if it holds our value.
      if (!(isVaultError(e) && e.code === 'Exists' && r.action === 'create')) throw e;
      const now = await vault.get(name);
      if (!holdsOurs(now.value, r.value)) {
        throw new SweepError(`${name} was created by someone else while this run was checking, with a different value: run again to see it in the plan`);
      }
      written = { arn: now.arn, versionId: now.versionId };
      action = 'reused';
    }
    journal.append({ step: 'secret-written', name, action: r.action, arn: written.arn, versionId: written.versionId });
    if (r.action === 'update') {
      const want = tagsFor(r.secret, opts.tags);
      const have = r.description?.tags ?? {};
      if (Object.entries(want).some(([k, v]) => have[k] !== v)) await vault.tag(name, want);
    }
    const back = await vault.get(name, written.versionId ? { versionId: written.versionId } : {});
    if (back.value !== r.value && !holdsOurs(back.value, r.value)) {
      throw new SweepError(`read-back of ${name} (version ${written.versionId}) does not match what was written: nothing in the code was changed; check the vault and run again`);
    }
    // The code will read AWSCURRENT: a version that holds our value but is not current is not migrated.
    if (!back.versionStages.includes('AWSCURRENT')) {
      throw new SweepError(`${name}: the version written (${written.versionId}) is not AWSCURRENT (${back.versionStages.length ? `it is ${back.versionStages.join(', ')}` : 'it has no stage'}), so code reading the secret would get another value: nothing in the code was changed; check the secret's versions and run again`);
    }
    outcome = { name, action, arn: written.arn || back.arn, versionId: written.versionId || back.versionId, note: r.note };
    if (r.resumed) outcome.resumed = true;
    journal.append({ step: 'secret-verified', name, action: r.action, arn: outcome.arn, versionId: outcome.versionId, fields: fieldDigests(r.secret, opts.values, opts.tokenKey) });
  }
  if (opts.rotation) {
    const rot = r.description?.rotation;
    const already = r.action === 'reuse' && rot?.enabled && rot.lambdaArn === opts.rotation.lambdaArn && rot.days === opts.rotation.days;
    if (!already) {
      await vault.rotate(name, opts.rotation);
      journal.append({ step: 'secret-rotated', name });
      outcome.rotated = true;
    }
  }
  log(`${outcome.action.padEnd(8)} ${name}${outcome.versionId ? ` (version ${outcome.versionId})` : ''}`);
  return outcome;
}
