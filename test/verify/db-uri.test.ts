/**
 * Database URIs for the database verifiers: the rules report the password alone, and the URI comes back
 * from the two companions around it. Checked on every example of the database rules (rules/databases.yaml).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { password } from '../support/fake-secrets.js';
import { parseDbUri, uriCompanions } from '../../src/verify/db-uri.js';
import { databaseVerifier, loadDriver } from '../../src/verify/database.js';

const SCHEMES: Record<string, [string, string[], number]> = {
  'postgres-uri-password': ['postgres(?:ql)?|postgis|pgsql|psql|redshift|cockroach(?:db)?|timescale(?:gis)?', ['postgres', 'postgresql', 'postgis', 'pgsql', 'psql', 'redshift', 'cockroach', 'cockroachdb', 'timescale', 'timescalegis'], 5432],
  'mysql-uri-password': ['mysql(?:2|gis|-connector)?|mariadb', ['mysql', 'mariadb', 'mysql2', 'mysqlgis', 'mysql-connector'], 3306],
  'mongodb-uri-password': ['mongodb(?:\\+srv)?', ['mongodb', 'mongodb+srv'], 27017],
  'redis-uri-password': ['rediss?|rediscache', ['redis', 'rediss', 'rediscache'], 6379],
};
const rules = (parse(readFileSync(new URL('../../rules/databases.yaml', import.meta.url), 'utf8')) as { rules: Array<{ id: string; examples: Array<{ text: string; secret: string }> }> }).rules;
const examples = rules.filter((r) => SCHEMES[r.id]).flatMap((r) => r.examples.map((e) => [r.id, e.text, e.secret] as const));

/** The companion match that touches the secret: ending at its start (prefix) or starting at its end (suffix). */
function touching(pattern: RegExp, text: string, start: number, end: number, side: 'before' | 'after'): string | undefined {
  for (const m of text.matchAll(new RegExp(pattern.source, pattern.flags + 'g'))) {
    if (side === 'before' && m.index! + m[0].length === start) return m[0];
    if (side === 'after' && m.index === end) return m[0];
  }
  return undefined;
}

describe('database URI from the password and its companions', () => {
  it.each(examples)('%s: %s', (rule, text, secret) => {
    const [scheme, schemes, port] = SCHEMES[rule]!;
    const [prefix, suffix] = uriCompanions(scheme);
    const start = text.indexOf(secret);
    const uriPrefix = touching(prefix!.pattern, text, start, start + secret.length, 'before');
    const uriSuffix = touching(suffix!.pattern, text, start, start + secret.length, 'after');
    // A user filled in at run time (`postgresql://{}:pw@…`.format(user)): no URI to log in with, nothing guessed.
    if (/:\/\/\{\d*\}:/.test(text)) {
      expect(uriPrefix).toBeUndefined();
      return;
    }
    expect(uriPrefix).toBeDefined();
    expect(uriSuffix).toBeDefined();
    const t = parseDbUri({ secret, rule, companions: { uriPrefix: uriPrefix!, uriSuffix: uriSuffix! } }, schemes, port);
    expect(t).toBeDefined();
    expect(t!.password).toBe(decodeURIComponent(secret));
    expect(text).toContain('@' + (t!.host.includes(':') ? `[${t!.host}]` : t!.host));
  });

  it('a password without both companions gives no URI (nothing is guessed)', () => {
    const pw = password(91);
    const other = password(92);
    expect(parseDbUri({ secret: pw, rule: 'r', companions: { uriPrefix: 'postgres://app:' } }, ['postgres'], 5432)).toBeUndefined();
    expect(parseDbUri({ secret: pw, rule: 'r', companions: { uriPrefix: 'postgres://app:', uriSuffix: '@db.example/x' } }, ['postgres'], 5432)).toMatchObject({ user: 'app', password: pw, host: 'db.example', database: 'x' });
    const whole = ['postgres://app', encodeURIComponent(other)].join(':') + '@db.example/x';
    expect(parseDbUri({ secret: whole, rule: 'r' }, ['postgres'], 5432)?.password).toBe(other);
  });

  it('only the first host of a host list; driver suffixes; TLS wishes', () => {
    const m = parseDbUri('mongodb://u:p@h1.example:27018,h2.example:27019/app?authSource=admin&tls=true', ['mongodb'], 27017)!;
    expect([m.host, m.port, m.database, m.tls, m.params.get('authsource')]).toEqual(['h1.example', 27018, 'app', 'require', 'admin']);
    expect(parseDbUri('postgresql+psycopg2://u:p@db/x?sslmode=verify-full', ['postgresql'], 5432)).toMatchObject({ scheme: 'postgresql', tls: 'verify' });
    expect(parseDbUri('rediss://:p@cache:6380/1', ['redis', 'rediss'], 6379)).toMatchObject({ scheme: 'rediss', port: 6380, database: '1' });
    expect(parseDbUri('mysql://u:p@db/x', ['postgres'], 5432)).toBeUndefined();
  });

  it('a driver that is not installed makes the result unknown, saying so, without connecting', async () => {
    const missing = 'secret-sweep-no-such-' + 'driver';
    expect(await loadDriver(() => import(missing))).toBeUndefined();
    const v = databaseVerifier({
      id: 'x', name: 'X', schemes: ['postgres'], defaultPort: 5432, schemePattern: 'postgres',
      async attempt() {
        const driver = await loadDriver(() => import(missing));
        return driver ? { status: 'live' } : { status: 'unknown', reason: 'driver not installed (npm package x)' };
      },
    });
    const uri = ['postgres://u', password(93)].join(':') + '@127.0.0.1:1/x';
    expect(await v.verify({ secret: uri, rule: 'r' }, { timeoutMs: 100, signal: new AbortController().signal }))
      .toEqual({ status: 'unknown', reason: 'driver not installed (npm package x)' });
  });
});
