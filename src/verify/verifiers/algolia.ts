/**
 * Algolia API keys: GET https://<appid>.algolia.net/1/keys/<key> (Retrieve API key permissions), with the
 * key itself in X-Algolia-API-Key: any key may read its own permissions. The application ID (10 capitals
 * and digits) is a companion and names the host, so nothing else ever does: `appId` after an Algolia-named
 * setting or as algoliasearch()'s first argument, else `anyAppId` after a bare appId/applicationId setting.
 * 403 "Invalid Application-ID or API key" is the issuer's refusal of the pair: invalid with an Algolia-named
 * ID, unknown with a bare one (it may be another service's ID that happens to fit).
 */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier, VerifyInput } from '../verifier.js';

const KEY = /^[a-f0-9]{32}$/;
const APP_ID = /^[A-Z0-9]{10}$/;

/** The application ID to ask, and whether it was named as Algolia's. */
const appOf = (input: VerifyInput): { app: string; named: boolean } | undefined => {
  const named = input.companions?.appId;
  const app = named ?? input.companions?.anyAppId;
  return app && APP_ID.test(app) && KEY.test(input.secret) ? { app, named: named !== undefined } : undefined;
};
const base = (app: string) => endpoint('algolia', `https://${app.toLowerCase()}.algolia.net`);

export const verifier: Verifier = {
  id: 'algolia',
  companions: [{
    name: 'appId',
    pattern: /(?:(?:ALGOLIA|[Aa]lgolia)_?(?:APP(?:LICATION)?_ID|[Aa]pp(?:lication)?_?[Ii][Dd])["']?\s*(?::=|=>|=|:)\s*["']?|algoliasearch\(\s*["'])([A-Z0-9]{10})(?![A-Za-z0-9])/,
    required: false,
  }, {
    name: 'anyAppId',
    pattern: /(?<![A-Za-z0-9_])(?:APP(?:LICATION)?_ID|app(?:lication)?_?[Ii][Dd])["']?\s*(?::=|=>|=|:)\s*["']?([A-Z0-9]{10})(?![A-Za-z0-9])/,
    required: false,
  }],
  hosts(input) {
    const a = appOf(input);
    return a ? [hostOf(base(a.app))] : [];
  },
  async verify(input, ctx) {
    const found = appOf(input);
    if (!found) return { status: 'unknown', reason: 'not sent: no Algolia application ID next to a key in the Algolia format' };
    const { app, named } = found;
    const a = await request(`${base(app)}/1/keys/${input.secret}`, { headers: { 'x-algolia-application-id': app, 'x-algolia-api-key': input.secret, accept: 'application/json' } }, ctx);
    if (a.status === 200) {
      const acl = (a.json as { acl?: unknown } | undefined)?.acl;
      return { status: 'live', identity: identity({ app, acl: Array.isArray(acl) ? acl.filter((x) => typeof x === 'string').join(',') : undefined }) };
    }
    if (a.status === 403 && field(a.json, 'message') === 'Invalid Application-ID or API key')
      return named ? { status: 'invalid', reason: 'HTTP 403 (invalid Application-ID or API key)' } : { status: 'unknown', reason: 'HTTP 403 for the application ID found near it (not named as Algolia\'s)' };
    return commonAnswer(a);
  },
};
