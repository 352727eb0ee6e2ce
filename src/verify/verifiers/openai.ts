/** OpenAI API keys (sk-, sk-proj-, sk-svcacct-): GET /v1/models with a Bearer key. */
import { commonAnswer, endpoint, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('openai', 'https://api.openai.com');

export const verifier: Verifier = {
  id: 'openai',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/v1/models`, { headers: { authorization: `Bearer ${secret}` } }, ctx);
    const organization = a.headers.get('openai-organization') ?? undefined;
    const project = a.headers.get('openai-project') ?? undefined;
    if (a.status === 200) return { status: 'live', identity: identity({ organization, project }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (invalid API key)' };
    // A key restricted to other endpoints authenticates and is refused this one.
    if (a.status === 403) return { status: 'live', identity: identity({ organization, project }), reason: 'HTTP 403: authenticated, models not permitted' };
    return commonAnswer(a);
  },
};
