/**
 * Azure Storage account keys: GET https://<account>.blob.core.windows.net/?comp=list&maxresults=1 (List
 * Containers, read-only) signed with Shared Key. Only an HMAC of the request leaves the machine, never the
 * key. The secret is a whole connection string (AccountName=...;AccountKey=...), or the account key with
 * the companion `accountName` (from AccountName= or <account>.blob.core.windows.net next to it). 403 AuthenticationFailed is dead; other 403s (a firewall, a
 * key allowed no listing) are unknown.
 */
import { createHmac } from 'node:crypto';
import { commonAnswer, endpoint, hostOf, request } from '../http.js';
import type { VerifyInput, Verifier } from '../verifier.js';

const ACCOUNT = /^[a-z0-9]{3,24}$/;
const KEY = /^[A-Za-z0-9+/]{86}==$/;
/** Azure's public, China and US Government clouds: a connection string naming any other suffix is not asked. */
const SUFFIXES = new Set(['core.windows.net', 'core.chinacloudapi.cn', 'core.usgovcloudapi.net']);
const API_VERSION = '2021-08-06';

interface StorageAccount { account: string; key: string; suffix: string }

export function storageAccount(input: VerifyInput): StorageAccount | undefined {
  const fields = new Map<string, string>();
  for (const part of input.secret.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const account = fields.get('accountname') ?? input.companions?.accountName;
  const key = fields.get('accountkey') ?? input.secret.trim();
  const suffix = fields.get('endpointsuffix') ?? input.companions?.endpointSuffix ?? 'core.windows.net';
  if (!account || !ACCOUNT.test(account) || !KEY.test(key) || !SUFFIXES.has(suffix)) return undefined;
  return { account, key, suffix };
}

/** The Shared Key signature of a body-less GET (Blob service, version 2015-02-21 and later). */
export function sharedKeySignature(account: string, key: string, path: string, query: Record<string, string>, msHeaders: Record<string, string>): string {
  const headers = Object.keys(msHeaders).map((k) => k.toLowerCase()).sort().map((k) => `${k}:${msHeaders[k]!.trim()}\n`).join('');
  const params = Object.keys(query).sort().map((k) => `\n${k.toLowerCase()}:${query[k]}`).join('');
  // VERB, then 11 standard headers empty for a GET (Content-Encoding ... Range), then the x-ms- headers and resource.
  const toSign = 'GET\n' + '\n'.repeat(11) + headers + `/${account}${path}` + params;
  return createHmac('sha256', Buffer.from(key, 'base64')).update(toSign, 'utf8').digest('base64');
}

const base = (a: StorageAccount) => endpoint('azure-storage', `https://${a.account}.blob.${a.suffix}`);

export const verifier: Verifier = {
  id: 'azure-storage',
  companions: [{
    name: 'accountName',
    pattern: /(?<=AccountName=)[a-z0-9]{3,24}\b|(?<![a-z0-9.-])[a-z0-9]{3,24}(?=\.(?:blob|queue|file|table|dfs)\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net))/,
    required: false,
  }, {
    // The cloud of a connection string (it follows the key, so it is not part of the secret).
    name: 'endpointSuffix',
    pattern: /(?<=EndpointSuffix=)core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)\b/,
    within: 300,
    required: false,
  }],
  hosts(input) {
    const a = storageAccount(input);
    return a ? [hostOf(base(a))] : [];
  },
  async verify(input, ctx) {
    const a = storageAccount(input);
    if (!a) return { status: 'unknown', reason: 'no storage account name and key' };
    const query = { comp: 'list', maxresults: '1' };
    const ms = { 'x-ms-date': new Date().toUTCString(), 'x-ms-version': API_VERSION };
    const sig = sharedKeySignature(a.account, a.key, '/', query, ms);
    const res = await request(`${base(a)}/?comp=list&maxresults=1`, { headers: { ...ms, authorization: `SharedKey ${a.account}:${sig}` } }, ctx);
    if (res.status === 200) return { status: 'live', identity: { account: a.account } };
    const code = res.headers.get('x-ms-error-code');
    if (res.status === 403 && code === 'AuthenticationFailed') return { status: 'invalid', reason: 'HTTP 403 AuthenticationFailed' };
    // A firewall (AuthorizationFailure) or a missing permission is no verdict on the key.
    if (res.status === 403) return { status: 'unknown', reason: `HTTP 403${code ? ' ' + code : ''}` };
    return commonAnswer(res);
  },
};
