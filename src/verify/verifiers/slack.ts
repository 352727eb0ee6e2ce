/** Slack bot, user and legacy tokens (xoxb-, xoxp-, ...): POST /api/auth.test with a Bearer token. */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('slack', 'https://slack.com');

/** auth.test errors that say the token itself is bad (https://api.slack.com/methods/auth.test). */
const DEAD = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

export const verifier: Verifier = {
  id: 'slack',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/api/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' }, ctx);
    if (a.status !== 200) return commonAnswer(a);
    if (field(a.json, 'ok') === 'true')
      return { status: 'live', identity: identity({ team: field(a.json, 'team'), team_id: field(a.json, 'team_id'), user: field(a.json, 'user'), url: field(a.json, 'url') }) };
    const error = field(a.json, 'error') ?? 'no error field';
    if (DEAD.has(error)) return { status: 'invalid', reason: `auth.test: ${error}` };
    return { status: 'unknown', reason: `auth.test: ${error.replace(/[^a-z0-9_]/gi, '').slice(0, 40)}` };
  },
};
