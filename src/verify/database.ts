/**
 * What the database verifiers share: the URI (db-uri.ts), the companions that rebuild it, the checks
 * before any connection, and the TLS attempts the URI allows. Each verifier supplies one `attempt`: connect
 * and authenticate once with the given TLS mode, and say what the server answered.
 */
import type { VerificationResult, Verifier, VerifyContext } from './verifier.js';
import { parseDbUri, uriCompanions, type DbTarget } from './db-uri.js';

/** 'verify': TLS with the certificate checked; 'unverified': TLS without; 'plain': no TLS. */
export type TlsMode = 'verify' | 'unverified' | 'plain';

/** An attempt's result; `noTls` when the server offers no TLS, which alone lets a plain attempt follow. */
export type Attempt = VerificationResult & { noTls?: boolean };

/**
 * The TLS modes to try, in order. Unsaid in the URI: TLS first, then plain only if the server has no TLS
 * (libpq's "prefer"); no password is sent on an attempt the server answered "no TLS".
 */
export function tlsAttempts(t: DbTarget): TlsMode[] {
  switch (t.tls) {
    case 'disable': return ['plain'];
    case 'require': return ['unverified'];
    case 'verify': return ['verify'];
    default: return ['unverified', 'plain'];
  }
}

export interface DatabaseSpec {
  id: string;
  /** For messages: "PostgreSQL". */
  name: string;
  /** Accepted URI schemes (driver suffixes such as +psycopg2 are dropped before the check). */
  schemes: string[];
  defaultPort: number;
  /** Regex source of the schemes as written before `://`, for the uriPrefix companion. */
  schemePattern: string;
  /** The TLS modes to try; default tlsAttempts. */
  modes?: (t: DbTarget) => TlsMode[];
  attempt(t: DbTarget, mode: TlsMode, ctx: VerifyContext): Promise<Attempt>;
}

export function databaseVerifier(spec: DatabaseSpec): Verifier {
  const parse = (input: Parameters<Verifier['hosts']>[0]) => parseDbUri(input, spec.schemes, spec.defaultPort);
  return {
    id: spec.id,
    companions: uriCompanions(spec.schemePattern),
    hosts(input) {
      const t = parse(input);
      return t ? [t.host] : [];
    },
    async verify(input, ctx) {
      const t = parse(input);
      if (!t) return { status: 'unknown', reason: `not a ${spec.name} URI with a host` };
      if (!t.password) return { status: 'unknown', reason: 'no password in the URI' };
      let result: Attempt = { status: 'unknown' };
      for (const mode of (spec.modes ?? tlsAttempts)(t)) {
        result = await spec.attempt(t, mode, ctx);
        if (!result.noTls) break;
      }
      const { noTls: _, ...out } = result;
      return out;
    },
  };
}

/** An optional driver (an optional dependency, loaded on first use), or undefined when it is not installed. */
export async function loadDriver<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    const mod = (await load()) as T & { default?: T };
    return mod.default ?? mod;
  } catch {
    return undefined;
  }
}

/**
 * One connection attempt: `connect` decides the result, `fail` maps what it threw; `close` runs on abort
 * and afterwards whatever happened, so no socket outlives the call.
 */
export async function connectOnce(ctx: VerifyContext, close: () => unknown, connect: () => Promise<Attempt>, fail: (err: unknown) => Attempt): Promise<Attempt> {
  const closeQuietly = async () => { try { await close(); } catch { /* already closed */ } };
  const abort = () => { void closeQuietly(); };
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    return await connect();
  } catch (err) {
    return ctx.signal.aborted ? { status: 'unknown', reason: 'aborted' } : fail(err);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    await closeQuietly();
  }
}
