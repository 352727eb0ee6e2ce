/**
 * The HTTP verifiers of wip/verify-db (aws, azure-storage, twilio, huggingface, datadog, npm, google,
 * telegram, discord), mailchimp and algolia, each against a fake of its issuer on 127.0.0.1. A fake answers only the documented
 * call (method, path, query, auth header form, and for AWS and Azure a signature it recomputes from the
 * documented algorithm); any other request is recorded as misshapen and answered 400, so a verifier that
 * drifts from the API fails here. A working credential must come out live with the identity the issuer
 * gave, the issuer's own refusal invalid, a rate limit or server error unknown, each with one request.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serveFakes } from '../support/fake-issuers.js';
import { ALNUM, awsKeyId, awsSecretKey, randomString } from '../support/fake-secrets.js';
import { endpointVariable } from '../../src/verify/http.js';
import { loadVerifier } from '../../src/verify/registry.js';
import type { VerificationResult, VerifyInput } from '../../src/verify/verifier.js';

interface Req { method: string; path: string; headers: IncomingMessage['headers']; body: string }
interface Answer { status: number; headers?: Record<string, string>; body?: string | object }
/** Decides the answer to a well-shaped request from the credential it carries; returns a string when misshapen. */
type Handler = (req: Req, mode: (credential: string) => Mode) => Answer | string;
type Mode = 'live' | 'dead' | 'ratelimited' | 'broken';

interface Fake { url: string; modes: Map<string, Mode>; requests: Req[]; misshapen: string[]; close(): Promise<void> }

