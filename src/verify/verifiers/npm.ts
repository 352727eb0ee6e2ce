/** npm access tokens (npm_...): GET https://registry.npmjs.org/-/whoami with a bearer token (what `npm whoami` calls). */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('npm', 'https://registry.npmjs.org');

export const verifier: Verifier = {
  id: 'npm',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/-/whoami`, { headers: { authorization: `Bearer ${secret}`, accept: 'application/json' } }, ctx);
    if (a.status === 200) return { status: 'live', identity: identity({ user: field(a.json, 'username') }) };
    if (a.status === 401 || a.status === 403) return { status: 'invalid', reason: `HTTP ${a.status} (token refused)` };
    return commonAnswer(a);
  },
};
