/** Hugging Face user access tokens (hf_...): GET https://huggingface.co/api/whoami-v2 with a bearer token. */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('huggingface', 'https://huggingface.co');

export const verifier: Verifier = {
  id: 'huggingface',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/api/whoami-v2`, { headers: { authorization: `Bearer ${secret}` } }, ctx);
    if (a.status === 200) return { status: 'live', identity: identity({ user: field(a.json, 'name'), type: field(a.json, 'type'), role: field(a.json, 'auth', 'accessToken', 'role') }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (invalid token)' };
    return commonAnswer(a);
  },
};
