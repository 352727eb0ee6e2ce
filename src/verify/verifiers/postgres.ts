/**
 * PostgreSQL URIs (postgres://, postgresql://): connect to the URI's host and authenticate with the `pg`
 * driver (an optional dependency, loaded only when needed), run no query, close. TLS as the URI asks
 * (sslmode); unsaid, TLS is tried first and plain TCP only when the server has no TLS (libpq's "prefer").
 * SQLSTATE 28P01 (password authentication failed) is dead; 3D000 (no such database) comes after a
 * successful authentication, so the password is live.
 */
import type { ClientConfig } from 'pg';
import type { VerifyContext } from '../verifier.js';
import { connectFailure, type DbTarget } from '../db-uri.js';
import { connectOnce, databaseVerifier, loadDriver, type Attempt, type TlsMode } from '../database.js';

type PgModule = typeof import('pg');

const loadPg = () => loadDriver<PgModule>(() => import('pg'));

const SSL: Record<TlsMode, (t: DbTarget) => ClientConfig['ssl']> = {
  verify: (t) => ({ rejectUnauthorized: true, servername: t.host }),
  unverified: () => ({ rejectUnauthorized: false }),
  plain: () => false,
};

async function attempt(t: DbTarget, mode: TlsMode, ctx: VerifyContext): Promise<Attempt> {
  const pg = await loadPg();
  if (!pg) return { status: 'unknown', reason: 'driver not installed (npm package pg)' };
  const ssl = SSL[mode](t);
  const database = t.database || t.user;
  const client = new pg.Client({
    host: t.host, port: t.port, user: t.user, password: t.password, database, ssl,
    connectionTimeoutMillis: ctx.timeoutMs, application_name: 'secret-sweep-verify',
  });
  let version: string | undefined;
  // The server announces its version during the handshake: free, no query needed.
  (client as unknown as { connection: NodeJS.EventEmitter }).connection.on('parameterStatus', (m: { parameterName: string; parameterValue: string }) => {
    if (m.parameterName === 'server_version') version = m.parameterValue;
  });
  client.on('error', () => {});
  return connectOnce(ctx, () => client.end(), async () => {
    await client.connect();
    const identity: Record<string, string> = { user: t.user, database, host: t.host };
    if (version) identity.server_version = version;
    return { status: 'live', identity };
  }, (err) => {
    const e = err as { code?: string; message?: string };
    if (e.code === '28P01') return { status: 'invalid', reason: 'password authentication failed' };
    if (e.code === '3D000') return { status: 'live', identity: { user: t.user, host: t.host }, reason: 'authenticated; the database does not exist' };
    if (e.code === '28000') return { status: 'unknown', reason: 'rejected before authentication (pg_hba.conf)' };
    if (/does not support SSL/i.test(e.message ?? '')) return { status: 'unknown', reason: 'server has no TLS', noTls: true };
    if (e.code && /^[0-9A-Z]{5}$/.test(e.code)) return { status: 'unknown', reason: `server error ${e.code}` };
    return connectFailure(err, ctx.timeoutMs);
  });
}

export const verifier = databaseVerifier({
  id: 'postgres',
  name: 'PostgreSQL',
  // django-environ / dj-database-url aliases that speak the Postgres protocol (no port given: 5432 is tried; a wrong guess is unknown, never invalid).
  schemes: ['postgres', 'postgresql', 'postgis', 'pgsql', 'psql', 'redshift', 'cockroach', 'cockroachdb', 'timescale', 'timescalegis'],
  defaultPort: 5432,
  schemePattern: 'postgres(?:ql)?|postgis|pgsql|psql|redshift|cockroach(?:db)?|timescale(?:gis)?',
  attempt,
});
