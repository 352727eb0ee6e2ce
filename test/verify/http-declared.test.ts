/**
 * The declared HTTP verifiers (src/verify/http-verifiers.json), each against a fake of its issuer on
 * 127.0.0.1 reached through SECRET_SWEEP_VERIFY_ENDPOINT_<ID>. The fakes are written here from each
 * issuer's documentation, not from the data file: the method, path and query, where the credential goes
 * and the other headers the issuer requires. A request of another shape is answered 400 and recorded, so a
 * typo in the data file fails here. A working credential must be live with the identity the issuer gave,
 * the issuer's refusal invalid (or unknown where the entry says a refusal is not certain), a rate limit or
 * server error unknown, each with one request and the secret in no result.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serveFakes } from '../support/fake-issuers.js';
import { ALNUM, HEX, randomString } from '../support/fake-secrets.js';
import { endpointVariable } from '../../src/verify/http.js';
import { parseHttpVerifiers } from '../../src/verify/http-spec.js';
import data from '../../src/verify/http-verifiers.json' with { type: 'json' };
import { loadVerifier } from '../../src/verify/registry.js';
import type { VerificationResult } from '../../src/verify/verifier.js';

interface Req { method: string; path: string; headers: IncomingMessage['headers'] }
interface Answer { status: number; headers?: Record<string, string>; body?: unknown }

/** How the issuer documents one call: `GET /path?query` (the query without the credential), where the credential is read from, the live answer. */
interface Case {
  call: string;
  credential: (r: Req) => string | undefined;
  /** The query parameter the credential goes in, if it goes in the query (left out of the path compared with `call`). */
  inQuery?: string;
  /** Other headers the documentation requires. */
  required?: Record<string, RegExp>;
  /** A credential in the issuer's format (default: 40 letters and digits). */
  secret?: (seed: number) => string;
  live: Answer;
  identity: Record<string, string> | undefined;
  /** The issuer's refusal, and what it must come out as (invalid unless a refusal is not certain). */
  dead: Answer;
  deadIs?: 'invalid' | 'unknown';
  /** Another documented answer of the issuer, and what it must come out as. */
  alt?: { answer: Answer; result: VerificationResult };
  /** A value the rule may find that this call does not take (another token kind): never sent. */
  notSent?: (seed: number) => string;
}

const auth = (r: Req) => String(r.headers.authorization ?? '');
const bearer = (r: Req) => /^Bearer (\S+)$/.exec(auth(r))?.[1];
const scheme = (name: string) => (r: Req) => (auth(r).startsWith(`${name} `) ? auth(r).slice(name.length + 1) : undefined);
const header = (name: string) => (r: Req) => (typeof r.headers[name] === 'string' ? (r.headers[name] as string) : undefined);
const basic = (user: string | undefined, part: 'user' | 'password') => (r: Req) => {
  const m = /^Basic (\S+)$/.exec(auth(r));
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString();
  const i = text.indexOf(':');
  const [u, p] = [text.slice(0, i), text.slice(i + 1)];
  if (part === 'password') return user === undefined || u === user ? p : undefined;
  return u;
};
const json = (body: unknown, status = 200): Answer => ({ status, body });
const refused = (status = 401, body: unknown = { message: 'Unauthorized' }): Answer => ({ status, body });
const token = (n: number, alphabet = ALNUM) => (seed: number) => randomString(alphabet, n, seed);
const uuid = (s: number) => [8, 4, 4, 4, 12].map((n, i) => randomString(HEX, n, s * 7 + i)).join('-');

