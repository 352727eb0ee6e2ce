/**
 * MySQL / MariaDB URIs (mysql://, mariadb://): connect to the URI's host and authenticate with the `mysql2`
 * driver (an optional dependency, loaded only when needed), run no query, close. TLS as the URI asks
 * (ssl-mode / ssl); unsaid, TLS is tried first and plain TCP only when the server offers no TLS.
 * Error 1045 (access denied) is dead; 1044 and 1049 (no access to / no such database) come after a
 * successful authentication, so the password is live; 1130 (host not allowed) is decided before it.
 */
import type { ConnectionOptions } from 'mysql2';
import type { VerifyContext } from '../verifier.js';
import { connectFailure, type DbTarget } from '../db-uri.js';
import { connectOnce, databaseVerifier, loadDriver, type Attempt, type TlsMode } from '../database.js';

type MysqlPromise = typeof import('mysql2/promise');

const loadMysql = () => loadDriver<MysqlPromise>(() => import('mysql2/promise'));

/** What a mysql2 connect error says about the password. */
export function mysqlError(err: unknown, t: DbTarget, timeoutMs: number): Attempt {
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

const SSL: Record<TlsMode, ConnectionOptions['ssl']> = {
  verify: { rejectUnauthorized: true },
  unverified: { rejectUnauthorized: false },
  plain: undefined,
};

async function attempt(t: DbTarget, mode: TlsMode, ctx: VerifyContext): Promise<Attempt> {
  const mysql = await loadMysql();
  if (!mysql) return { status: 'unknown', reason: 'driver not installed (npm package mysql2)' };
  const ssl = SSL[mode];
  let conn: Awaited<ReturnType<MysqlPromise['createConnection']>> | undefined;
  return connectOnce(ctx, () => conn?.destroy(), async () => {
    conn = await mysql.createConnection({
      host: t.host, port: t.port, user: t.user, password: t.password, database: t.database || undefined,
      ssl, connectTimeout: ctx.timeoutMs,
    });
    const handshake = (conn as unknown as { connection: { _handshakePacket?: { serverVersion?: string } } }).connection._handshakePacket;
    const identity: Record<string, string> = { user: t.user, host: t.host };
    if (t.database) identity.database = t.database;
    if (handshake?.serverVersion) identity.server_version = handshake.serverVersion;
    return { status: 'live', identity };
  }, (err) => mysqlError(err, t, ctx.timeoutMs));
}

export const verifier = databaseVerifier({
  id: 'mysql',
  name: 'MySQL',
  schemes: ['mysql', 'mariadb', 'mysql2', 'mysqlgis', 'mysql-connector'],
  defaultPort: 3306,
  schemePattern: 'mysql(?:2|gis|-connector)?|mariadb',
  attempt,
});
