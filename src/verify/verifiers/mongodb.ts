/**
 * MongoDB URIs (mongodb://, mongodb+srv://): authenticate to the URI's first host with the `mongodb` driver
 * (an optional dependency, loaded only when needed) over a direct connection, so no other replica-set
 * member is contacted; no command beyond the handshake and authentication; close. SRV URIs are resolved by
 * the driver, which only accepts hosts under the URI's own domain. Error 18 (AuthenticationFailed) is dead.
 */
import type { MongoClientOptions } from 'mongodb';
import type { VerificationResult, VerifyContext } from '../verifier.js';
import { connectFailure, type DbTarget } from '../db-uri.js';
import { connectOnce, databaseVerifier, loadDriver, type Attempt, type TlsMode } from '../database.js';
const MECHANISMS = new Set(['SCRAM-SHA-1', 'SCRAM-SHA-256', 'PLAIN']);

type MongoModule = typeof import('mongodb');

const loadMongo = () => loadDriver<MongoModule>(() => import('mongodb'));

/** The driver error's code, looking through the wrappers (server selection errors carry the cause). */
function mongoCode(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown; reason?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'number') return e.code;
    const reason = e.reason as { error?: unknown; servers?: Map<string, { error?: unknown }> } | undefined;
    const fromServers = reason?.servers ? [...reason.servers.values()].find((s) => s.error)?.error : undefined;
    e = (e.cause ?? reason?.error ?? fromServers) as typeof e;
  }
  return undefined;
}

export function mongoError(err: unknown, timeoutMs: number): VerificationResult {
  const code = mongoCode(err);
  if (code === 18) return { status: 'invalid', reason: 'authentication failed (18)' };
  if (typeof code === 'number') return { status: 'unknown', reason: `server error ${code}` };
  const name = (err as { name?: string })?.name ?? '';
  if (name === 'MongoServerSelectionError') return { status: 'unknown', reason: `no server answered within ${timeoutMs} ms` };
  return connectFailure(err, timeoutMs);
}

async function attempt(t: DbTarget, mode: TlsMode, ctx: VerifyContext): Promise<Attempt> {
  const driver = await loadMongo();
  if (!driver) return { status: 'unknown', reason: 'driver not installed (npm package mongodb)' };
  const srv = t.scheme === 'mongodb+srv';
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  const uri = srv ? `mongodb+srv://${host}/` : `mongodb://${host}:${t.port}/`;
  const mechanism = t.params.get('authmechanism');
  const options: MongoClientOptions = {
    auth: { username: t.user, password: t.password },
    authSource: t.params.get('authsource') || t.database || 'admin',
    serverSelectionTimeoutMS: ctx.timeoutMs,
    connectTimeoutMS: ctx.timeoutMs,
    socketTimeoutMS: ctx.timeoutMs,
    maxPoolSize: 1,
    appName: 'secret-sweep-verify',
    tls: mode !== 'plain',
    ...(srv ? {} : { directConnection: true }),
    ...(mechanism && MECHANISMS.has(mechanism) ? { authMechanism: mechanism as MongoClientOptions['authMechanism'] } : {}),
  };
  const client = new driver.MongoClient(uri, options);
  return connectOnce(ctx, () => client.close(), async () => {
    await client.connect();
    return { status: 'live', identity: { user: t.user, host: t.host, auth_database: String(options.authSource) } };
  }, (err) => mongoError(err, ctx.timeoutMs));
}

export const verifier = databaseVerifier({
  id: 'mongodb',
  name: 'MongoDB',
  schemes: ['mongodb', 'mongodb+srv'],
  defaultPort: 27017,
  schemePattern: 'mongodb(?:\\+srv)?',
  // As the MongoDB drivers do: TLS (certificate checked) for +srv and tls=true, plain otherwise.
  modes: (t) => ((t.scheme === 'mongodb+srv' && t.tls !== 'disable') || t.tls === 'require' || t.tls === 'verify' ? ['verify'] : ['plain']),
  attempt,
});