async function startFake(handle: Handler): Promise<Fake> {
  const fake: Fake = { url: '', modes: new Map(), requests: [], misshapen: [], close: async () => {} };
  const mode = (c: string): Mode => fake.modes.get(c) ?? 'dead';
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => {
      const r: Req = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      fake.requests.push(r);
      let a = handle(r, mode);
      if (typeof a === 'string') { fake.misshapen.push(a); a = { status: 400, body: { error: 'request shape differs from the documented API' } }; }
      const text = typeof a.body === 'string' ? a.body : a.body === undefined ? '' : JSON.stringify(a.body);
      res.writeHead(a.status, { 'content-type': typeof a.body === 'string' ? 'text/xml' : 'application/json', ...a.headers });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return fake;
}

/** The answer for the credential's mode: `live`/`dead` given, rate limit and server error shared. */
function byMode(m: Mode, live: Answer, dead: Answer): Answer {
  if (m === 'ratelimited') return { status: 429, body: { error: 'rate limited' } };
  if (m === 'broken') return { status: 503, body: { error: 'unavailable' } };
  return m === 'live' ? live : dead;
}

const bearer = (r: Req) => /^Bearer (\S+)$/.exec(String(r.headers.authorization ?? ''))?.[1];
const expectShape = (r: Req, method: string, path: string | RegExp) =>
  r.method !== method ? `method ${r.method}, documented ${method}` : (typeof path === 'string' ? r.path !== path : !path.test(r.path)) ? `path ${r.path}` : undefined;

// --- credentials, built at run time -------------------------------------------------------------------
const seedStr = (seed: number, n: number) => randomString(ALNUM, n, seed);
const twilioSid = 'AC' + randomString('0123456789abcdef', 32, 11);
const azureAccount = 'sweepfake' + randomString('abcdefghijklmnopqrstuvwxyz', 6, 12);
const awsId = awsKeyId(13);
const awsArn = `arn:aws:iam::123456789012:user/fake-user`;

// --- issuers ------------------------------------------------------------------------------------------
/** SigV4 recomputed here from the AWS docs' steps, independently of src/verify/verifiers/aws.ts. */
function stsSignatureOk(r: Req, secretFor: (id: string) => string | undefined): 'ok' | 'unknown-id' | 'bad-signature' | string {
  const m = /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/us-east-1\/sts\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(String(r.headers.authorization ?? ''));
  if (!m) return `authorization header: ${String(r.headers.authorization).replace(/Signature=\w+/, 'Signature=…')}`;
  const [, id, day, signed, sig] = m as unknown as [string, string, string, string, string];
  const amzDate = String(r.headers['x-amz-date'] ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) return 'x-amz-date';
  if (!signed.split(';').includes('host') || !signed.split(';').includes('x-amz-date')) return 'host and x-amz-date must be signed';
  const secret = secretFor(id);
  if (!secret) return 'unknown-id';
  const hex = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = `POST\n/\n\n${signed.split(';').map((h) => `${h}:${String(r.headers[h]).trim()}\n`).join('')}\n${signed}\n${hex(r.body)}`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${day}/us-east-1/sts/aws4_request\n${hex(canonical)}`;
  const k = ['us-east-1', 'sts', 'aws4_request'].reduce((key, part) => createHmac('sha256', key).update(part).digest(), createHmac('sha256', 'AWS4' + secret).update(day).digest());
  return createHmac('sha256', k).update(toSign).digest('hex') === sig ? 'ok' : 'bad-signature';
}

const awsSecrets = new Map<string, string>();
const stsError = (code: string) => `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>fake</Message></Error><RequestId>1</RequestId></ErrorResponse>`;

/** Azure Shared Key recomputed here from the Blob service docs (12 standard header lines, then x-ms-*, then the resource). */
function azureSignature(key: string, r: Req): string {
  const std = ['content-encoding', 'content-language', 'content-length', 'content-md5', 'content-type', 'date', 'if-modified-since', 'if-match', 'if-none-match', 'if-unmodified-since', 'range'];
  const ms = Object.keys(r.headers).filter((h) => h.startsWith('x-ms-')).sort().map((h) => `${h}:${String(r.headers[h])}\n`).join('');
  const u = new URL(r.path, 'http://x');
  const params = [...u.searchParams.keys()].sort().map((k) => `\n${k}:${u.searchParams.get(k)}`).join('');
  const toSign = [r.method, ...std.map((h) => (h === 'content-length' && r.headers[h] === '0' ? '' : String(r.headers[h] ?? '')))].join('\n') + '\n' + ms + `/${azureAccount}${u.pathname}` + params;
  return createHmac('sha256', Buffer.from(key, 'base64')).update(toSign).digest('base64');
}
const azureKeys = new Set<string>();

/** Mailchimp's basic auth: any user name, the key as password. */
const basicPassword = (r: Req) => {
  const m = /^Basic (\S+)$/.exec(String(r.headers.authorization ?? ''));
  const text = m ? Buffer.from(m[1]!, 'base64').toString() : '';
  return text.includes(':') ? text.slice(text.indexOf(':') + 1) : undefined;
};

const algoliaApp = 'SWEEP' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 5, 71);

const ISSUERS: Record<string, Handler> = {
  algolia: (r, mode) => {
    const m = /^\/1\/keys\/([a-f0-9]{32})$/.exec(r.path);
    if (r.method !== 'GET' || !m) return `${r.method} ${r.path.replace(/[a-f0-9]{32}/, '…')}`;
    if (r.headers['x-algolia-application-id'] !== algoliaApp || r.headers['x-algolia-api-key'] !== m[1]) return 'x-algolia-application-id and x-algolia-api-key (the key read) are required';
    return byMode(mode(m[1]!), { status: 200, body: { value: m[1], createdAt: 1656345570000, acl: ['search', 'addObject'], description: '<redacted>' } }, { status: 403, body: { message: 'Invalid Application-ID or API key', status: 403 } });
  },
  mailchimp: (r, mode) => expectShape(r, 'GET', '/3.0/?fields=account_id,account_name,email') ?? (basicPassword(r)
    ? byMode(mode(basicPassword(r)!), { status: 200, body: { account_id: '8d3a3db4d97663a9074efcc16', account_name: 'Fake Shop', email: 'fake@example.com' } }, { status: 401, body: { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title: 'API Key Invalid', status: 401 } })
    : 'basic auth must carry the key as password'),
  huggingface: (r, mode) => expectShape(r, 'GET', '/api/whoami-v2') ?? (bearer(r) ? byMode(mode(bearer(r)!), { status: 200, body: { type: 'user', name: 'hf-fake', auth: { accessToken: { role: 'read' } } } }, { status: 401, body: { error: 'Invalid credentials in Authorization header' } }) : 'no bearer token'),
  npm: (r, mode) => expectShape(r, 'GET', '/-/whoami') ?? (bearer(r) ? byMode(mode(bearer(r)!), { status: 200, body: { username: 'npm-fake' } }, { status: 401, body: { error: 'Unauthorized' } }) : 'no bearer token'),
  datadog: (r, mode) => {
    const key = r.headers['dd-api-key'];
    return expectShape(r, 'GET', '/api/v1/validate') ?? (typeof key === 'string' ? byMode(mode(key), { status: 200, body: { valid: true } }, { status: 403, body: { errors: ['Forbidden'] } }) : 'no DD-API-KEY header');
  },
  telegram: (r, mode) => {
    const m = /^\/bot(\d+:[A-Za-z0-9_-]+)\/getMe$/.exec(r.path);
    if (r.method !== 'GET' || !m) return `${r.method} ${r.path.replace(/bot[^/]+/, 'bot…')}`;
    return byMode(mode(m[1]!), { status: 200, body: { ok: true, result: { id: 7000001, is_bot: true, username: 'fake_bot' } } }, { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
  },
  twilio: (r, mode) => {
    const shape = expectShape(r, 'GET', `/2010-04-01/Accounts/${twilioSid}.json`);
    if (shape) return shape;
    const basic = /^Basic (\S+)$/.exec(String(r.headers.authorization ?? ''))?.[1];
    const [user, token] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    if (user !== twilioSid || !token) return 'basic auth must be AccountSid:AuthToken';
    return byMode(mode(token), { status: 200, body: { sid: twilioSid, friendly_name: 'Fake Account', status: 'active' } }, { status: 401, body: { code: 20003, message: 'Authenticate' } });
  },
  google: (r, mode) => {
    const key = r.headers['x-goog-api-key'];
    if (r.path.includes('key=')) return 'key in the URL';
    const shape = expectShape(r, 'GET', '/v1beta/models?pageSize=1') ?? (typeof key === 'string' ? undefined : 'no X-Goog-Api-Key header');
    if (shape) return shape;
    const info = (reason: string, metadata?: object) => ({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', ...(metadata ? { metadata } : {}) });
    if (mode(key as string) === 'ratelimited' && (key as string).endsWith('restricted'))
      return { status: 403, body: { error: { code: 403, status: 'PERMISSION_DENIED', details: [info('SERVICE_DISABLED', { consumer: 'projects/424242', service: 'generativelanguage.googleapis.com' })] } } };
    return byMode(mode(key as string), { status: 200, body: { models: [] } }, { status: 400, body: { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [info('API_KEY_INVALID')] } } });
  },
  discord: (r, mode) => {
    const m = /^\/api\/webhooks\/(\d+)\/([A-Za-z0-9_-]+)$/.exec(r.path);
    if (r.method !== 'GET' || !m) return `${r.method} ${r.path.replace(/\/[A-Za-z0-9_-]{60,}$/, '/…')}`;
    if (m[2]!.startsWith('deleted')) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    return byMode(mode(m[2]!), { status: 200, body: { type: 1, id: m[1], name: 'fake-hook', channel_id: '199737254929760256', guild_id: '199737254929760257' } }, { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } });
  },
  'azure-storage': (r, mode) => {
    const shape = expectShape(r, 'GET', '/?comp=list&maxresults=1');
    if (shape) return shape;
    if (!r.headers['x-ms-date'] || !/^\d{4}-\d{2}-\d{2}$/.test(String(r.headers['x-ms-version']))) return 'x-ms-date and x-ms-version are required';
    const m = /^SharedKey ([a-z0-9]+):(\S+)$/.exec(String(r.headers.authorization ?? ''));
    if (!m || m[1] !== azureAccount) return 'authorization must be SharedKey <account>:<signature>';
    const key = [...azureKeys].find((k) => azureSignature(k, r) === m[2]);
    const denied: Answer = { status: 403, headers: { 'x-ms-error-code': 'AuthenticationFailed' }, body: '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code></Error>' };
    return key ? byMode(mode(key), { status: 200, body: '<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Containers/></EnumerationResults>' }, denied) : denied;
  },
  aws: (r, mode) => {
    const shape = expectShape(r, 'POST', '/') ?? (r.body !== 'Action=GetCallerIdentity&Version=2011-06-15' ? `body ${r.body}` : undefined)
      ?? (!/^application\/x-www-form-urlencoded/.test(String(r.headers['content-type'])) ? 'content-type' : undefined);
    if (shape) return shape;
    const sig = stsSignatureOk(r, (id) => awsSecrets.get(id));
    if (sig === 'unknown-id') return { status: 403, body: stsError('InvalidClientTokenId') };
    if (sig === 'bad-signature') return { status: 403, body: stsError('SignatureDoesNotMatch') };
    if (sig !== 'ok') return sig;
    const id = /Credential=([A-Z0-9]+)\//.exec(String(r.headers.authorization))![1]!;
    return byMode(mode(id), { status: 200, body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${awsArn}</Arn><UserId>AIDAFAKEUSERID</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>` }, { status: 403, body: stsError('InvalidClientTokenId') });
  },
};