const CASES: Record<string, Case> = {
  anthropic: {
    call: 'GET /v1/models', credential: header('x-api-key'), required: { 'anthropic-version': /^2023-06-01$/ },
    live: json({ data: [], has_more: false }), identity: undefined,
    dead: refused(401, { type: 'error', error: { type: 'authentication_error' } }),
  },
  datadog: {
    call: 'GET /api/v1/validate', credential: header('dd-api-key'), secret: token(32, HEX),
    live: json({ valid: true }), identity: { site: 'datadoghq.com' },
    dead: refused(403, { errors: ['Forbidden'] }), deadIs: 'unknown',
  },
  gitlab: {
    call: 'GET /api/v4/user', credential: header('private-token'),
    live: json({ id: 42, username: 'gitlab-fake' }), identity: { username: 'gitlab-fake', id: '42' },
    dead: refused(401, { message: '401 Unauthorized' }),
  },
  huggingface: {
    call: 'GET /api/whoami-v2', credential: bearer,
    live: json({ type: 'user', name: 'hf-fake', auth: { accessToken: { role: 'read' } } }), identity: { user: 'hf-fake', type: 'user', role: 'read' },
    dead: refused(),
  },
  npm: {
    call: 'GET /-/whoami', credential: bearer,
    live: json({ username: 'npm-fake' }), identity: { user: 'npm-fake' },
    dead: refused(403),
  },
  openai: {
    call: 'GET /v1/models', credential: bearer,
    live: { status: 200, headers: { 'openai-organization': 'org-fake', 'openai-project': 'proj_fake' }, body: { object: 'list', data: [] } },
    identity: { organization: 'org-fake', project: 'proj_fake' },
    dead: refused(401, { error: { code: 'invalid_api_key' } }),
  },
  sendgrid: {
    call: 'GET /v3/scopes', credential: bearer,
    live: json({ scopes: ['a.read', 'b.read', 'c.read', 'd.read', 'e.read', 'f.read', 'g.read', 'h.read'] }), identity: { scopes: 'a.read,b.read,c.read,d.read,e.read,f.read,+2 more' },
    dead: refused(401, { errors: [{ message: 'authorization required' }] }),
  },
  digitalocean: {
    call: 'GET /v2/account', credential: bearer, secret: (s) => 'do' + 'p_v1_' + randomString(HEX, 64, s),
    live: json({ account: { email: 'sammy@example.com', uuid: 'b6fr89dbf6d9156cace5f3c78dc9851d957381ef', status: 'active', team: { name: 'My Team' } } }),
    identity: { email: 'sammy@example.com', uuid: 'b6fr89dbf6d9156cace5f3c78dc9851d957381ef', status: 'active', team: 'My Team' },
    dead: refused(401, { id: 'unauthorized', message: 'Unable to authenticate you' }),
  },
  linode: {
    call: 'GET /v4/profile', credential: bearer,
    live: json({ username: 'linode-fake', email: 'fake@example.com', uid: 1 }), identity: { username: 'linode-fake', email: 'fake@example.com' },
    dead: refused(401, { errors: [{ reason: 'Invalid Token' }] }),
  },
  vultr: {
    call: 'GET /v2/account', credential: bearer,
    live: json({ account: { name: 'Vultr Fake', email: 'fake@example.com', acls: [] } }), identity: { name: 'Vultr Fake', email: 'fake@example.com' },
    dead: refused(401, { error: 'Invalid API key' }),
  },
  cloudflare: {
    call: 'GET /client/v4/user/tokens/verify', credential: bearer,
    live: json({ success: true, errors: [], result: { id: 'f267e341f3dd4697bd3b9f71dd96247f', status: 'active' } }), identity: { token_id: 'f267e341f3dd4697bd3b9f71dd96247f' },
    dead: json({ success: true, errors: [], result: { id: 'f267e341f3dd4697bd3b9f71dd96247f', status: 'expired' } }),
  },
  netlify: {
    call: 'GET /api/v1/user', credential: bearer,
    live: json({ id: '5c0bd8f3', email: 'fake@example.com', full_name: 'Netlify Fake' }), identity: { id: '5c0bd8f3', email: 'fake@example.com', name: 'Netlify Fake' },
    dead: refused(401, { code: 401, message: 'Access Denied' }),
  },
  heroku: {
    call: 'GET /account', credential: bearer, required: { accept: /^application\/vnd\.heroku\+json; version=3$/ },
    live: json({ email: 'fake@example.com', id: '01234567-89ab-cdef-0123-456789abcdef' }), identity: { email: 'fake@example.com', id: '01234567-89ab-cdef-0123-456789abcdef' },
    dead: refused(401, { id: 'unauthorized', message: 'Invalid credentials provided.' }),
  },
  circleci: {
    call: 'GET /api/v2/me', credential: header('circle-token'),
    secret: (s) => 'CCIP' + 'AT_' + randomString('123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz', 22, s) + '_' + randomString(HEX, 40, s + 1),
    live: json({ id: 'c0ffee', login: 'circle-fake', name: 'Circle Fake' }), identity: { id: 'c0ffee', login: 'circle-fake', name: 'Circle Fake' },
    dead: refused(401, { message: 'You must log in first.' }),
  },
  buildkite: {
    call: 'GET /v2/access-token', credential: bearer,
    live: json({ scopes: ['read_builds'], uuid: 'b63254c0-3271-4a98-8270-7cfbd6c2f14e' }), identity: { uuid: 'b63254c0-3271-4a98-8270-7cfbd6c2f14e', scopes: 'read_builds' },
    dead: refused(401, { message: 'Authentication required.' }),
  },
  snyk: {
    call: 'GET /rest/self?version=2024-06-10', credential: scheme('token'),
    live: json({ data: { type: 'user', id: '55a348e2', attributes: { name: 'Snyk Fake', username: 'snyk-fake' } } }), identity: { type: 'user', id: '55a348e2', name: 'Snyk Fake', username: 'snyk-fake' },
    dead: refused(401, { errors: [{ status: '401' }] }), deadIs: 'unknown',
  },
  mailgun: {
    call: 'GET /v3/domains?limit=1', credential: basic('api', 'password'), secret: (s) => randomString(HEX, 32, s) + '-' + randomString(HEX, 8, s + 1) + '-' + randomString(HEX, 8, s + 2),
    live: json({ total_count: 1, items: [{ name: 'mg.example.com' }] }), identity: { domain: 'mg.example.com' },
    dead: refused(401, 'Forbidden'), deadIs: 'unknown',
  },
  brevo: {
    call: 'GET /v3/account', credential: header('api-key'), secret: (s) => 'xkey' + 'sib-' + randomString(HEX, 64, s) + '-' + randomString(ALNUM, 16, s + 1),
    live: json({ email: 'fake@example.com', companyName: 'Fake Co' }), identity: { email: 'fake@example.com', company: 'Fake Co' },
    dead: refused(401, { code: 'unauthorized', message: 'Key not found' }),
  },
  klaviyo: {
    call: 'GET /api/accounts/', credential: scheme('Klaviyo-API-Key'), required: { revision: /^\d{4}-\d{2}-\d{2}$/ },
    live: json({ data: [{ type: 'account', id: 'AbC123', attributes: { contact_information: { organization_name: 'Fake Org' } } }] }), identity: { account: 'AbC123', organization: 'Fake Org' },
    dead: refused(401, { errors: [{ code: 'not_authenticated' }] }),
  },
  notion: {
    call: 'GET /v1/users/me', credential: bearer, required: { 'notion-version': /^\d{4}-\d{2}-\d{2}$/ },
    live: json({ object: 'user', id: '16d84278', name: 'pied piper', type: 'bot', bot: { owner: { type: 'workspace' } } }), identity: { bot: 'pied piper', id: '16d84278', owner: 'workspace' },
    dead: refused(401, { object: 'error', status: 401, code: 'unauthorized' }),
  },
  asana: {
    call: 'GET /api/1.0/users/me', credential: bearer,
    live: json({ data: { gid: '12345', name: 'Greg Sanchez', email: 'gsanchez@example.com', resource_type: 'user' } }), identity: { gid: '12345', name: 'Greg Sanchez', email: 'gsanchez@example.com' },
    dead: refused(401, { errors: [{ message: 'Not Authorized' }] }),
  },
  airtable: {
    call: 'GET /v0/meta/whoami', credential: bearer,
    live: json({ id: 'usrABC123def456', email: 'fake@example.com', scopes: ['data.records:read', 'schema.bases:read'] }), identity: { id: 'usrABC123def456', email: 'fake@example.com', scopes: 'data.records:read,schema.bases:read' },
    dead: refused(401, { error: { type: 'AUTHENTICATION_REQUIRED' } }),
  },
  figma: {
    call: 'GET /v1/me', credential: header('x-figma-token'),
    live: json({ id: '1234', handle: 'figma-fake', email: 'fake@example.com' }), identity: { id: '1234', handle: 'figma-fake', email: 'fake@example.com' },
    dead: refused(403, { status: 403, err: 'Invalid token' }), deadIs: 'unknown',
  },
  typeform: {
    call: 'GET /me', credential: bearer,
    live: json({ alias: 'tf-fake', email: 'fake@example.com', language: 'en' }), identity: { alias: 'tf-fake', email: 'fake@example.com' },
    dead: refused(401, { code: 'AUTHENTICATION_FAILED' }),
  },
  pulumi: {
    call: 'GET /api/user', credential: scheme('token'), required: { accept: /^application\/vnd\.pulumi\+8$/ },
    live: json({ githubLogin: 'pulumi-fake', name: 'Pulumi Fake' }), identity: { login: 'pulumi-fake', name: 'Pulumi Fake' },
    dead: refused(401, { code: 401, message: 'Unauthorized: No credentials provided or are invalid.' }), deadIs: 'unknown',
  },
  'terraform-cloud': {
    call: 'GET /api/v2/account/details', credential: bearer,
    live: json({ data: { id: 'user-12345abcd', type: 'users', attributes: { username: 'admin-user', email: 'fake@example.com' } } }), identity: { id: 'user-12345abcd', username: 'admin-user', email: 'fake@example.com' },
    dead: refused(401, { errors: [{ status: '401', title: 'unauthorized' }] }), deadIs: 'unknown',
  },
  doppler: {
    call: 'GET /v3/me', credential: bearer, secret: (s) => 'dp.' + 'pt.' + randomString(ALNUM, 43, s),
    live: json({ slug: 'abc', name: 'laptop', type: 'personal', workplace: { slug: 'w', name: 'Fake Workplace' } }), identity: { type: 'personal', name: 'laptop', workplace: 'Fake Workplace' },
    dead: refused(401, { messages: ['Invalid Auth token'], success: false }),
  },
  replicate: {
    call: 'GET /v1/account', credential: bearer, secret: (s) => 'r8' + '_' + randomString(ALNUM, 37, s),
    live: json({ type: 'user', username: 'replicate-fake', name: 'Fake' }), identity: { type: 'user', username: 'replicate-fake' },
    dead: refused(401, { title: 'Unauthenticated', status: 401 }),
  },
  elevenlabs: {
    call: 'GET /v1/user', credential: header('xi-api-key'),
    live: json({ subscription: { tier: 'creator', character_count: 17 }, is_new_user: false }), identity: { tier: 'creator' },
    dead: refused(401, { detail: { status: 'invalid_api_key' } }),
  },
  openrouter: {
    call: 'GET /api/v1/key', credential: bearer,
    live: json({ data: { label: 'sk-or-v1-au7...890', is_free_tier: false, usage: 25.5 } }), identity: { label: 'sk-or-v1-au7...890', free_tier: 'false' },
    dead: refused(401, { error: { code: 401, message: 'No auth credentials found' } }),
  },
  postman: {
    call: 'GET /me', credential: header('x-api-key'),
    live: json({ user: { id: 12345678, username: 'postman-fake', email: 'fake@example.com' } }), identity: { id: '12345678', username: 'postman-fake', email: 'fake@example.com' },
    dead: refused(401, { error: { name: 'AuthenticationError' } }),
  },
  twitch: {
    call: 'GET /oauth2/validate', credential: scheme('OAuth'), secret: token(30, 'abcdefghijklmnopqrstuvwxyz0123456789'),
    live: json({ client_id: 'wbmytr93xzw8zbg0p1izqyzzc5mbiz', login: 'twitchdev', scopes: ['channel:read:subscriptions'], user_id: '141981764', expires_in: 5520838 }),
    identity: { client_id: 'wbmytr93xzw8zbg0p1izqyzzc5mbiz', login: 'twitchdev', scopes: 'channel:read:subscriptions', user_id: '141981764' },
    dead: refused(401, { status: 401, message: 'invalid access token' }), deadIs: 'unknown',
  },
  'discord-bot': {
    call: 'GET /api/v10/users/@me', credential: scheme('Bot'),
    secret: (s) => 'M' + randomString(ALNUM, 25, s) + '.' + randomString(ALNUM, 6, s + 1) + '.' + randomString(ALNUM, 38, s + 2),
    live: json({ id: '80351110224678912', username: 'fake-bot', bot: true }), identity: { bot: 'fake-bot', id: '80351110224678912' },
    dead: refused(401, { message: '401: Unauthorized', code: 0 }),
  },
  line: {
    call: 'GET /v2/bot/info', credential: bearer, secret: token(172, ALNUM + '+/'),
    live: json({ userId: 'Ub9952f8', basicId: '@216ru', displayName: 'Fake Bot', chatMode: 'chat', markAsReadMode: 'manual' }), identity: { bot: 'Fake Bot', basic_id: '@216ru', user_id: 'Ub9952f8' },
    dead: refused(401, { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' }),
  },
  intercom: {
    call: 'GET /me', credential: bearer, secret: (s) => 'dG9rO' + randomString(ALNUM, 55, s) + '=',
    live: json({ type: 'admin', id: '1295', name: 'Joe Example', email: 'jdoe@example.com', app: { name: 'Fake Workspace', id_code: 'abc123' } }), identity: { admin: 'Joe Example', email: 'jdoe@example.com', workspace: 'Fake Workspace' },
    dead: refused(401, { type: 'error.list', errors: [{ code: 'unauthorized' }] }), deadIs: 'unknown',
  },
  calendly: {
    call: 'GET /users/me', credential: bearer, secret: (s) => 'eyJ' + randomString(ALNUM, 20, s) + '.eyJ' + randomString(ALNUM, 40, s + 1) + '.' + randomString(ALNUM, 43, s + 2),
    live: json({ resource: { name: 'John Doe', email: 'fake@example.com', uri: 'https://api.calendly.com/users/AAAA' } }), identity: { name: 'John Doe', email: 'fake@example.com' },
    dead: refused(401, { title: 'Unauthenticated', message: 'The access token is invalid' }),
  },
  pagerduty: {
    call: 'GET /users/me', credential: (r) => /^Token token=(\S+)$/.exec(auth(r))?.[1], required: { accept: /^application\/vnd\.pagerduty\+json;version=2$/ },
    secret: (s) => 'u+' + randomString(ALNUM, 18, s),
    live: json({ user: { id: 'PXPGF42', name: 'Earline Greenholt', email: 'fake@example.com', role: 'admin' } }), identity: { name: 'Earline Greenholt', email: 'fake@example.com', role: 'admin' },
    dead: refused(401, { error: { message: 'Authentication failed', code: 2006 } }),
  },
  groq: {
    call: 'GET /openai/v1/models', credential: bearer, secret: (s) => 'gsk' + '_' + randomString(ALNUM, 52, s),
    live: json({ object: 'list', data: [] }), identity: undefined,
    dead: refused(401, { error: { message: 'Invalid API Key', code: 'invalid_api_key' } }),
  },
  mistral: {
    call: 'GET /v1/models', credential: bearer, secret: token(32),
    live: json({ object: 'list', data: [] }), identity: undefined,
    dead: refused(401, { message: 'Unauthorized' }),
  },
  mapbox: {
    call: 'GET /tokens/v2', credential: () => undefined, inQuery: 'access_token', secret: (s) => 'sk.eyJ' + randomString(ALNUM, 60, s) + '.' + randomString(ALNUM, 22, s + 1),
    live: json({ code: 'TokenValid', token: { usage: 'sk', user: 'mapbox-fake', authorization: 'cijucimbe000brbkt48d0dhcx' } }), identity: { user: 'mapbox-fake', usage: 'sk' },
    dead: refused(401, { code: 'TokenInvalid' }),
  },
  vercel: {
    call: 'GET /v2/user', credential: bearer, secret: token(24),
    live: json({ user: { id: 'AEIIDYVk59zbFF2Sxfyxxmua', email: 'fake@example.com', username: 'vercel-fake' } }), identity: { id: 'AEIIDYVk59zbFF2Sxfyxxmua', email: 'fake@example.com', username: 'vercel-fake' },
    dead: refused(403, { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } }),
  },
  fastly: {
    call: 'GET /current_user', credential: header('fastly-key'), secret: token(32),
    live: json({ id: 'x4xCwxxJxGCx123Rx5xTx', login: 'fake@example.com', name: 'Fastly Fake', customer_id: 'x9KzsrACXZv8tPwlEDsKb6' }), identity: { login: 'fake@example.com', name: 'Fastly Fake', customer_id: 'x9KzsrACXZv8tPwlEDsKb6' },
    dead: refused(401, { msg: 'Provided credentials are missing or invalid' }),
  },
  apify: {
    call: 'GET /v2/users/me', credential: bearer, secret: token(36),
    live: json({ data: { id: 'YiKoxjkaS9gjGTqhF', username: 'apify-fake', email: 'fake@example.com', plan: { id: 'FREE' } } }), identity: { username: 'apify-fake', email: 'fake@example.com', plan: 'FREE' },
    dead: refused(401, { error: { type: 'token-not-valid', message: 'Authentication token is not valid.' } }),
  },
  bitly: {
    call: 'GET /v4/user', credential: bearer, secret: token(40),
    live: json({ login: 'bitly-fake', name: 'Bitly Fake', is_active: true }), identity: { login: 'bitly-fake', name: 'Bitly Fake' },
    dead: refused(403, { message: 'FORBIDDEN', resource: 'user', description: 'You are currently forbidden to access this resource.' }),
  },
  sentry: {
    call: 'GET /api/0/organizations/', credential: bearer, secret: (s) => 'sntry' + 'u_' + randomString(HEX, 64, s),
    live: json([{ id: '2', slug: 'fake-org', name: 'Fake Org' }]), identity: { organization: 'fake-org' },
    dead: refused(401, { detail: 'Invalid token' }), deadIs: 'unknown',
    notSent: (s) => 'sntry' + 's_eyJ' + randomString(ALNUM, 80, s) + '_' + randomString(ALNUM, 43, s + 1),
  },
  hubspot: {
    call: 'GET /account-info/v3/details', credential: bearer, secret: (s) => 'pat-' + 'na1-' + uuid(s),
    live: json({ portalId: 1234567, accountType: 'STANDARD', timeZone: 'US/Eastern', dataHostingLocation: 'na1' }), identity: { portal: '1234567', account_type: 'STANDARD', data_hosting: 'na1' },
    dead: refused(401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' }),
    alt: { answer: refused(403, { status: 'error', category: 'MISSING_SCOPES' }), result: { status: 'live', reason: 'HTTP 403 MISSING_SCOPES: authenticated, account details not permitted' } },
    notSent: (s) => uuid(s),
  },
  pipedrive: {
    call: 'GET /v1/users/me', credential: () => undefined, inQuery: 'api_token', secret: token(40),
    live: json({ success: true, data: { id: 777, email: 'fake@example.com', company_name: 'Fake Co', company_domain: 'fakeco' } }), identity: { email: 'fake@example.com', company: 'Fake Co', domain: 'fakeco' },
    dead: refused(401, { success: false, error: 'unauthorized access', errorCode: 401 }),
    alt: { answer: json({ success: false, error: 'unknown' }), result: { status: 'unknown', reason: 'unexpected answer (HTTP 200)' } },
  },
  xai: {
    call: 'GET /v1/api-key', credential: bearer, secret: (s) => 'xa' + 'i-' + randomString(ALNUM + '_', 80, s),
    live: json({ redacted_api_key: 'xai-...b14o', user_id: '59fbe5f2', name: 'My API Key', team_id: '5ea6f6bd', acls: ['api-key:model:*', 'api-key:endpoint:*'], api_key_blocked: false, api_key_disabled: false, team_blocked: false }),
    identity: { name: 'My API Key', team: '5ea6f6bd', acls: 'api-key:model:*,api-key:endpoint:*' },
    dead: refused(400, { code: 'Client specified an invalid argument', error: 'Incorrect API key provided' }),
    alt: { answer: json({ name: 'Old Key', team_id: '5ea6f6bd', acls: [], api_key_blocked: false, api_key_disabled: true }), result: { status: 'invalid', reason: 'key disabled' } },
    notSent: (s) => 'xa' + 'i-' + randomString(ALNUM, 40, s),
  },
  deepseek: {
    call: 'GET /user/balance', credential: bearer, secret: (s) => 'sk' + '-' + randomString(HEX, 32, s),
    live: json({ is_available: true, balance_infos: [{ currency: 'CNY', total_balance: '110.00', granted_balance: '10.00', topped_up_balance: '100.00' }] }), identity: { available: 'true', currency: 'CNY' },
    dead: refused(401, { error: { message: 'Authentication Fails', type: 'authentication_error' } }),
    notSent: (s) => 'sk' + '-proj-' + randomString(ALNUM, 48, s),
  },
  cohere: {
    call: 'GET /v1/models?page_size=1', credential: bearer, secret: token(40),
    live: json({ models: [], next_page_token: null }), identity: undefined,
    dead: refused(401, { message: 'invalid api token' }),
  },
  together: {
    call: 'GET /v1/models', credential: bearer, secret: (s) => 'tgp' + '_v1_' + randomString(ALNUM + '_-', 43, s),
    live: json([{ id: 'meta-llama/Llama-3-8b-chat-hf', type: 'chat' }]), identity: undefined,
    dead: refused(401, { error: { message: 'Invalid API key provided', type: 'invalid_request_error' } }),
  },
  contentful: {
    call: 'GET /users/me', credential: bearer, secret: (s) => 'CFP' + 'AT-' + randomString(HEX, 64, s),
    live: json({ email: 'fake@example.com', firstName: 'Dwight', sys: { id: 'exampleuserid', type: 'User' } }), identity: { email: 'fake@example.com', id: 'exampleuserid' },
    dead: refused(401, { sys: { type: 'Error', id: 'AccessTokenInvalid' } }), deadIs: 'unknown',
  },
  telnyx: {
    call: 'GET /v2/balance', credential: bearer, secret: (s) => 'KEY' + randomString('0123456789ABCDEF', 32, s) + '_' + randomString(ALNUM, 22, s + 1),
    live: json({ data: { record_type: 'balance', balance: '300.00', credit_limit: '100.00', currency: 'USD' } }), identity: { currency: 'USD' },
    dead: refused(401, { errors: [{ code: '10009', title: 'Authentication failed' }] }),
  },
  messagebird: {
    call: 'GET /balance', credential: scheme('AccessKey'), secret: token(25),
    live: json({ payment: 'prepaid', type: 'credits', amount: 9 }), identity: { payment: 'prepaid', type: 'credits' },
    dead: refused(401, { errors: [{ code: 2, description: 'Request not allowed (incorrect access_key)' }] }),
  },
  frameio: {
    call: 'GET /v2/me', credential: bearer, secret: (s) => 'fio' + '-u-' + randomString(ALNUM + '_-', 64, s),
    live: json({ id: 'a1b2', name: 'Frame Fake', email: 'fake@example.com', account_id: 'b1c2' }), identity: { name: 'Frame Fake', email: 'fake@example.com', account: 'b1c2' },
    dead: refused(401, { errors: [{ code: 401, title: 'Not Authorized' }] }),
  },
  rubygems: {
    call: 'GET /api/v1/gems.json', credential: (r) => auth(r) || undefined, secret: (s) => 'ruby' + 'gems_' + randomString(HEX, 48, s),
    live: json([{ name: 'fake-gem', downloads: 12 }]), identity: { gem: 'fake-gem' },
    dead: refused(401, 'Access Denied. Please sign up for an account at https://rubygems.org'),
    alt: { answer: refused(403, 'This API key cannot perform the specified action on this gem.'), result: { status: 'unknown', reason: 'unexpected answer (HTTP 403)' } },
  },
  hetzner: {
    call: 'GET /v1/servers?per_page=1', credential: bearer, secret: token(64),
    live: json({ servers: [], meta: { pagination: { page: 1, per_page: 1 } } }), identity: undefined,
    dead: refused(401, { error: { code: 'unauthorized', message: 'unable to authenticate', details: {} } }),
    alt: { answer: refused(401, { message: 'a proxy refused the request' }), result: { status: 'unknown', reason: 'unexpected answer (HTTP 401)' } },
  },
  render: {
    call: 'GET /v1/users', credential: bearer, secret: (s) => 'rnd' + '_' + randomString(ALNUM, 32, s),
    live: json({ email: 'fake@example.com', name: 'Render Fake' }), identity: { email: 'fake@example.com', name: 'Render Fake' },
    dead: refused(401, { id: 'unauthorized', message: 'unauthorized' }),
  },
  supabase: {
    call: 'GET /v1/projects', credential: bearer, secret: (s) => 'sb' + 'p_' + randomString(HEX, 40, s),
    live: json([{ id: 'abcdefghijklmnopqrst', organization_id: 'fake-org-id', name: 'fake-project', region: 'us-east-1' }]), identity: { project: 'fake-project', organization: 'fake-org-id' },
    dead: refused(401, { message: 'Unauthorized' }),
  },
  neon: {
    call: 'GET /api/v2/users/me', credential: bearer, secret: (s) => 'na' + 'pi_' + randomString(ALNUM, 64, s),
    live: json({ id: 'usr_123', email: 'fake@example.com', login: 'neon-fake', plan: 'free' }), identity: { email: 'fake@example.com', login: 'neon-fake', plan: 'free' },
    dead: refused(401, { code: '', message: 'authentication required' }), deadIs: 'unknown',
  },
  segment: {
    call: 'GET /', credential: bearer, secret: (s) => 'sg' + 'p_' + randomString(ALNUM, 64, s),
    live: json({ data: { workspace: { id: '9aQ1Lj62S4bomZKLF4DPqW', slug: 'fake-ws', name: 'Fake Workspace' } } }), identity: { workspace: 'fake-ws', name: 'Fake Workspace' },
    dead: refused(401, { errors: [{ type: 'unauthorized', message: 'Unauthorized' }] }), deadIs: 'unknown',
  },
  launchdarkly: {
    call: 'GET /api/v2/caller-identity', credential: (r) => auth(r) || undefined, secret: (s) => 'api' + '-' + uuid(s),
    live: json({ accountId: 'acc123', authKind: 'token', tokenName: 'ci-reader', projectName: 'Default', environmentName: 'Production' }),
    identity: { account: 'acc123', project: 'Default', environment: 'Production', token: 'ci-reader', kind: 'token' },
    dead: refused(401, { code: 'unauthorized', message: 'Invalid access token' }), deadIs: 'unknown',
    notSent: (s) => 'mob' + '-' + uuid(s),
  },
  tailscale: {
    call: 'GET /api/v2/tailnet/-/devices', credential: bearer, secret: (s) => 'tskey' + '-api-' + randomString(ALNUM, 17, s) + 'CNTRL-' + randomString(ALNUM, 33, s + 1),
    live: json({ devices: [] }), identity: undefined,
    dead: refused(401, { message: 'API token invalid' }),
    notSent: (s) => 'tskey' + '-auth-' + randomString(ALNUM, 17, s) + 'CNTRL-' + randomString(ALNUM, 33, s + 1),
  },
  pinecone: {
    call: 'GET /indexes', credential: header('api-key'), required: { 'x-pinecone-api-version': /^\d{4}-\d{2}$/ },
    secret: (s) => 'pc' + 'sk_' + randomString(ALNUM, 6, s) + '_' + randomString(ALNUM, 63, s + 1),
    live: json({ indexes: [{ name: 'movie-recommendations', dimension: 1536 }] }), identity: { index: 'movie-recommendations' },
    dead: refused(401, { error: { code: 'UNAUTHENTICATED', message: 'Invalid API Key' }, status: 401 }),
  },
  clickup: {
    call: 'GET /api/v2/user', credential: (r) => auth(r) || undefined, secret: (s) => 'pk' + '_' + randomString('0123456789', 8, s) + '_' + randomString('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 32, s + 1),
    live: json({ user: { id: 123, username: 'clickup-fake', email: 'fake@example.com' } }), identity: { username: 'clickup-fake', email: 'fake@example.com', id: '123' },
    dead: refused(401, { err: 'Token invalid', ECODE: 'OAUTH_025' }),
  },
  honeycomb: {
    call: 'GET /1/auth', credential: header('x-honeycomb-team'), secret: (s) => 'hca' + 'ik_' + randomString('abcdefghijklmnopqrstuvwxyz0123456789', 58, s),
    live: json({ id: 'FL_xMM5LapLC', type: 'ingest', team: { name: 'Docs', slug: 'honeycomb-docs' }, environment: { name: 'Production', slug: 'production' } }),
    identity: { team: 'honeycomb-docs', environment: 'production', type: 'ingest' },
    dead: refused(401, { error: 'unknown API key - check your credentials' }), deadIs: 'unknown',
    notSent: (s) => 'hcx' + 'mk_' + randomString(ALNUM, 26, s) + ':' + randomString(ALNUM, 32, s + 1),
  },
  newrelic: {
    call: 'GET /v2/applications.json', credential: header('api-key'), secret: (s) => 'NR' + 'AK-' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 27, s),
    live: json({ applications: [] }), identity: undefined,
    dead: refused(401, { error: { title: 'The API key provided is invalid' } }), deadIs: 'unknown',
    notSent: (s) => 'NR' + 'II-' + randomString(ALNUM, 32, s),
  },
  square: {
    call: 'GET /v2/merchants/me', credential: bearer, secret: (s) => 'EA' + 'AA' + randomString(ALNUM + '_-', 60, s),
    live: json({ merchant: { id: 'DM7VKY8Q63GNP', business_name: 'Fake Shop', country: 'US', status: 'ACTIVE' } }), identity: { merchant: 'DM7VKY8Q63GNP', business: 'Fake Shop', country: 'US' },
    dead: refused(401, { errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' }] }), deadIs: 'unknown',
    notSent: (s) => 'sq0' + 'atp-' + randomString(ALNUM, 22, s),
  },
  postmark: {
    call: 'GET /server', credential: header('x-postmark-server-token'), secret: uuid,
    live: json({ ID: 1, Name: 'Staging Testing', ApiTokens: ['not-this-one'], Color: 'red' }), identity: { server: 'Staging Testing', id: '1' },
    dead: refused(401, { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' }), deadIs: 'unknown',
  },
  'google-oauth': {
    call: 'GET /tokeninfo', credential: () => undefined, inQuery: 'access_token', secret: (s) => 'ya' + '29.' + randomString(ALNUM + '_-', 120, s),
    live: json({ azp: '32555940559.apps.googleusercontent.com', aud: '32555940559.apps.googleusercontent.com', scope: 'openid email', expires_in: '3599', email: 'fake@example.com' }),
    identity: { email: 'fake@example.com', client: '32555940559.apps.googleusercontent.com', scope: 'openid email', expires_in: '3599' },
    dead: refused(400, { error: 'invalid_token', error_description: 'Invalid Value' }),
    alt: { answer: refused(400, { error: 'invalid_request', error_description: 'something else' }), result: { status: 'unknown', reason: 'unexpected answer (HTTP 400)' } },
  },
  facebook: {
    call: 'GET /me', credential: () => undefined, inQuery: 'access_token', secret: (s) => 'EA' + 'AB' + randomString(ALNUM, 180, s),
    live: json({ id: '10158000000000000', name: 'Fake Page' }), identity: { id: '10158000000000000', name: 'Fake Page' },
    dead: refused(400, { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } }),
    alt: { answer: refused(400, { error: { message: 'API calls from the server require an appsecret_proof argument', type: 'GraphMethodException', code: 100 } }), result: { status: 'unknown', reason: 'unexpected answer (HTTP 400)' } },
  },
  paystack: {
    call: 'GET /balance', credential: bearer, secret: (s) => 'sk' + '_live_' + randomString(HEX, 40, s),
    live: json({ status: true, message: 'Balances retrieved', data: [{ currency: 'NGN', balance: 1000 }] }), identity: { currency: 'NGN' },
    dead: refused(401, { status: false, message: 'Invalid key' }),
    notSent: (s) => 'pk' + '_live_' + randomString(HEX, 40, s),
  },
  webex: {
    call: 'GET /v1/people/me', credential: bearer, secret: (s) => randomString(ALNUM, 64, s) + '_' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 4, s + 1) + '_' + uuid(s),
    live: json({ id: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9m', displayName: 'Fake Bot', type: 'bot', emails: ['fakebot@webex.bot'] }), identity: { name: 'Fake Bot', type: 'bot', emails: 'fakebot@webex.bot' },
    dead: refused(401, { message: 'The request requires a valid access token set in the Authorization request header.' }),
  },
  stability: {
    call: 'GET /v1/user/account', credential: bearer, secret: (s) => 'sk' + '-' + randomString(ALNUM, 48, s),
    live: json({ email: 'fake@example.com', id: 'user-1234', organizations: [] }), identity: { email: 'fake@example.com', id: 'user-1234' },
    dead: refused(401, { id: 'e7b3', name: 'unauthorized', message: 'missing authorization header' }),
    notSent: (s) => 'sk' + '-' + randomString(ALNUM, 20, s) + 'T3Blbk' + 'FJ' + randomString(ALNUM, 20, s + 1),
  },
  deepgram: {
    call: 'GET /v1/projects', credential: scheme('Token'), secret: token(40, HEX),
    live: json({ projects: [{ project_id: '3a1b', name: 'Fake Project' }] }), identity: { project: 'Fake Project' },
    dead: refused(401, { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' }),
  },
  lokalise: {
    call: 'GET /api2/projects?limit=1', credential: header('x-api-token'), secret: token(40, HEX),
    live: json({ projects: [{ project_id: '123.abc', name: 'Fake App' }] }), identity: { project: 'Fake App' },
    dead: refused(401, { error: { message: 'Invalid `X-Api-Token` header', code: 401 } }),
  },
  statuspage: {
    call: 'GET /v1/pages', credential: scheme('OAuth'), secret: uuid,
    live: json([{ id: 'kctbh9vrtdwd', name: 'Fake Status' }]), identity: { page: 'Fake Status' },
    dead: refused(401, { error: 'Could not authenticate' }),
  },
  mercury: {
    call: 'GET /api/v1/accounts', credential: bearer, secret: (s) => 'secret-token:' + 'mercury_production_' + 'wma_' + randomString(ALNUM, 44, s),
    live: json({ accounts: [{ id: 'd0e5', name: 'Fake Checking', status: 'active' }] }), identity: { account: 'Fake Checking' },
    dead: refused(401, { errors: { message: 'Unauthorized' } }),
    notSent: (s) => 'secret-token:' + 'mercury_sandbox_' + 'wma_' + randomString(ALNUM, 44, s),
  },
  'anthropic-admin': {
    call: 'GET /v1/organizations/me', credential: header('x-api-key'), required: { 'anthropic-version': /^2023-06-01$/ },
    secret: (s) => 'sk-ant-' + 'admin01-' + randomString(ALNUM + '_-', 93, s) + 'AA',
    live: json({ id: '12345678-1234-5678-1234-567812345678', name: 'Fake Org', type: 'organization' }), identity: { organization: 'Fake Org', id: '12345678-1234-5678-1234-567812345678' },
    dead: refused(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }),
    notSent: (s) => 'sk-ant-' + 'api03-' + randomString(ALNUM + '_-', 93, s) + 'AA',
  },
  'openai-admin': {
    call: 'GET /v1/organization/admin_api_keys?limit=1', credential: bearer, secret: (s) => 'sk-' + 'admin-' + randomString(ALNUM, 58, s) + 'T3Blbk' + 'FJ' + randomString(ALNUM, 58, s + 1),
    live: json({ object: 'list', data: [{ object: 'organization.admin_api_key', id: 'key_abc', name: 'Main Admin Key', redacted_value: 'sk-admin...xyz' }] }), identity: undefined,
    dead: refused(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }),
    notSent: (s) => 'sk-' + 'proj-' + randomString(ALNUM, 58, s) + 'T3Blbk' + 'FJ' + randomString(ALNUM, 58, s + 1),
  },
};

type Mode = 'live' | 'dead' | 'ratelimited' | 'broken' | 'alt';
interface Fake { url: string; modes: Map<string, Mode>; requests: Req[]; misshapen: string[]; close(): Promise<void> }

/** A fake issuer answering only `c.call` with the credential where the issuer documents it. */
async function startFake(c: Case): Promise<Fake> {
  const fake: Fake = { url: '', modes: new Map(), requests: [], misshapen: [], close: async () => {} };
  const [method, documented] = c.call.split(' ') as [string, string];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const r: Req = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
      fake.requests.push(r);
      const credential = c.inQuery ? new URL(r.path, 'http://fake').searchParams.get(c.inQuery) ?? undefined : c.credential(r);
      const u = new URL(r.path, 'http://fake');
      if (c.inQuery) u.searchParams.delete(c.inQuery);
      const wrong = [
        r.method !== method && `method ${r.method}`,
        u.pathname + u.search !== documented && `path ${u.pathname + u.search}`,
        c.inQuery && r.headers.authorization !== undefined && 'an Authorization header besides the query credential',
        !credential && 'no credential where the issuer documents it',
        ...Object.entries(c.required ?? {}).map(([h, re]) => !re.test(String(r.headers[h] ?? '')) && `header ${h}`),
      ].filter((x): x is string => typeof x === 'string');
      let a: Answer;
      if (wrong.length) {
        fake.misshapen.push(wrong.join('; '));
        a = { status: 400, body: { error: 'request shape differs from the documented API' } };
      } else {
        const mode = fake.modes.get(credential!) ?? 'dead';
        a = mode === 'ratelimited' ? { status: 429, body: {} } : mode === 'broken' ? { status: 503, body: {} } : mode === 'live' ? c.live : mode === 'alt' ? c.alt!.answer : c.dead;
      }
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return fake;
}

const IDS = Object.keys(CASES);
const fakes = serveFakes(IDS, (id) => startFake(CASES[id]!));
const ctx = () => ({ timeoutMs: 5000, signal: new AbortController().signal });
const secretOf = (id: string, seed: number) => (CASES[id]!.secret ?? token(40))(seed);

async function check(id: string, secret: string, mode?: Mode): Promise<VerificationResult> {
  if (mode) fakes.get(id)!.modes.set(secret, mode);
  const r = await (await loadVerifier(id)).verify({ secret, rule: `${id}-rule` }, ctx());
  expect(JSON.stringify(r).includes(secret), 'the secret is in the result').toBe(false);
  return r;
}

describe('the declared verifiers and the cases here', () => {
  it('every declared verifier has a fake issuer case, and no case is for an undeclared one', () => {
    expect(Object.keys(data.verifiers).sort()).toEqual([...IDS].sort());
  });
});

describe.each(IDS)('declared verifier %s against a fake issuer', (id) => {
  it('a working credential is live with the identity the issuer gave; one request of the documented shape', async () => {
    const fake = fakes.get(id)!;
    const before = fake.requests.length;
    const r = await check(id, secretOf(id, 1), 'live');
    expect(fake.misshapen).toEqual([]);
    expect(fake.requests.length - before).toBe(1);
    expect(r.status).toBe('live');
    expect(r.identity).toEqual(CASES[id]!.identity);
  });

  it('the issuer\'s refusal is invalid (unknown where a refusal is not certain), with a reason', async () => {
    const r = await check(id, secretOf(id, 2));
    expect(fakes.get(id)!.misshapen).toEqual([]);
    expect(r.status).toBe(CASES[id]!.deadIs ?? 'invalid');
    expect(r.reason).toMatch(/\S/);
    expect(r.identity).toBeUndefined();
  });

  it('a rate limit or an issuer error is unknown, one request each (no retry)', async () => {
    const fake = fakes.get(id)!;
    const before = fake.requests.length;
    expect(await check(id, secretOf(id, 3), 'ratelimited')).toEqual({ status: 'unknown', reason: 'rate limited (HTTP 429)' });
    expect(await check(id, secretOf(id, 4), 'broken')).toEqual({ status: 'unknown', reason: 'issuer error (HTTP 503)' });
    expect(fake.requests.length - before).toBe(2);
  });

  it('the host is the redirected one; without the variable, the documented https URL\'s', async () => {
    const v = await loadVerifier(id);
    expect(v.hosts({ secret: 'x', rule: 'r' })).toEqual([new URL(fakes.get(id)!.url).host]);
    const saved = process.env[endpointVariable(id)];
    delete process.env[endpointVariable(id)];
    try {
      const documented = new URL((data.verifiers as Record<string, { url: string }>)[id]!.url);
      expect(documented.protocol).toBe('https:');
      expect(v.hosts({ secret: 'x', rule: 'r' })).toEqual([documented.host]);
    } finally {
      process.env[endpointVariable(id)] = saved;
    }
  });
});

describe.each(IDS.filter((id) => CASES[id]!.alt))('declared verifier %s: another documented answer', (id) => {
  it('maps as the entry says, after one request', async () => {
    const fake = fakes.get(id)!;
    const before = fake.requests.length;
    expect(await check(id, secretOf(id, 5), 'alt')).toEqual(CASES[id]!.alt!.result);
    expect(fake.requests.length - before).toBe(1);
    expect(fake.misshapen).toEqual([]);
  });
});

describe.each(IDS.filter((id) => CASES[id]!.notSent))('declared verifier %s: another token kind the rule finds', (id) => {
  it('is unknown without a request (the call does not take it)', async () => {
    const fake = fakes.get(id)!;
    const before = fake.requests.length;
    expect(await check(id, CASES[id]!.notSent!(6))).toEqual({ status: 'unknown', reason: `not sent: not in the ${id} format` });
    expect(fake.requests.length).toBe(before);
  });
});

describe('declared verifiers: what is never sent', () => {
  it('a value outside the entry\'s secret_format is unknown without a request (a DigitalOcean refresh token)', async () => {
    const fake = fakes.get('digitalocean')!;
    const before = fake.requests.length;
    const refresh = 'do' + 'r_v1_' + randomString(HEX, 64, 9);
    expect(await check('digitalocean', refresh)).toEqual({ status: 'unknown', reason: 'not sent: not in the digitalocean format' });
    expect(fake.requests.length).toBe(before);
  });

  it('a value with spaces, control or non-ASCII characters is not sent', async () => {
    const fake = fakes.get('linode')!;
    const before = fake.requests.length;
    for (const s of ['abc def', 'abc\r\nX-Evil: 1', 'tök' + 'en'.repeat(10)])
      expect(await check('linode', s)).toEqual({ status: 'unknown', reason: 'not sent: not printable ASCII' });
    expect(fake.requests.length).toBe(before);
  });

  it('a secret holding `$&` or `{secret}` is sent as written', async () => {
    const s = 'ab$&cd{secret}' + randomString(ALNUM, 20, 10);
    const fake = fakes.get('linode')!;
    fake.modes.set(s, 'live');
    expect((await check('linode', s)).status).toBe('live');
    expect(bearer(fake.requests.at(-1)!)).toBe(s);
  });
});

describe('the shipped data file', () => {
  it('parses: every entry passes the loader\'s checks', () => {
    expect(parseHttpVerifiers(data).size).toBe(Object.keys(data.verifiers).length);
  });
});
