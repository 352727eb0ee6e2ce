/**
 * The declared verifiers' loader (src/verify/http-spec.ts): a fault in the data file is one clear line
 * naming the verifier and the field, so an unknown field, a URL that is not the issuer's fixed https one, a
 * method that could write, or a secret sent nowhere never loads. And the generic verifier built from an
 * entry (verifiers/http-declared.ts `verifierOf`): HEAD, query parameters, basic auth, JSON conditions.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SweepError } from '../../src/errors.js';
import { endpointVariable } from '../../src/verify/http.js';
import { parseHttpVerifiers } from '../../src/verify/http-spec.js';
import data from '../../src/verify/http-verifiers.json' with { type: 'json' };
import { CODED, DECLARED_IDS } from '../../src/verify/registry.js';
import { verifierOf } from '../../src/verify/verifiers/http-declared.js';

const good = {
  docs: 'https://example.com/docs/whoami',
  url: 'https://api.example.com/v1/me',
  headers: { Authorization: 'Bearer {secret}' },
  answers: [{ status: 200, result: 'live' }, { status: 401, result: 'invalid' }],
};
const load = (entry: Record<string, unknown>, id = 'acme') => parseHttpVerifiers({ verifiers: { [id]: entry } });
const fault = (entry: Record<string, unknown>, id = 'acme'): string => {
  try {
    load(entry, id);
  } catch (e) {
    expect(e).toBeInstanceOf(SweepError);
    return (e as Error).message;
  }
  throw new Error('loaded without a fault');
};

describe('http-verifiers.json loader: faults are one line naming verifier and field', () => {
  it('a well-formed entry loads', () => {
    const spec = load(good).get('acme')!;
    expect(spec).toMatchObject({ id: 'acme', method: 'GET', headers: [['Authorization', 'Bearer {secret}']] });
    expect(spec.url.href).toBe('https://api.example.com/v1/me');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['unknown field', { ...good, endpoint: 'x' }, /acme\.endpoint: unknown field/],
    ['unknown answer field', { ...good, answers: [{ status: 200, result: 'live', body: 'x' }] }, /acme\.answers\[0\]\.body: unknown field/],
    ['POST', { ...good, method: 'POST' }, /acme\.method: must be GET or HEAD/],
    ['http URL', { ...good, url: 'http://api.example.com/v1/me' }, /acme\.url: must be https/],
    ['not a URL', { ...good, url: 'api.example.com/me' }, /acme\.url: is not a URL/],
    ['placeholder in the URL', { ...good, url: 'https://api.example.com/v1/{secret}' }, /acme\.url: is fixed/],
    ['encoded placeholder in the URL', { ...good, url: 'https://api.example.com/v1/%7Bsecret%7D' }, /acme\.url: is fixed/],
    ['user info in the URL', { ...good, url: 'https://u:p@api.example.com/v1/me' }, /acme\.url: must have no user info/],
    ['an IP address', { ...good, url: 'https://10.0.0.1/v1/me' }, /acme\.url: must name the issuer by its domain/],
    ['docs not https', { ...good, docs: 'http://example.com' }, /acme\.docs: must be an https URL/],
    ['secret sent nowhere', { ...good, headers: { Accept: 'application/json' } }, /acme: \{secret\} must occur in headers, basic or query/],
    ['another placeholder', { ...good, headers: { Authorization: 'Bearer {token}' } }, /acme\.headers\.Authorization: the only placeholder is \{secret\}/],
    ['a reserved header', { ...good, headers: { Authorization: 'Bearer {secret}', Host: 'evil.example' } }, /acme\.headers\.Host: is set by the request itself/],
    ['a line break in a header', { ...good, headers: { Authorization: 'Bearer {secret}\r\nX: y' } }, /must not contain line breaks/],
    ['basic and Authorization', { ...good, basic: ['{secret}', ''] }, /acme\.basic: and an Authorization header exclude each other/],
    ['basic not a pair', { ...good, headers: undefined, basic: { user: '{secret}' } }, /acme\.basic: must be \[user, password\]/],
    ['a colon in the basic user', { ...good, headers: undefined, basic: ['a:{secret}', ''] }, /acme\.basic\[0\]: the user must not contain a colon/],
    ['no answers', { ...good, answers: [] }, /acme\.answers: must be a non-empty list/],
    ['no live answer', { ...good, answers: [{ status: 401, result: 'invalid' }] }, /acme\.answers: must say which answer is live/],
    ['a 5xx answer', { ...good, answers: [...good.answers, { status: 503, result: 'invalid' }] }, /rate limits \(429\) and issuer errors \(5xx\) are always unknown/],
    ['a 429 answer', { ...good, answers: [...good.answers, { status: 429, result: 'live' }] }, /are always unknown/],
    ['not a status', { ...good, answers: [{ status: '200', result: 'live' }] }, /answers\[0\]\.status: must be an HTTP status/],
    ['a result', { ...good, answers: [{ status: 200, result: 'ok' }] }, /answers\[0\]\.result: must be live, invalid or unknown/],
    ['invalid on 200 by status alone', { ...good, answers: [...good.answers, { status: 200, result: 'invalid' }] }, /a success status says invalid only with a `json` condition/],
    ['an object in a json condition', { ...good, answers: [{ status: 200, json: { a: { b: 1 } }, result: 'live' }] }, /json\.a: must be a string, number, boolean or null/],
    ['a placeholder in a reason', { ...good, answers: [{ status: 200, result: 'live', reason: 'HTTP {code}' }] }, /the only placeholder is \{status\}/],
    ['an identity source', { ...good, identity: { login: 'body:login' } }, /acme\.identity\.login: must be "json:<path>"/],
    ['an identity name', { ...good, identity: { Login: 'json:login' } }, /acme\.identity\.Login: a name is lower-case/],
    ['an unanchored secret_format', { ...good, secret_format: 'abc' }, /acme\.secret_format: must be anchored/],
    ['a broken secret_format', { ...good, secret_format: '^(abc$' }, /acme\.secret_format: is not a valid regular expression/],
    ['a query parameter name', { ...good, headers: undefined, query: { 'api key': '{secret}' } }, /acme\.query\.api key: is not a valid name/],
  ])('%s', (_what, entry, message) => {
    expect(fault(entry)).toMatch(message);
    expect(fault(entry)).toMatch(/^http-verifiers\.json: /);
  });

  it('an id that is not lower-case words', () => {
    expect(fault(good, 'Acme_API')).toMatch(/Acme_API: an id is lower-case/);
  });

  it('a top level other than { verifiers }', () => {
    expect(() => parseHttpVerifiers([])).toThrow(/top level: must be an object with a `verifiers` object/);
    expect(() => parseHttpVerifiers({ verifiers: {}, extra: 1 })).toThrow(/top level: unknown field `extra`/);
  });
});

describe('the shipped file and the registry', () => {
  it('every shipped entry loads; no id is both declared and coded', () => {
    expect(parseHttpVerifiers(data).size).toBe(DECLARED_IDS.length);
    expect(DECLARED_IDS.filter((id) => Object.hasOwn(CODED, id))).toEqual([]);
  });

  it('every declared verifier has a row in docs/verify.md\'s declared table', () => {
    const doc = readFileSync(new URL('../../docs/verify.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('### Declared HTTP verifiers'), doc.indexOf('### Coded verifiers'));
    expect(DECLARED_IDS.filter((id) => !table.includes(`\n| \`${id}\` |`))).toEqual([]);
  });

  it('every declared verifier is named by a rule (`verify:` in rules/*.yaml)', () => {
    const dir = new URL('../../rules/', import.meta.url);
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml')))
      for (const r of (parse(readFileSync(new URL(f, dir), 'utf8')) as { rules: { verify?: string }[] }).rules) if (r.verify) used.add(r.verify);
    expect(DECLARED_IDS.filter((id) => !used.has(id))).toEqual([]);
  });
});

describe('a verifier built from an entry', () => {
  const seen: { method: string; path: string; headers: Record<string, unknown> }[] = [];
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  let url = '';
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, path: req.url!, headers: req.headers });
    res.writeHead(answer.status, { 'content-type': 'application/json', 'x-team': 'team-fake' });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const ctx = () => ({ timeoutMs: 5000, signal: new AbortController().signal });
  const run = async (id: string, entry: Record<string, unknown>, secret: string) => {
    process.env[endpointVariable(id)] = url;
    try {
      return await verifierOf(load(entry, id).get(id)!).verify({ secret, rule: 'r' }, ctx());
    } finally {
      delete process.env[endpointVariable(id)];
    }
  };

  it('HEAD, with the secret in the query beside the fixed parameters; identity from a header and a constant', async () => {
    answer = { status: 200, body: '' };
    const secret = 'k+y/&=' + '1';
    const r = await run('acme-head', { ...good, method: 'HEAD', url: 'https://api.example.com/v2/ping?fixed=1', headers: undefined, query: { api_key: '{secret}' }, identity: { team: 'header:X-Team', plan: 'const:free' } }, secret);
    expect(seen.at(-1)).toMatchObject({ method: 'HEAD', path: `/v2/ping?fixed=1&api_key=${encodeURIComponent(secret)}` });
    expect(r).toEqual({ status: 'live', identity: { team: 'team-fake', plan: 'free' } });
  });

  it('basic auth user:password as the entry says', async () => {
    answer = { status: 200, body: '{"user":{"name":"n"}}' };
    const r = await run('acme-basic', { ...good, headers: undefined, basic: ['{secret}', ''], identity: { name: 'json:user.name' } }, 'sekrit');
    expect(seen.at(-1)!.headers.authorization).toBe('Basic ' + Buffer.from('sekrit:').toString('base64'));
    expect(r).toEqual({ status: 'live', identity: { name: 'n' } });
  });

  it('answers are tried in order; a JSON condition must match exactly; unlisted statuses are unknown with the status', async () => {
    const entry = { ...good, answers: [
      { status: 200, json: { ok: true, 'data.0.state': 'on' }, result: 'live' },
      { status: 200, json: { ok: false, error: 'invalid_auth' }, result: 'invalid', reason: 'invalid_auth' },
      { status: [401, 403], result: 'invalid', reason: 'HTTP {status} (refused)' },
    ] };
    answer = { status: 200, body: '{"ok":true,"data":[{"state":"on"}]}' };
    expect(await run('acme-json', entry, 's1')).toEqual({ status: 'live' });
    answer = { status: 200, body: '{"ok":"true","data":[{"state":"on"}]}' };
    expect(await run('acme-json', entry, 's1')).toEqual({ status: 'unknown', reason: 'unexpected answer (HTTP 200)' });
    answer = { status: 200, body: '{"ok":false,"error":"invalid_auth"}' };
    expect(await run('acme-json', entry, 's1')).toEqual({ status: 'invalid', reason: 'invalid_auth' });
    answer = { status: 403, body: 'not json' };
    expect(await run('acme-json', entry, 's1')).toEqual({ status: 'invalid', reason: 'HTTP 403 (refused)' });
    answer = { status: 404, body: '{}' };
    expect(await run('acme-json', entry, 's1')).toEqual({ status: 'unknown', reason: 'unexpected answer (HTTP 404)' });
  });

  it('an answer without a reason says the status; an identity field that is absent is left out', async () => {
    answer = { status: 401, body: '{}' };
    expect(await run('acme-plain', { ...good, identity: { login: 'json:login' } }, 's2')).toEqual({ status: 'invalid', reason: 'HTTP 401' });
    answer = { status: 200, body: '{"other":1}' };
    expect(await run('acme-plain', { ...good, identity: { login: 'json:login' } }, 's2')).toEqual({ status: 'live' });
  });

  it('a redirect is not followed: a 3xx is unknown and nothing else is asked', async () => {
    const before = seen.length;
    answer = { status: 302, body: '' };
    expect(await run('acme-redirect', good, 's3')).toEqual({ status: 'unknown', reason: 'unexpected answer (HTTP 302)' });
    expect(seen.length - before).toBe(1);
  });
});
