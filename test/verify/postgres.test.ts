/**
 * The postgres verifier against a real PostgreSQL server: the one .ci/run starts (SWEEP_TEST_POSTGRES_URL),
 * else a throwaway cluster this file starts with the same script when Debian's binaries are installed. In CI
 * a missing server fails the run; locally it is skipped with the reason printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifier as postgres } from '../../src/verify/verifiers/postgres.js';
import type { VerifyContext } from '../../src/verify/verifier.js';

const SCRIPT = join(import.meta.dirname, '../../.ci/pg-throwaway');
const given = process.env.SWEEP_TEST_POSTGRES_URL;
const binaries = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
const available = Boolean(given) || binaries;
const why = 'no PostgreSQL: set SWEEP_TEST_POSTGRES_URL or apt-get install postgresql';

const ctx = (timeoutMs = 5000): VerifyContext => ({ timeoutMs, signal: new AbortController().signal });

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

if (process.env.CI === 'true' && !available) {
  it('PostgreSQL server for the postgres verifier test', () => {
    throw new Error(`${why} (.ci/run installs it; in CI this test must not be skipped)`);
  });
}
if (!available) console.warn(`test/verify/postgres.test.ts skipped: ${why}`);

describe.skipIf(!available)('postgres verifier against a real server', () => {
  let url = given ?? '';
  let dir: string | undefined;

  beforeAll(() => {
    if (url) return;
    dir = mkdtempSync(join(tmpdir(), 'sweep-pg-'));
    const r = spawnSync(SCRIPT, ['start', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not start a throwaway PostgreSQL: ${r.stderr}`);
    url = r.stdout.trim();
  }, 90_000);

  afterAll(() => {
    if (dir) spawnSync(SCRIPT, ['stop', dir]);
  });

  /** The cluster's URL with another password / database / port / query. */
  function variant(change: (u: URL) => void): string {
    const u = new URL(url);
    change(u);
    return u.toString();
  }

  it('the right password is live, with user, database and server version', async () => {
    const r = await postgres.verify({ secret: url, rule: 'postgres-uri' }, ctx());
    expect(r.status).toBe('live');
    expect(r.identity?.user).toBe(new URL(url).username);
    expect(r.identity?.database).toBe(new URL(url).pathname.slice(1) || new URL(url).username);
    expect(r.identity?.server_version).toMatch(/^\d+/);
  });

  it('the password alone with the URI around it as companions (as the rule reports it) is live', async () => {
    const u = new URL(url);
    const [before, after] = url.split(':' + u.password + '@');
    const r = await postgres.verify({ secret: u.password, rule: 'postgres-uri-password', companions: { uriPrefix: before + ':', uriSuffix: '@' + after } }, ctx());
    expect(r.status).toBe('live');
  });

  it('a wrong password is invalid', async () => {
    const r = await postgres.verify({ secret: variant((u) => { u.password = 'not-' + u.password; }), rule: 'postgres-uri' }, ctx());
    expect(r).toMatchObject({ status: 'invalid', reason: 'password authentication failed' });
  });

  it('an unknown user is invalid too (the server does not tell users and passwords apart)', async () => {
    const r = await postgres.verify({ secret: variant((u) => { u.username = 'nobody_here'; }), rule: 'postgres-uri' }, ctx());
    expect(r.status).toBe('invalid');
  });

  it('the right password for a database that does not exist is live (authentication comes first)', async () => {
    const r = await postgres.verify({ secret: variant((u) => { u.pathname = '/no_such_db'; }), rule: 'postgres-uri' }, ctx());
    expect(r.status).toBe('live');
  });

  it('a closed port is unknown, not invalid', async () => {
    const port = await closedPort();
    const r = await postgres.verify({ secret: variant((u) => { u.port = String(port); }), rule: 'postgres-uri' }, ctx());
    expect(r).toMatchObject({ status: 'unknown', reason: 'connection refused' });
  });

  it('sslmode=require against a server without TLS is unknown and sends no password in clear', async () => {
    const r = await postgres.verify({ secret: variant((u) => { u.searchParams.set('sslmode', 'require'); }), rule: 'postgres-uri' }, ctx());
    expect(r).toMatchObject({ status: 'unknown', reason: 'server has no TLS' });
  });

  it('names only the host in the URI', () => {
    expect(postgres.hosts({ secret: url, rule: 'postgres-uri' })).toEqual(['127.0.0.1']);
  });
});
