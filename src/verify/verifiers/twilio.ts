/**
 * Twilio auth tokens: GET https://api.twilio.com/2010-04-01/Accounts/<AccountSid>.json with HTTP basic auth
 * AccountSid:AuthToken (Fetch an Account). Companion `accountSid` (AC + 32 hex) found next to the token.
 */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('twilio', 'https://api.twilio.com');

export const verifier: Verifier = {
  id: 'twilio',
  hosts: () => [hostOf(base())],
  companions: [{ name: 'accountSid', pattern: /\b(AC[0-9a-f]{32})\b/ }],
  async verify({ secret, companions }, ctx) {
    const sid = companions?.accountSid;
    if (!sid || !/^AC[0-9a-f]{32}$/.test(sid)) return { status: 'unknown', reason: 'no Twilio account SID near the token' };
    const auth = Buffer.from(`${sid}:${secret}`).toString('base64');
    const a = await request(`${base()}/2010-04-01/Accounts/${sid}.json`, { headers: { authorization: `Basic ${auth}`, accept: 'application/json' } }, ctx);
    if (a.status === 200) return { status: 'live', identity: identity({ account: field(a.json, 'sid'), name: field(a.json, 'friendly_name'), state: field(a.json, 'status') }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (authentication failed)' };
    return commonAnswer(a);
  },
};
