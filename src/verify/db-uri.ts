/**
 * Database connection URIs as the database verifiers read them: only the host, port, user, password,
 * database and whether TLS is asked for. Nothing else in the URI (certificate paths, socket dirs, driver
 * options) reaches a driver, so a URI found in a repository cannot make the verifier read local files or
 * connect anywhere but the host it names.
 */
import type { VerificationResult } from './verifier.js';

export interface DbTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The URI's TLS wish: 'require' (rediss:, sslmode=require, tls=true...), 'disable', or 'prefer' when unsaid. */
  tls: 'require' | 'verify' | 'disable' | 'prefer';
  /** The URI's query parameters, lower-case names (a verifier picks the few it understands). */
  params: Map<string, string>;
}

export function parseDbUri(uri: string, schemes: string[], defaultPort: number): DbTarget | undefined {
  let url: URL;
  try { url = new URL(uri.trim()); } catch { return undefined; }
  const scheme = url.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme) || !url.hostname || url.hostname.includes(',')) return undefined;
  const params = new Map<string, string>();
  for (const [k, v] of url.searchParams) params.set(k.toLowerCase(), v);
  const dec = (s: string) => { try { return decodeURIComponent(s); } catch { return s; } };
  const sslmode = (params.get('sslmode') ?? params.get('ssl-mode') ?? '').toLowerCase();
  const flag = (params.get('tls') ?? params.get('ssl') ?? '').toLowerCase();
  let tls: DbTarget['tls'] = 'prefer';
  if (sslmode === 'disable' || sslmode === 'disabled' || flag === 'false') tls = 'disable';
  else if (sslmode === 'verify-ca' || sslmode === 'verify-full' || sslmode === 'verify_identity' || sslmode === 'verify_ca') tls = 'verify';
  else if (sslmode === 'require' || sslmode === 'required' || flag === 'true') tls = 'require';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : defaultPort,
    user: dec(url.username),
    password: dec(url.password),
    database: dec(url.pathname.replace(/^\//, '')),
    tls,
    params,
  };
}

/** Node socket/TLS/DNS errors as a secret-free `unknown`: the server never got to say yes or no. */
export function connectFailure(err: unknown, timeoutMs: number): VerificationResult {
  const e = err as { code?: string; message?: string; cause?: { code?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused', ENOTFOUND: 'host not found', EAI_AGAIN: 'host not found',
    ECONNRESET: 'connection reset', ETIMEDOUT: `timeout after ${timeoutMs} ms`, EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable', EPIPE: 'connection closed',
  };
  if (code && reasons[code]) return { status: 'unknown', reason: reasons[code] };
  if (code && /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(code)) return { status: 'unknown', reason: `TLS error (${code})` };
  if (/timeout|timed out/i.test(e?.message ?? '')) return { status: 'unknown', reason: `timeout after ${timeoutMs} ms` };
  return { status: 'unknown', reason: code ? `connection failed (${code})` : 'connection failed' };
}
