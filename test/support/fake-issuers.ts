/**
 * Fake credential issuers for `scan --verify` tests: one HTTP server per issuer on 127.0.0.1, answering
 * the one documented call its verifier makes. Each checks the request's shape (method, path, the auth
 * header the issuer documents); a request of another shape gets HTTP 400 and is recorded in `misshapen`,
 * so a verifier that drifts from the API fails its test instead of passing against a lenient fake.
 *
 * Tokens in `live` are accepted; any other is refused the way the issuer refuses it (401, or Slack's
 * `ok:false, invalid_auth`). `ratelimited` tokens get 429; `slow` tokens answer after `slowMs`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { endpointVariable } from '../../src/verify/http.js';

export type IssuerId = 'github' | 'gitlab' | 'slack' | 'stripe' | 'openai' | 'anthropic' | 'sendgrid';
export const ISSUERS: IssuerId[] = ['github', 'gitlab', 'slack', 'stripe', 'openai', 'anthropic', 'sendgrid'];

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface IssuerSpec {
  method: 'GET' | 'POST';
  path: string;
  /** The token the request carries, or undefined when the auth header is not the documented one. */
  token(req: IncomingMessage): string | undefined;
  /** Other headers the documentation requires. */
  required?: Record<string, RegExp>;
  live: Answer;
  dead: Answer;
}

const bearer = (req: IncomingMessage) => /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];

/** The documented call of each issuer (see docs/verify.md for the links). */
export const SPECS: Record<IssuerId, IssuerSpec> = {
  github: {
    method: 'GET',
    path: '/user',
    token: bearer,
    required: { accept: /application\/vnd\.github\+json/, 'x-github-api-version': /^2022-11-28$/, 'user-agent': /./ },
    live: { status: 200, headers: { 'x-oauth-scopes': 'repo, read:org' }, body: { login: 'octo-fake', id: 583231, type: 'User' } },
    dead: { status: 401, body: { message: 'Bad credentials' } },
  },
  gitlab: {
    method: 'GET',
    path: '/api/v4/user',
    token: (req) => req.headers['private-token'] as string | undefined,
    live: { status: 200, body: { username: 'gitlab-fake', id: 42 } },
    dead: { status: 401, body: { message: '401 Unauthorized' } },
  },
  slack: {
    method: 'POST',
    path: '/api/auth.test',
    token: bearer,
    live: { status: 200, body: { ok: true, team: 'Fake Team', team_id: 'T0FAKE', user: 'fakebot', url: 'https://fake-team.slack.com/' } },
    dead: { status: 200, body: { ok: false, error: 'invalid_auth' } },
  },
  stripe: {
    method: 'GET',
    path: '/v1/account',
    token: bearer,
    live: { status: 200, body: { id: 'acct_1FakeAccount', object: 'account', country: 'US' } },
    dead: { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } },
  },
  openai: {
    method: 'GET',
    path: '/v1/models',
    token: bearer,
    live: { status: 200, headers: { 'openai-organization': 'org-fake' }, body: { object: 'list', data: [] } },
    dead: { status: 401, body: { error: { code: 'invalid_api_key' } } },
  },
  anthropic: {
    method: 'GET',
    path: '/v1/models',
    token: (req) => req.headers['x-api-key'] as string | undefined,
    required: { 'anthropic-version': /^2023-06-01$/ },
    live: { status: 200, body: { data: [], has_more: false } },
    dead: { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } },
  },
  sendgrid: {
    method: 'GET',
    path: '/v3/scopes',
    token: bearer,
    live: { status: 200, body: { scopes: ['mail.send', 'alerts.read'] } },
    dead: { status: 401, body: { errors: [{ field: null, message: 'authorization required' }] } },
  },
};

export interface FakeIssuer {
  id: IssuerId;
  url: string;
  /** Tokens accepted. */
  live: Set<string>;
  ratelimited: Set<string>;
  slow: Set<string>;
  slowMs: number;
  /** Every request: method, path, the token it carried. */
  requests: { method: string; path: string; token?: string; at: number }[];
  /** Requests that did not have the documented shape (why). */
  misshapen: string[];
  /** Requests being answered now, and the most at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFakeIssuer(id: IssuerId): Promise<FakeIssuer> {
  const spec = SPECS[id];
  const issuer: FakeIssuer = {
    id, url: '', live: new Set(), ratelimited: new Set(), slow: new Set(), slowMs: 300, requests: [], misshapen: [], inFlight: 0, maxInFlight: 0,
    close: async () => {},
  };
  const send = (res: ServerResponse, a: Answer) => {
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(a.body === undefined ? '' : JSON.stringify(a.body));
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      const token = spec.token(req);
      issuer.requests.push({ method: req.method ?? '', path: req.url ?? '', token, at: Date.now() });
      const wrong = [
        req.method !== spec.method && `method ${req.method}, documented ${spec.method}`,
        req.url !== spec.path && `path ${req.url}, documented ${spec.path}`,
        token === undefined && 'no token in the documented auth header',
        ...Object.entries(spec.required ?? {}).map(([h, re]) => !re.test(String(req.headers[h] ?? '')) && `header ${h}: ${String(req.headers[h] ?? '(none)')}`),
      ].filter((x): x is string => typeof x === 'string');
      if (wrong.length) {
        issuer.misshapen.push(wrong.join('; '));
        return send(res, { status: 400, body: { error: 'request shape differs from the documented API' } });
      }
      issuer.inFlight++;
      issuer.maxInFlight = Math.max(issuer.maxInFlight, issuer.inFlight);
      try {
        if (issuer.slow.has(token!)) await new Promise((r) => setTimeout(r, issuer.slowMs));
        if (issuer.ratelimited.has(token!)) return send(res, { status: 429, body: { error: 'rate limited' } });
        send(res, issuer.live.has(token!) ? spec.live : spec.dead);
      } finally {
        issuer.inFlight--;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return issuer;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * For the file that calls it: one fake per verifier id, started before its tests with the verifier's
 * endpoint variable pointing at it, closed (and the environment restored) after them.
 */
export function serveFakes<F extends { url: string; close(): Promise<void> }>(ids: readonly string[], start: (id: string) => Promise<F>): Map<string, F> {
  const fakes = new Map<string, F>();
  const saved = { ...process.env };
  beforeAll(async () => {
    for (const id of ids) {
      const f = await start(id);
      fakes.set(id, f);
      process.env[endpointVariable(id)] = f.url;
    }
  });
  afterAll(async () => {
    process.env = saved;
    for (const f of fakes.values()) await f.close();
  });
  return fakes;
}
