/**
 * `scan --verify`: asks each finding's verifier, under a global and a per-host concurrency limit, a
 * per-host pace, a per-call timeout and a per-run cache. No retries (a retry can lock an account); a
 * network error, timeout, rate limit or crash is `unknown`, never `invalid`. Secrets are read from the
 * scanned text at the finding's offsets, kept in memory only for the call, and never appear in a reason.
 */
import { createHash } from 'node:crypto';
import { cloneFinding, commitOf, lineTextOf, secretOf, type Finding } from '../findings/finding.js';
import { fingerprint } from '../findings/fingerprint.js';
import { scrub } from '../findings/redact.js';
import { Pacer, Semaphore } from './limits.js';
import { loadVerifier } from './registry.js';
import type { CompanionSpec, VerificationResult, Verifier, VerifyInput } from './verifier.js';

export interface VerifyLimits {
  /** Calls in flight at once, all hosts. */
  concurrency: number;
  /** Calls in flight at once to one host. */
  perHost: number;
  /** Calls started per second to one host (0: unpaced). */
  perHostPerSecond: number;
  /** One call's limit; past it the finding is `unknown`. */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: VerifyLimits = { concurrency: 8, perHost: 4, perHostPerSecond: 10, timeoutMs: 5000 };
const DEFAULT_WITHIN = 2000;

export interface VerifyRunOptions {
  /** The verifier id a rule declares (`verify:`), or undefined. */
  verifierOf: (rule: string) => string | undefined;
  /** The text a finding came from (its file, blob or stdin), or undefined when it cannot be read again. */
  textOf: (f: Finding) => Promise<string | undefined>;
  limits?: Partial<VerifyLimits>;
  /** Aborts every call (Ctrl-C). */
  signal?: AbortSignal;
  /** The run's fingerprint salt (config `fingerprint_salt`): text read again must give the finding's fingerprint. */
  salt?: string;
  /** Tests inject verifiers; the default loads them from the registry. */
  load?: (id: string) => Promise<Verifier>;
}

type Verification = NonNullable<Finding['verification']>;

interface Job {
  verifier: Verifier;
  input: VerifyInput;
  key: string;
}

/** The findings, each copied with `verification` set (in the same order). */
export async function verifyFindings(findings: Finding[], opts: VerifyRunOptions): Promise<Finding[]> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const load = opts.load ?? loadVerifier;
  const signal = opts.signal ?? new AbortController().signal;
  const verifiers = new Map<string, Promise<Verifier>>();
  const global = new Semaphore(limits.concurrency);
  const hosts = new Map<string, { slots: Semaphore; pace: Pacer }>();
  const cache = new Map<string, Promise<VerificationResult>>();

  // First the inputs, finding by finding (text read once per file, then dropped), then the calls.
  const prepared: (Job | Verification)[] = [];
  let lastText: { f: Finding; text: string | undefined } | undefined;
  for (const f of findings) {
    const id = opts.verifierOf(f.rule);
    if (!id) {
      prepared.push({ status: 'unknown', reason: 'no verifier for this rule' });
      continue;
    }
    let verifier: Verifier;
    try {
      if (!verifiers.has(id)) verifiers.set(id, load(id));
      verifier = await verifiers.get(id)!;
    } catch {
      prepared.push({ status: 'unknown', verifier: id, reason: 'verifier not available' });
      continue;
    }
    const text = lastText && sameText(lastText.f, f) ? lastText.text : await opts.textOf(f).catch(() => undefined);
    lastText = { f, text };
    const secret = secretAt(f, text, opts.salt);
    if (secret === undefined) {
      prepared.push({ status: 'unknown', verifier: id, reason: 'secret could not be read again' });
      continue;
    }
    const companions: Record<string, string> = {};
    const near = nearText(f, text);
    const missing = (verifier.companions ?? []).find((c) => {
      const v = near === undefined ? undefined : companionNear(c, near.text, near.at);
      if (v !== undefined) companions[c.name] = v;
      return v === undefined && c.required !== false;
    });
    if (missing) {
      prepared.push({ status: 'unknown', verifier: id, reason: `no ${missing.name} near the secret` });
      continue;
    }
    const input: VerifyInput = { secret, rule: f.rule, ...(Object.keys(companions).length ? { companions } : {}) };
    const key = createHash('sha256').update(JSON.stringify([id, secret, companions])).digest('hex');
    prepared.push({ verifier, input, key });
  }

  const call = async (job: Job): Promise<VerificationResult> => {
    let hostList: string[];
    try {
      hostList = [...new Set(job.verifier.hosts(job.input))].sort();
    } catch {
      return { status: 'unknown', reason: 'no host to ask' };
    }
    const releases: (() => void)[] = [await global.acquire()];
    try {
      for (const h of hostList) {
        let lim = hosts.get(h);
        if (!lim) hosts.set(h, (lim = { slots: new Semaphore(limits.perHost), pace: new Pacer(limits.perHostPerSecond) }));
        releases.push(await lim.slots.acquire());
      }
      for (const h of hostList) await hosts.get(h)!.pace.wait();
      if (signal.aborted) return { status: 'unknown', reason: 'interrupted' };
      return await withTimeout(job, limits.timeoutMs, signal);
    } finally {
      for (const r of releases.reverse()) r();
    }
  };