/** Per issuer: a credential input for a seed, and the identity a live one must carry. */
const mailchimpKey = (s: number, dc = 'us6') => randomString('0123456789abcdef', 32, s) + '-' + dc;
const CASES: Record<string, { input(seed: number): VerifyInput; credential(input: VerifyInput): string; identity: Record<string, string> }> = {
  algolia: { input: (s) => ({ secret: randomString('0123456789abcdef', 32, s), rule: 'algolia-admin-api-key', companions: { appId: algoliaApp } }), credential: (i) => i.secret, identity: { app: algoliaApp, acl: 'search,addObject' } },
  mailchimp: { input: (s) => ({ secret: mailchimpKey(s), rule: 'mailchimp-api-key' }), credential: (i) => i.secret, identity: { account: '8d3a3db4d97663a9074efcc16', name: 'Fake Shop', email: 'fake@example.com', data_center: 'us6' } },
  huggingface: { input: (s) => ({ secret: 'hf_' + seedStr(s, 34), rule: 'huggingface-token' }), credential: (i) => i.secret, identity: { user: 'hf-fake', type: 'user', role: 'read' } },
  npm: { input: (s) => ({ secret: 'npm_' + seedStr(s, 36), rule: 'npm-token' }), credential: (i) => i.secret, identity: { user: 'npm-fake' } },
  datadog: { input: (s) => ({ secret: randomString('0123456789abcdef', 32, s), rule: 'datadog-api-key' }), credential: (i) => i.secret, identity: { site: 'datadoghq.com' } },
  telegram: { input: (s) => ({ secret: `${7000000 + s}:AA${seedStr(s, 33)}`, rule: 'telegram-bot-token' }), credential: (i) => i.secret, identity: { bot: 'fake_bot', id: '7000001' } },
  twilio: { input: (s) => ({ secret: randomString('0123456789abcdef', 32, s), rule: 'twilio-auth-token', companions: { accountSid: twilioSid } }), credential: (i) => i.secret, identity: { account: twilioSid, name: 'Fake Account', state: 'active' } },
  google: { input: (s) => ({ secret: 'AI' + 'za' + seedStr(s, 35), rule: 'google-api-key' }), credential: (i) => i.secret, identity: { access: 'Generative Language API' } },
  discord: {
    input: (s) => ({ secret: `https://discord.com/api/webhooks/${'1'.repeat(18)}/${seedStr(s, 68)}`, rule: 'discord-webhook' }),
    credential: (i) => i.secret.split('/').at(-1)!,
    identity: { name: 'fake-hook', channel: '199737254929760256', guild: '199737254929760257' },
  },
  'azure-storage': {
    input: (s) => ({ secret: `DefaultEndpointsProtocol=https;AccountName=${azureAccount};AccountKey=${Buffer.from(randomString(ALNUM, 64, s)).toString('base64')};EndpointSuffix=core.windows.net`, rule: 'azure-storage-connection-string' }),
    credential: (i) => /AccountKey=([^;]+)/.exec(i.secret)![1]!,
    identity: { account: azureAccount },
  },
  aws: {
    input: (s) => ({ secret: awsSecretKey(s), rule: 'aws-secret-access-key', companions: { accessKeyId: s === 1 || s === 3 || s === 4 ? awsId : awsKeyId(s + 100) } }),
    credential: (i) => i.companions!.accessKeyId!,
    identity: { account: '123456789012', arn: awsArn, user_id: 'AIDAFAKEUSERID' },
  },
};
const IDS = Object.keys(CASES);

