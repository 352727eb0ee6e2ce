/**
 * What the HTTP verifiers share: the endpoint (fixed, redirectable only for tests), one GET/POST with the
 * run's timeout and no redirects followed, and the mapping of HTTP answers every issuer shares.
 */
import { SweepError } from '../errors.js';
import type { VerificationResult, VerifyContext } from './verifier.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The environment variable that redirects a verifier's endpoint (tests only). */
export function endpointVariable(id: string): string {
  return `SECRET_SWEEP_VERIFY_ENDPOINT_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The base URL a verifier calls: its issuer's documented one, or the test redirect. A redirect must name
 * a loopback address (it exists so tests can run fake issuers on 127.0.0.1), so no environment can send a
 * secret to a third party; the repository's config has no say at all.
 */
export function endpoint(id: string, documented: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = endpointVariable(id);
  const v = env[name];
  if (v === undefined || v === '') return documented;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new SweepError(`${name} is not a URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !LOOPBACK.has(url.hostname))
    throw new SweepError(`${name} must be an http(s) URL on 127.0.0.1, localhost or [::1] (it redirects a verifier to a local fake issuer, for tests)`);
  return v.replace(/\/+$/, '');
}

/** The host a URL names, for the per-host limits. */
export function hostOf(url: string): string {
  return new URL(url).host;
}

export interface HttpAnswer {
  status: number;
  headers: { get(name: string): string | null };
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  /** The body as text (AWS STS answers in XML). */
  text: string;
}

/** Answers larger than this are cut (an identity is a few hundred bytes). */
const MAX_BODY = 1 << 20;

/**
 * One request with the run's timeout; redirects are not followed (a secret goes to one host only); TLS
 * certificates are checked as Node checks them; no keep-alive (the process ends as soon as the scan does).
 */
export async function request(url: string, init: { method?: 'GET' | 'HEAD' | 'POST'; headers: Record<string, string>; body?: string }, ctx: VerifyContext): Promise<HttpAnswer> {
  const u = new URL(url);
  // Loaded here: scan.ts checks the redirects through this module, and a commit hook should not load TLS.
  const send = u.protocol === 'https:' ? (await import('node:https')).request : (await import('node:http')).request;
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs)]);
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  return new Promise((resolve, reject) => {
    const req = send(u, {
      method: init.method ?? 'GET',
      headers: { 'user-agent': 'secret-sweep-verify', ...(body ? { 'content-length': String(body.length) } : {}), ...init.headers },
      agent: false,
      // Certificates are checked even when NODE_TLS_REJECT_UNAUTHORIZED=0 is set for something else.
      rejectUnauthorized: true,
      signal,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c);
        size += c.length;
      });
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const h = res.headers;
        resolve({ status: res.statusCode ?? 0, headers: { get: (n) => { const v = h[n.toLowerCase()]; return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v; } }, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The answers every issuer gives alike: rate limits and server errors are `unknown` (never `invalid`),
 * anything not handled by the verifier is `unknown` with the status as reason.
 */
export function commonAnswer(a: HttpAnswer): VerificationResult {
  if (a.status === 429) return { status: 'unknown', reason: 'rate limited (HTTP 429)' };
  if (a.status >= 500) return { status: 'unknown', reason: `issuer error (HTTP ${a.status})` };
  return { status: 'unknown', reason: `unexpected answer (HTTP ${a.status})` };
}

/** A string field of a JSON object, or undefined. */
export function field(json: unknown, ...path: string[]): string | undefined {
  let v: unknown = json;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** An identity without empty values. */
export function identity(fields: Record<string, string | undefined>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') out[k] = v;
  return Object.keys(out).length ? out : undefined;
}