  const results = await Promise.all(
    prepared.map(async (p): Promise<Verification> => {
      if (!('key' in p)) return p;
      let pending = cache.get(p.key);
      if (!pending) cache.set(p.key, (pending = call(p)));
      const r = await pending;
      const secrets = [p.input.secret, ...Object.values(p.input.companions ?? {})];
      return clean({ ...r, verifier: p.verifier.id }, secrets);
    }),
  );
  return findings.map((f, i) => withVerification(f, results[i]!));
}

/** A copy with `verification` set, keeping the hidden secret when the finding has one. */
function withVerification(f: Finding, verification: Verification): Finding {
  try {
    secretOf(f);
  } catch {
    return { ...f, verification };
  }
  return cloneFinding(f, { verification });
}

/**
 * Where to look for companions: the finding's text, or when it cannot be read again (stdin), the line the
 * detector kept, with the secret's offsets moved onto it.
 */
function nearText(f: Finding, text: string | undefined): { text: string; at: { start: number; end: number } } | undefined {
  if (text !== undefined) return { text, at: f };
  const line = lineTextOf(f);
  if (line === undefined || f.endLine !== f.line) return undefined;
  const start = f.column - 1;
  return { text: line, at: { start, end: start + (f.end - f.start) } };
}

/** Findings of the same text: one read serves both (findings come sorted by file). */
function sameText(a: Finding, b: Finding): boolean {
  return a.file === b.file && commitOf(a) === commitOf(b);
}

/**
 * The raw secret: the scanned text at the finding's offsets (those of the whole input) when it gives the
 * finding's fingerprint, so a file edited since the scan is never sent; else the value the detector
 * attached, when there is one.
 */
export function secretAt(f: Finding, text: string | undefined, salt?: string): string | undefined {
  if (text !== undefined && f.end > f.start && f.end <= text.length) {
    const s = text.slice(f.start, f.end);
    if (fingerprint(f.rule, s, salt) === f.fingerprint) return s;
  }
  try {
    return secretOf(f);
  } catch {
    return undefined;
  }
}

/** The companion value closest to the secret, within `within` characters either side; never the secret itself. */
export function companionNear(c: CompanionSpec, text: string, f: Pick<Finding, 'start' | 'end'>): string | undefined {
  const within = c.within ?? DEFAULT_WITHIN;
  const from = Math.max(0, f.start - within);
  const to = Math.min(text.length, f.end + within);
  const re = new RegExp(c.pattern.source, c.pattern.flags.includes('g') ? c.pattern.flags : c.pattern.flags + 'g');
  const slice = text.slice(from, to);
  let best: { value: string; distance: number } | undefined;
  for (const m of slice.matchAll(re)) {
    if (m[0] === '') continue;
    const s = from + m.index!;
    const e = s + m[0].length;
    if (s < f.end && e > f.start) continue; // the secret's own span
    const distance = e <= f.start ? f.start - e : s - f.end;
    const value = m.groups?.value ?? m[1] ?? m[0];
    if (!best || distance < best.distance) best = { value, distance };
  }
  return best?.value;
}

async function withTimeout(job: Job, timeoutMs: number, run: AbortSignal): Promise<VerificationResult> {
  const ac = new AbortController();
  let timedOut = false;
  const onAbort = () => ac.abort();
  run.addEventListener('abort', onAbort);
  let timer: NodeJS.Timeout | undefined;
  // The verifier gets the signal; the race covers one that ignores it.
  const deadline = new Promise<VerificationResult>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
      resolve({ status: 'unknown', reason: `timeout after ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    const answer = job.verifier.verify(job.input, { timeoutMs, signal: ac.signal }).catch((e): VerificationResult => {
      if (timedOut) return { status: 'unknown', reason: `timeout after ${timeoutMs} ms` };
      return { status: 'unknown', reason: errorReason(e) };
    });
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
    run.removeEventListener('abort', onAbort);
  }
}

/** A network failure named by its code only (messages can quote a URL or a server's words). */
export function errorReason(e: unknown): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return 'interrupted';
  const code = err?.cause?.code ?? err?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (typeof code === 'string' && /^[A-Z0-9_]{3,40}$/.test(code)) return `network error (${code})`;
  return 'network error';
}

/** No secret (or companion) in a reason or identity, and no control characters in either. */
function clean(v: Verification, secrets: string[]): Verification {
  const tidy = (s: string) => scrub(s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 200), secrets);
  const out: Verification = { status: v.status, verifier: v.verifier };
  if (v.identity) out.identity = Object.fromEntries(Object.entries(v.identity).map(([k, x]) => [tidy(k), tidy(String(x))]));
  if (v.reason) out.reason = tidy(v.reason);
  return out;
}