const fakes = serveFakes(IDS, (id) => startFake(ISSUERS[id]!));

const ctx = () => ({ timeoutMs: 3000, signal: new AbortController().signal });
async function verify(id: string, input: VerifyInput): Promise<VerificationResult> {
  return (await loadVerifier(id)).verify(input, ctx());
}
/** Make the fake accept `input`'s credential in `mode` (AWS and Azure also learn the secret to check signatures). */
function enrol(id: string, input: VerifyInput, mode: Mode): void {
  const c = CASES[id]!.credential(input);
  fakes.get(id)!.modes.set(c, mode);
  if (id === 'aws') awsSecrets.set(c, input.secret);
  if (id === 'azure-storage') azureKeys.add(c);
}

describe.each(IDS)('verifier %s against a fake issuer', (id) => {
  it('a working credential is live, with the identity the issuer gave; the documented request shape', async () => {
    const input = CASES[id]!.input(1);
    enrol(id, input, 'live');
    const before = fakes.get(id)!.requests.length;
    const r = await verify(id, input);
    expect(fakes.get(id)!.misshapen).toEqual([]);
    expect(r).toEqual({ status: 'live', identity: CASES[id]!.identity });
    expect(fakes.get(id)!.requests.length - before).toBe(1);
  });

  it('a refused credential is invalid (datadog: unknown, another site may know it)', async () => {
    const r = await verify(id, CASES[id]!.input(2));
    expect(fakes.get(id)!.misshapen).toEqual([]);
    expect(r.status).toBe(id === 'datadog' ? 'unknown' : 'invalid');
  });

  it('a rate limit or a server error is unknown, after one request each (no retry)', async () => {
    const limited = CASES[id]!.input(3);
    enrol(id, limited, 'ratelimited');
    const before = fakes.get(id)!.requests.length;
    expect(await verify(id, limited)).toMatchObject({ status: 'unknown', reason: 'rate limited (HTTP 429)' });
    const broken = CASES[id]!.input(4);
    enrol(id, broken, 'broken');
    expect(await verify(id, broken)).toMatchObject({ status: 'unknown', reason: 'issuer error (HTTP 503)' });
    expect(fakes.get(id)!.requests.length - before).toBe(2);
    expect(fakes.get(id)!.misshapen).toEqual([]);
  });

  it('its host is the redirected endpoint, never a repository setting', async () => {
    const v = await loadVerifier(id);
    expect(v.hosts(CASES[id]!.input(1))).toEqual([new URL(fakes.get(id)!.url).host]);
  });
});

