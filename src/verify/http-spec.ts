/**
 * The declared HTTP verifiers (http-verifiers.json): issuers checked by one read-only GET or HEAD to a
 * fixed documented URL, the secret in a header, basic auth or a query parameter, the answer mapped by
 * status (and JSON fields) to live / invalid / unknown. This module only checks the data and types it (pure);
 * verifiers/http-declared.ts makes the call.
 *
 * An entry (every field but `docs`, `url`, `answers` optional; any other field is an error):
 *
 *   "digitalocean": {
 *     "docs": "https://docs.digitalocean.com/...",          the page documenting the call (https)
 *     "method": "GET",                                       GET (default) or HEAD: never anything that writes
 *     "url": "https://api.digitalocean.com/v2/account",      https, fixed: no placeholder, no user info
 *     "headers": { "Authorization": "Bearer {secret}" },     `{secret}` is replaced by the credential
 *     "basic": ["{secret}", ""],                            HTTP basic auth: [user, password]
 *     "query": { "api_key": "{secret}" },                    added to the URL's query
 *     "secret_format": "^dop_v1_[0-9a-f]{64}$",              a value not matching it is not sent (unknown)
 *     "answers": [                                           first match wins; none: 429/5xx/other unknown
 *       { "status": 200, "json": { "ok": true }, "result": "live" },
 *       { "status": [401, 403], "result": "invalid", "reason": "HTTP {status} (token refused)" }
 *     ],
 *     "identity": { "email": "json:account.email", "org": "header:x-org", "site": "const:us1" },
 *     "note": "why an answer maps as it does"
 *   }
 *
 * `{secret}` must occur in headers, basic or query (else nothing would be checked), and nowhere else.
 */
import { SweepError } from '../errors.js';
import type { VerificationStatus } from './verifier.js';

export const SECRET = '{secret}';

export interface AnswerSpec {
  statuses: number[];
  /** Every JSON path (dotted; numbers index arrays) must hold exactly this scalar. */
  json: [path: string[], value: string | number | boolean | null][];
  result: VerificationStatus;
  reason?: string;
}

export interface IdentitySource {
  from: 'json' | 'header' | 'const';
  /** JSON path segments, or the one header name (lower case), or the constant text. */
  path: string[];
}

export interface HttpVerifierSpec {
  id: string;
  docs: string;
  method: 'GET' | 'HEAD';
  /** The documented URL (its origin is what a test redirect replaces). */
  url: URL;
  headers: [name: string, value: string][];
  basic?: { user: string; password: string };
  query: [name: string, value: string][];
  secretFormat?: RegExp;
  answers: AnswerSpec[];
  identity: [name: string, source: IdentitySource][];
}

const FIELDS = new Set(['docs', 'method', 'url', 'headers', 'basic', 'query', 'secret_format', 'answers', 'identity', 'note']);
const ANSWER_FIELDS = new Set(['status', 'json', 'result', 'reason']);
const RESULTS = new Set<VerificationStatus>(['live', 'invalid', 'unknown']);
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Header names the request sets itself, or that would change where or how it goes. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'user-agent']);

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The data file's verifiers, checked; the first fault throws one line naming the verifier and field. */
export function parseHttpVerifiers(data: unknown, file = 'http-verifiers.json'): Map<string, HttpVerifierSpec> {
  const fail = (where: string, msg: string): never => {
    throw new SweepError(`${file}: ${where}: ${msg}`);
  };
  if (!isObject(data) || !isObject(data.verifiers)) fail('top level', 'must be an object with a `verifiers` object');
  for (const k of Object.keys(data as Raw)) if (k !== 'verifiers' && k !== '$comment') fail('top level', `unknown field \`${k}\``);
  const out = new Map<string, HttpVerifierSpec>();
  for (const [id, raw] of Object.entries((data as Raw).verifiers as Raw)) {
    if (!ID.test(id)) fail(id, 'an id is lower-case letters, digits and single dashes');
    out.set(id, parseOne(id, raw, (field, msg) => fail(field ? `${id}.${field}` : id, msg)));
  }
  return out;
}

