/** SendGrid API keys (SG.x.y): GET /v3/scopes with a Bearer key (lists what the key may do, changes nothing). */
import { commonAnswer, endpoint, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('sendgrid', 'https://api.sendgrid.com');
const SHOWN = 6;

export const verifier: Verifier = {
  id: 'sendgrid',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/v3/scopes`, { headers: { authorization: `Bearer ${secret}` } }, ctx);
    if (a.status === 200) {
      const list = (a.json as { scopes?: unknown })?.scopes;
      const scopes = Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
      const shown = scopes.slice(0, SHOWN).join(',') + (scopes.length > SHOWN ? `,+${scopes.length - SHOWN} more` : '');
      return { status: 'live', identity: identity({ scopes: shown }) };
    }
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (unauthorized)' };
    if (a.status === 403) return { status: 'live', reason: 'HTTP 403: authenticated, scopes not readable' };
    return commonAnswer(a);
  },
};
