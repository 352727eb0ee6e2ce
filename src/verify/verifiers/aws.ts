/**
 * AWS access keys: STS GetCallerIdentity (POST https://sts.amazonaws.com/, Action=GetCallerIdentity), which
 * any valid key may call whatever its policies say. Signed with Signature Version 4 by hand (node:crypto) so
 * no AWS SDK client is needed; only the signature leaves the machine, never the secret key.
 * The secret is the secret access key with the companion `accessKeyId` found next to it, or the key id with
 * the companion `secretAccessKey`. Temporary keys (ASIA...) need a session token, which is not looked for:
 * they come out `unknown` without a call.
 */
import { createHash, createHmac } from 'node:crypto';
import { commonAnswer, endpoint, hostOf, request } from '../http.js';
import type { VerifyInput, Verifier } from '../verifier.js';

const base = () => endpoint('aws', 'https://sts.amazonaws.com');
const KEY_ID = /^(?:AKIA|ASIA)[A-Z2-7]{16}$/;
const SECRET = /^[A-Za-z0-9+/]{40}$/;
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

export interface SigV4Request {
  method: string;
  host: string;
  path: string;
  /** The canonical query string (names sorted, values URI-encoded), '' when none. */
  query: string;
  /** Headers to sign besides host and x-amz-date, lower-case names. */
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** YYYYMMDD'T'HHMMSS'Z' */
  amzDate: string;
}

/** The Authorization header of a Signature Version 4 request (AWS General Reference, "Create a signed request"). */
export function sigV4Authorization(r: SigV4Request): string {
  const headers: Record<string, string> = { ...r.headers, host: r.host, 'x-amz-date': r.amzDate };
  const names = Object.keys(headers).map((n) => n.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonicalHeaders = names.map((n) => `${n}:${lower[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [r.method, r.path, r.query, canonicalHeaders, signedHeaders, sha256(r.body)].join('\n');
  const day = r.amzDate.slice(0, 8);
  const scope = `${day}/${r.region}/${r.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac('AWS4' + r.secretAccessKey, day);
  key = hmac(key, r.region);
  key = hmac(key, r.service);
  key = hmac(key, 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${r.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** Which of the pair the finding is, and the other half found next to it. */
function keyPair(input: VerifyInput): { id: string; secret: string; findingIsKeyId: boolean } | undefined {
  const c = input.companions ?? {};
  if (SECRET.test(input.secret) && c.accessKeyId && KEY_ID.test(c.accessKeyId)) return { id: c.accessKeyId, secret: input.secret, findingIsKeyId: false };
  if (KEY_ID.test(input.secret) && c.secretAccessKey && SECRET.test(c.secretAccessKey)) return { id: input.secret, secret: c.secretAccessKey, findingIsKeyId: true };
  return undefined;
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export const verifier: Verifier = {
  id: 'aws',
  hosts: () => [hostOf(base())],
  companions: [
    { name: 'accessKeyId', pattern: /\b((?:AKIA|ASIA)[A-Z2-7]{16})\b/, required: false },
    // 40 base64 characters with both cases (so not a git SHA), not part of a longer token.
    { name: 'secretAccessKey', pattern: /(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]{0,39}[A-Z])(?=[A-Za-z0-9+/]{0,39}[a-z])([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])/, required: false },
  ],
  async verify(input, ctx) {
    const pair = keyPair(input);
    if (!pair) return { status: 'unknown', reason: 'no access key id and secret key pair' };
    if (pair.id.startsWith('ASIA')) return { status: 'unknown', reason: 'temporary key (ASIA...) needs its session token' };
    const url = new URL(base());
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const authorization = sigV4Authorization({
      method: 'POST', host: url.host, path: '/', query: '', headers, body: BODY,
      region: 'us-east-1', service: 'sts', accessKeyId: pair.id, secretAccessKey: pair.secret, amzDate,
    });
    const res = await request(`${base()}/`, { method: 'POST', headers: { ...headers, 'x-amz-date': amzDate, authorization, accept: 'application/xml' }, body: BODY }, ctx);
    const body = res.text;
    if (res.status === 200) {
      const id: Record<string, string> = {};
      for (const [k, n] of [['Account', 'account'], ['Arn', 'arn'], ['UserId', 'user_id']] as const) {
        const v = tag(body, k);
        if (v) id[n] = v;
      }
      return { status: 'live', identity: id };
    }
    const code = tag(body, 'Code');
    // A clock too far off reads as a bad signature ("Signature expired"): no verdict on the key.
    if (code === 'SignatureDoesNotMatch' && /expired/i.test(tag(body, 'Message') ?? '')) return { status: 'unknown', reason: `HTTP ${res.status} signature expired (clock skew)` };
    if (code === 'InvalidClientTokenId') return { status: 'invalid', reason: `HTTP ${res.status} InvalidClientTokenId (no such key id)` };
    // The key id exists but the secret is not its pair. When the finding is the key id, the secret found next
    // to it may just be another key's: no verdict on the finding.
    if (code === 'SignatureDoesNotMatch') return pair.findingIsKeyId ? { status: 'unknown', reason: 'key id exists; the secret key next to it is not its pair' } : { status: 'invalid', reason: `HTTP ${res.status} SignatureDoesNotMatch` };
    if (res.status === 403) return { status: 'unknown', reason: `HTTP 403${code ? ' ' + code : ''}` };
    return commonAnswer(res);
  },
};
