/**
 * MySQL / MariaDB URIs (mysql://, mariadb://): connect to the URI's host and authenticate with the `mysql2`
 * driver (an optional dependency, loaded only when needed), run no query, close. TLS as the URI asks
 * (ssl-mode / ssl); unsaid, TLS is tried first and plain TCP only when the server offers no TLS.
 * Error 1045 (access denied) is dead; 1044 and 1049 (no access to / no such database) come after a
 * successful authentication, so the password is live; 1130 (host not allowed) is decided before it.
 */
import type { ConnectionOptions } from 'mysql2';
import type { VerificationResult, Verifier, VerifyInput, VerifyContext } from '../verifier.js';
import { connectFailure, parseDbUri, uriCompanions, type DbTarget } from '../db-uri.js';

const parse = (input: VerifyInput) => parseDbUri(input, ['mysql', 'mariadb'], 3306);

type MysqlPromise = typeof import('mysql2/promise');

async function loadMysql(): Promise<MysqlPromise | undefined> {
  try {
    const mod = (await import('mysql2/promise')) as MysqlPromise & { default?: MysqlPromise };
    return mod.default ?? mod;
  } catch {
    return undefined;
  }
}

/** What a mysql2 connect error says about the password. */
export function mysqlError(err: unknown, t: DbTarget, timeoutMs: number): VerificationResult & { noTls?: boolean } {
  const e = err as { errno?: number; code?: string };
  switch (e.errno) {
    case 1045: return { status: 'invalid', reason: 'access denied (1045)' };
    case 1044: case 1049: return { status: 'live', identity: { user: t.user, host: t.host }, reason: `authenticated; database refused (${e.errno})` };
    case 1130: return { status: 'unknown', reason: 'host not allowed to connect (1130)' };
  }
  if (e.code === 'HANDSHAKE_NO_SSL_SUPPORT') return { status: 'unknown', reason: 'server has no TLS', noTls: true };
  if (typeof e.errno === 'number' && e.errno >= 1000 && e.errno < 5000) return { status: 'unknown', reason: `server error ${e.errno}` };
  return connectFailure(err, timeoutMs);
}

function sslOptions(t: DbTarget): Array<ConnectionOptions['ssl']> {
  switch (t.tls) {
    case 'disable': return [undefined];
    case 'require': return [{ rejectUnauthorized: false }];
    case 'verify': return [{ rejectUnauthorized: true }];
    default: return [{ rejectUnauthorized: false }, undefined];
  }
}

async function attempt(mysql: MysqlPromise, t: DbTarget, ssl: ConnectionOptions['ssl'], ctx: VerifyContext): Promise<VerificationResult & { noTls?: boolean }> {
  let conn: Awaited<ReturnType<MysqlPromise['createConnection']>> | undefined;
  try {
    conn = await mysql.createConnection({
      host: t.host, port: t.port, user: t.user, password: t.password, database: t.database || undefined,
      ssl, connectTimeout: ctx.timeoutMs,
    });
    const handshake = (conn as unknown as { connection: { _handshakePacket?: { serverVersion?: string } } }).connection._handshakePacket;
    const identity: Record<string, string> = { user: t.user, host: t.host };
    if (t.database) identity.database = t.database;
    if (handshake?.serverVersion) identity.server_version = handshake.serverVersion;
    return { status: 'live', identity };
  } catch (err) {
    if (ctx.signal.aborted) return { status: 'unknown', reason: 'aborted' };
    return mysqlError(err, t, ctx.timeoutMs);
  } finally {
    if (conn) conn.destroy();
  }
}

export const verifier: Verifier = {
  id: 'mysql',
  companions: uriCompanions('mysql|mariadb'),
  hosts(input) {
    const t = parse(input);
    return t ? [t.host] : [];
  },
  async verify(input, ctx) {
    const t = parse(input);
    if (!t) return { status: 'unknown', reason: 'not a MySQL URI with a host' };
    if (!t.password) return { status: 'unknown', reason: 'no password in the URI' };
    const driver = await loadMysql();
    if (!driver) return { status: 'unknown', reason: 'driver not installed (npm package mysql2)' };
    let result: VerificationResult & { noTls?: boolean } = { status: 'unknown' };
    for (const ssl of sslOptions(t)) {
      result = await attempt(driver, t, ssl, ctx);
      if (!result.noTls) break;
    }
    const { noTls: _, ...out } = result;
    return out;
  },
};