function parseOne(id: string, raw: unknown, fail: (field: string, msg: string) => never): HttpVerifierSpec {
  if (!isObject(raw)) fail('', 'must be an object');
  const r = raw as Raw;
  for (const k of Object.keys(r)) if (!FIELDS.has(k)) fail(k, `unknown field (known: ${[...FIELDS].join(', ')})`);
  const str = (field: string, v: unknown): string => (typeof v === 'string' && v !== '' ? v : fail(field, 'must be a non-empty string'));
  const templates: string[] = [];
  const template = (field: string, v: unknown): string => {
    const s = typeof v === 'string' ? v : fail(field, 'must be a string');
    if (/[\r\n\u0000]/.test(s)) fail(field, 'must not contain line breaks');
    if (s.replaceAll(SECRET, '').includes('{')) fail(field, `the only placeholder is ${SECRET}`);
    templates.push(s);
    return s;
  };
  const pairs = (field: string, v: unknown, name: RegExp): [string, string][] => {
    if (v === undefined) return [];
    if (!isObject(v)) fail(field, 'must be an object of names to values');
    return Object.entries(v as Raw).map(([k, x]) => {
      if (!name.test(k)) fail(`${field}.${k}`, 'is not a valid name');
      return [k, template(`${field}.${k}`, x)];
    });
  };

  const docs = str('docs', r.docs);
  if (!/^https:\/\/[^\s]+$/.test(docs)) fail('docs', 'must be an https URL');
  const method = r.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') fail('method', 'must be GET or HEAD (a verifier never changes anything)');

  const urlText = str('url', r.url);
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return fail('url', `is not a URL: ${urlText}`);
  }
  if (url.protocol !== 'https:') fail('url', 'must be https (the secret goes over TLS only)');
  if (url.username || url.password || url.hash) fail('url', 'must have no user info and no fragment');
  if (/[{}]|%7b|%7d/i.test(urlText)) fail('url', 'is fixed: no placeholder (the secret goes in headers, basic or query)');
  if (/^[\d.]+$|^\[/.test(url.hostname) || !url.hostname.includes('.')) fail('url', 'must name the issuer by its domain');

  const headers = pairs('headers', r.headers, TOKEN);
  for (const [k] of headers) if (RESERVED_HEADERS.has(k.toLowerCase())) fail(`headers.${k}`, 'is set by the request itself');
  let basic: HttpVerifierSpec['basic'];
  if (r.basic !== undefined) {
    if (!Array.isArray(r.basic) || r.basic.length !== 2) fail('basic', 'must be [user, password]');
    const [user, password] = r.basic as unknown[];
    basic = { user: template('basic[0]', user), password: template('basic[1]', password) };
    if (basic.user.includes(':')) fail('basic[0]', 'the user must not contain a colon');
    if (headers.some(([k]) => k.toLowerCase() === 'authorization')) fail('basic', 'and an Authorization header exclude each other');
  }
  const query = pairs('query', r.query, /^[A-Za-z0-9_.\-[\]]+$/);
  if (!templates.some((t) => t.includes(SECRET))) fail('', `${SECRET} must occur in headers, basic or query`);

  let secretFormat: RegExp | undefined;
  if (r.secret_format !== undefined) {
    const f = str('secret_format', r.secret_format);
    if (!f.startsWith('^') || !f.endsWith('$')) fail('secret_format', 'must be anchored (^...$): it says what the whole secret looks like');
    try {
      secretFormat = new RegExp(f);
    } catch {
      fail('secret_format', 'is not a valid regular expression');
    }
  }

  if (!Array.isArray(r.answers) || r.answers.length === 0) fail('answers', 'must be a non-empty list');
  const answers = (r.answers as unknown[]).map((a, i) => parseAnswer(a, (f, m) => fail(`answers[${i}]${f ? `.${f}` : ''}`, m)));
  if (!answers.some((a) => a.result === 'live')) fail('answers', 'must say which answer is live');

  const identity: HttpVerifierSpec['identity'] = [];
  if (r.identity !== undefined) {
    if (!isObject(r.identity)) fail('identity', 'must be an object of names to sources');
    for (const [name, src] of Object.entries(r.identity as Raw)) {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) fail(`identity.${name}`, 'a name is lower-case letters, digits and _');
      const m = typeof src === 'string' ? /^(json|header|const):(.+)$/.exec(src) : null;
      if (!m) fail(`identity.${name}`, 'must be "json:<path>", "header:<name>" or "const:<text>"');
      const [, from, path] = m as RegExpExecArray & [string, IdentitySource['from'], string];
      if (from === 'header' && !TOKEN.test(path)) fail(`identity.${name}`, 'is not a header name');
      if (from === 'json' && path.split('.').some((p) => p === '')) fail(`identity.${name}`, 'has an empty path segment');
      identity.push([name, { from, path: from === 'header' ? [path.toLowerCase()] : from === 'const' ? [path] : path.split('.') }]);
    }
  }
  if (r.note !== undefined) str('note', r.note);

  return { id, docs, method: method as 'GET' | 'HEAD', url, headers, basic, query, secretFormat, answers, identity };
}

function parseAnswer(raw: unknown, fail: (field: string, msg: string) => never): AnswerSpec {
  if (!isObject(raw)) fail('', 'must be an object');
  const a = raw as Raw;
  for (const k of Object.keys(a)) if (!ANSWER_FIELDS.has(k)) fail(k, `unknown field (known: ${[...ANSWER_FIELDS].join(', ')})`);
  const list = Array.isArray(a.status) ? a.status : [a.status];
  if (list.length === 0 || !list.every((s) => Number.isInteger(s) && (s as number) >= 100 && (s as number) <= 599)) fail('status', 'must be an HTTP status or a list of them');
  const statuses = list as number[];
  if (statuses.some((s) => s === 429 || s >= 500)) fail('status', 'rate limits (429) and issuer errors (5xx) are always unknown');
  if (!RESULTS.has(a.result as VerificationStatus)) fail('result', 'must be live, invalid or unknown');
  const result = a.result as VerificationStatus;
  const json: AnswerSpec['json'] = [];
  if (a.json !== undefined) {
    if (!isObject(a.json)) fail('json', 'must be an object of paths to values');
    for (const [path, v] of Object.entries(a.json as Raw)) {
      if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) fail(`json.${path}`, 'must be a string, number, boolean or null');
      json.push([path.split('.'), v as string | number | boolean | null]);
    }
  }
  // A 2xx says invalid only with the field that says so (Slack-like `ok: false`), never by status alone.
  if (result === 'invalid' && statuses.some((s) => s < 400) && json.length === 0) fail('status', 'a success status says invalid only with a `json` condition');
  if (a.reason !== undefined && (typeof a.reason !== 'string' || a.reason === '' || a.reason.length > 120 || a.reason.replaceAll('{status}', '').includes('{')))
    fail('reason', 'must be a short text (the only placeholder is {status})');
  return { statuses, json, result, reason: a.reason as string | undefined };
}