describe('issuer-specific answers', () => {
  it('algolia: the application ID next to the key names the host; without one, or with a malformed one, nothing is sent', async () => {
    const v = await loadVerifier('algolia');
    const [named, bare] = v.companions!.map((c) => (text: string) => c.pattern.exec(text)?.[1]);
    expect(named!(`ALGOLIA_APP_ID=${algoliaApp}`)).toBe(algoliaApp);
    expect(named!(`const client = algoliasearch('${algoliaApp}', process.env.KEY)`)).toBe(algoliaApp);
    expect(named!(`docsearch({ appId: "${algoliaApp}" })`)).toBeUndefined();
    expect(bare!(`docsearch({ appId: "${algoliaApp}" })`)).toBe(algoliaApp);
    expect(bare!(`PUSHER_APP_ID=${algoliaApp}`)).toBeUndefined();
    expect(bare!(`APP_ID=${algoliaApp.toLowerCase()}`)).toBeUndefined();
    const name = endpointVariable('algolia');
    const was = process.env[name];
    delete process.env[name];
    try {
      expect(v.hosts({ secret: randomString('0123456789abcdef', 32, 72), rule: 'r', companions: { appId: algoliaApp } })).toEqual([`${algoliaApp.toLowerCase()}.algolia.net`]);
    } finally {
      process.env[name] = was;
    }
    const before = fakes.get('algolia')!.requests.length;
    for (const companions of [undefined, { appId: 'evil.example' }, { appId: algoliaApp + 'X' }]) {
      const input = { secret: randomString('0123456789abcdef', 32, 73), rule: 'algolia-admin-api-key', companions };
      expect(v.hosts(input)).toEqual([]);
      expect((await verify('algolia', input)).status).toBe('unknown');
    }
    expect(fakes.get('algolia')!.requests.length).toBe(before);
    // A bare appId may be another service's: the pair's refusal is then not certain.
    const bareInput = { secret: randomString('0123456789abcdef', 32, 74), rule: 'algolia-admin-api-key', companions: { anyAppId: algoliaApp } };
    expect(await verify('algolia', bareInput)).toMatchObject({ status: 'unknown', reason: 'HTTP 403 for the application ID found near it (not named as Algolia\'s)' });
    fakes.get('algolia')!.modes.set(bareInput.secret, 'live');
    expect(await verify('algolia', bareInput)).toEqual({ status: 'live', identity: { app: algoliaApp, acl: 'search,addObject' } });
  });

  it('mailchimp: the host is the key\'s own data center; a value not in the key\'s form is not sent', async () => {
    const v = await loadVerifier('mailchimp');
    const name = endpointVariable('mailchimp');
    const was = process.env[name];
    delete process.env[name];
    try {
      expect(v.hosts({ secret: mailchimpKey(61, 'us21'), rule: 'mailchimp-api-key' })).toEqual(['us21.api.mailchimp.com']);
    } finally {
      process.env[name] = was;
    }
    const before = fakes.get('mailchimp')!.requests.length;
    for (const secret of [mailchimpKey(62, 'eu1'), mailchimpKey(63, 'us6.evil.example'), mailchimpKey(64, 'us123')]) {
      expect(v.hosts({ secret, rule: 'mailchimp-api-key' })).toEqual([]);
      expect(await verify('mailchimp', { secret, rule: 'mailchimp-api-key' })).toEqual({ status: 'unknown', reason: 'not sent: not in the mailchimp format' });
    }
    expect(fakes.get('mailchimp')!.requests.length).toBe(before);
  });

  it('google: a key refused for this API (SERVICE_DISABLED) exists, so it is live, with its project', async () => {
    const input = { secret: 'AI' + 'za' + seedStr(21, 25) + 'restricted', rule: 'google-api-key' };
    fakes.get('google')!.modes.set(input.secret, 'ratelimited');
    expect(await verify('google', input)).toEqual({ status: 'live', identity: { restriction: 'SERVICE_DISABLED', project: 'projects/424242' } });
  });

  it('discord: a deleted webhook (404, code 10015) is invalid; only GET is ever sent', async () => {
    const r = await verify('discord', { secret: `https://discordapp.com/api/webhooks/${'2'.repeat(18)}/deleted${seedStr(22, 61)}`, rule: 'discord-webhook' });
    expect(r).toMatchObject({ status: 'invalid', reason: 'HTTP 404 (Unknown Webhook)' });
    expect(new Set(fakes.get('discord')!.requests.map((q) => q.method))).toEqual(new Set(['GET']));
  });

  it('aws: the right key id with a wrong secret is invalid (SignatureDoesNotMatch); the key id as finding with a wrong neighbour is unknown', async () => {
    const right = CASES.aws!.input(1);
    enrol('aws', right, 'live');
    const wrongSecret = { secret: awsSecretKey(31), rule: 'aws-secret-access-key', companions: { accessKeyId: awsId } };
    expect(await verify('aws', wrongSecret)).toMatchObject({ status: 'invalid', reason: 'HTTP 403 SignatureDoesNotMatch' });
    const keyIdFinding = { secret: awsId, rule: 'aws-access-key-id', companions: { secretAccessKey: awsSecretKey(32) } };
    expect((await verify('aws', keyIdFinding)).status).toBe('unknown');
    const keyIdWithItsSecret = { secret: awsId, rule: 'aws-access-key-id', companions: { secretAccessKey: right.secret } };
    expect((await verify('aws', keyIdWithItsSecret)).status).toBe('live');
  });

  it('aws: a temporary key (ASIA) without its session token is unknown without a request', async () => {
    const before = fakes.get('aws')!.requests.length;
    const r = await verify('aws', { secret: awsSecretKey(33), rule: 'aws-secret-access-key', companions: { accessKeyId: 'AS' + 'IA' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 33) } });
    expect(r.status).toBe('unknown');
    expect(fakes.get('aws')!.requests.length).toBe(before);
  });

  it('twilio without the account SID, azure without an account name: unknown without a request', async () => {
    const before = fakes.get('twilio')!.requests.length + fakes.get('azure-storage')!.requests.length;
    expect((await verify('twilio', { secret: randomString('0123456789abcdef', 32, 41), rule: 't' })).status).toBe('unknown');
    expect((await verify('azure-storage', { secret: Buffer.from(randomBytes(64)).toString('base64'), rule: 'a' })).status).toBe('unknown');
    expect(fakes.get('twilio')!.requests.length + fakes.get('azure-storage')!.requests.length).toBe(before);
  });

  it('azure: an account key with the accountName companion is checked like a connection string', async () => {
    const key = Buffer.from(randomString(ALNUM, 64, 51)).toString('base64');
    azureKeys.add(key);
    fakes.get('azure-storage')!.modes.set(key, 'live');
    expect(await verify('azure-storage', { secret: key, rule: 'azure-storage-key', companions: { accountName: azureAccount } })).toEqual({ status: 'live', identity: { account: azureAccount } });
  });

  it('a test endpoint variable that names a non-loopback host is refused (a secret never goes elsewhere)', async () => {
    const v = await loadVerifier('npm');
    const name = endpointVariable('npm');
    const was = process.env[name];
    process.env[name] = 'https://collector.example/';
    try {
      expect(() => v.hosts({ secret: 'x', rule: 'r' })).toThrow(/loopback|127\.0\.0\.1/);
    } finally {
      process.env[name] = was;
    }
  });
});
