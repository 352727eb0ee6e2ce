/**
 * Database connection URIs as the database verifiers read them: only the host, port, user, password,
 * database and whether TLS is asked for. Nothing else in the URI (certificate paths, socket dirs, driver
 * options) reaches a driver, so a URI found in a repository cannot make the verifier read local files or
 * connect anywhere but the host it names.
 */
import type { CompanionSpec, VerificationResult, VerifyInput } from './verifier.js';

/**
 * The database rules report the password alone, so the URI around it comes as two companions: the text
 * just before the password (`scheme://user:`) and just after it (`@host:port/db?query`). The scheduler
 * never hands over a match that overlaps the secret, which is why the URI is not one companion.
 */
export function uriCompanions(scheme: string): CompanionSpec[] {
  return [
    { name: 'uriPrefix', pattern: new RegExp(`\\b(?:${scheme})(?:\\+[a-z0-9]+)?://[^:/?#@\\s"'<>{}\\[\\]]{0,64}:`, 'i'), within: 200, required: false },
    { name: 'uriSuffix', pattern: /@(?:[A-Za-z0-9._-]{1,253}|\[[0-9a-fA-F:]{2,45}\])(?::\d{1,5})?(?:,[A-Za-z0-9._-]{1,253}(?::\d{1,5})?)*(?:\/[^\s"'<>{}\[\]?#`]*)?(?:\?[^\s"'<>{}\[\]#`]*)?/, within: 200, required: false },
  ];
}

/**
 * The URI to check: the secret itself when it is a whole URI, else the companions around the password.
 * Either way it must carry the finding's password, so a neighbouring URI's password is never tried.
 */
export function uriOf(input: VerifyInput): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input.secret.trim())) return input.secret.trim();
  const { uriPrefix, uriSuffix } = input.companions ?? {};
  if (!uriPrefix || !uriSuffix) return undefined;
  return uriPrefix + input.secret + uriSuffix;
}

export interface DbTarget {
  /** The scheme without a driver suffix: postgresql, mysql, mongodb+srv, rediss... */
  scheme: string;
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

export function parseDbUri(input: VerifyInput | string, schemes: string[], defaultPort: number): DbTarget | undefined {
  const raw = typeof input === 'string' ? input.trim() : uriOf(input);
  if (!raw) return undefined;
  // A password written with a bare `#` or `?` (drivers split user info at its last `@`): encoded, so the URL
  // parser does not take the rest for a fragment or a query.
  const ui = /^([a-z][a-z0-9+.-]*:\/\/)([^@\s/]*:[^@\s/]*)@/i.exec(raw);
  const userinfoSafe = ui ? ui[1]! + ui[2]!.replace(/[#?]/g, encodeURIComponent) + raw.slice(ui[1]!.length + ui[2]!.length) : raw;
  // A host list (mongodb://a:1,b:2/db): only the first host is contacted.
  const uri = userinfoSafe.replace(/^([^:/?#]+:\/\/[^@/?#]*@)([^/?#,]+)(?:,[^/?#]*)?/, '$1$2');
  let url: URL;
  try { url = new URL(uri); } catch { return undefined; }
  const full = url.protocol.replace(/:$/, '').toLowerCase();
  // SQLAlchemy-style driver suffixes (postgresql+psycopg2) name the same server; mongodb+srv is its own scheme.
  const scheme = full === 'mongodb+srv' ? full : full.replace(/\+.*$/, '');
  if (!schemes.includes(scheme) || !url.hostname) return undefined;
  const dec0 = (s: string) => { try { return decodeURIComponent(s); } catch { return s; } };
  if (typeof input !== 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(input.secret.trim()) && dec0(url.password) !== dec0(input.secret)) return undefined;
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
    scheme,
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
