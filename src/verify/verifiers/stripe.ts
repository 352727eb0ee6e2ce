/** Stripe secret and restricted keys (sk_live_, sk_test_, rk_live_): GET /v1/account with a Bearer key. */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('stripe', 'https://api.stripe.com');

export const verifier: Verifier = {
  id: 'stripe',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/v1/account`, { headers: { authorization: `Bearer ${secret}` } }, ctx);
    const mode = /^(?:sk|rk)_test_/.test(secret) ? 'test' : 'live';
    if (a.status === 200) return { status: 'live', identity: identity({ account: field(a.json, 'id'), country: field(a.json, 'country'), mode }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (invalid API key)' };
    // A restricted key without the account permission authenticates and is refused the resource.
    if (a.status === 403) return { status: 'live', identity: identity({ mode }), reason: 'HTTP 403: restricted key without account read permission' };
    return commonAnswer(a);
  },
};
