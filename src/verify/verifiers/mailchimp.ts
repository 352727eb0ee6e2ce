/**
 * Mailchimp Marketing API keys: GET https://<dc>.api.mailchimp.com/3.0/ (API Root: the account the key
 * belongs to) with HTTP basic auth `anystring:<key>`. The data center <dc> is the key's own suffix
 * (`-us6` → us6.api.mailchimp.com), the host Mailchimp documents for that key; a value not in the key's
 * form is not sent, so nothing but `us` and digits ever becomes part of the host.
 */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier, VerifyInput } from '../verifier.js';

const KEY = /^[a-f0-9]{32}-(us[0-9]{1,2})$/;

const dataCenter = (input: VerifyInput) => KEY.exec(input.secret)?.[1];
const base = (dc: string) => endpoint('mailchimp', `https://${dc}.api.mailchimp.com`);

export const verifier: Verifier = {
  id: 'mailchimp',
  hosts(input) {
    const dc = dataCenter(input);
    return dc ? [hostOf(base(dc))] : [];
  },
  async verify(input, ctx) {
    const dc = dataCenter(input);
    if (!dc) return { status: 'unknown', reason: 'not sent: not in the mailchimp format' };
    const auth = Buffer.from(`secret-sweep:${input.secret}`).toString('base64');
    // `fields` keeps the answer to the account's identity (the root also lists links to every resource).
    const a = await request(`${base(dc)}/3.0/?fields=account_id,account_name,email`, { headers: { authorization: `Basic ${auth}`, accept: 'application/json' } }, ctx);
    if (a.status === 200) return { status: 'live', identity: identity({ account: field(a.json, 'account_id'), name: field(a.json, 'account_name'), email: field(a.json, 'email'), data_center: dc }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (API key invalid)' };
    return commonAnswer(a);
  },
};
