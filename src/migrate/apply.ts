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
import { formatLocation, locationsOf, secretString, type Plan, type PlannedSecret, type PlanValues } from './plan.js';
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
  updateExisting?: boolean;
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
    // One ListSecrets page per 100 names instead of a DescribeSecret each; names not listed are absent
    // (or scheduled for deletion, which ListSecrets hides: CreateSecret then refuses without writing).
    const prefix = commonPrefix(plan.secrets.map((s) => s.name));
    listed = new Set((await vault.list(prefix || undefined)).map((s) => s.name));
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
      const t = requestToken(opts.tokenKey, secret.name, ours);
      return { secret, action: 'update', value: ours, token: t, description: d, note: 'exists without a value' };
    }
    if (holdsOurs(existing, ours)) {
      return { secret, action: 'reuse', value: existing, token, description: d, resumed, note: resumed ? 'written by the interrupted run' : 'already holds this value' };
    }
    if (d.rotation?.enabled && d.tags?.['managed-by'] === 'secret-sweep') {
      // Migrated by us earlier and rotated since: the new value is the point, not a conflict.
      return { secret, action: 'reuse', value: existing, token, description: d, note: 'rotated since it was migrated' };
    }
    if (!opts.updateExisting) {
      problems.push({
        name: secret.name,
        message: `${secret.name} already exists in the vault with a different value: pass --update-existing to store ours as its new version (the current one stays as AWSPREVIOUS), or pick other names with --name-template`,
      });
      return { secret, action: 'update', value: ours, token, description: d };
    }
    const value = merged(existing, ours);
    return { secret, action: 'update', value, token: requestToken(opts.tokenKey, secret.name, value), description: d, note: 'different value: new version' };
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
  updateExisting?: boolean;
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
      updateExisting: opts.updateExisting, concurrency: opts.concurrency, tokenKey: opts.tokenKey, prior: opts.prior,
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
    journal.append({ step: 'secret-verified', name, action: 'reuse', arn: outcome.arn, versionId: outcome.versionId });
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
    outcome = { name, action, arn: written.arn || back.arn, versionId: written.versionId || back.versionId, note: r.note };
    if (r.resumed) outcome.resumed = true;
    journal.append({ step: 'secret-verified', name, action: r.action, arn: outcome.arn, versionId: outcome.versionId });
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
