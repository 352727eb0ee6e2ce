/** Anthropic API keys (sk-ant-api03-): GET /v1/models with x-api-key and anthropic-version. */
import { commonAnswer, endpoint, field, hostOf, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('anthropic', 'https://api.anthropic.com');

export const verifier: Verifier = {
  id: 'anthropic',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/v1/models`, { headers: { 'x-api-key': secret, 'anthropic-version': '2023-06-01' } }, ctx);
    if (a.status === 200) return { status: 'live' };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (authentication_error)' };
    if (a.status === 403 && field(a.json, 'error', 'type') === 'permission_error') return { status: 'live', reason: 'HTTP 403 permission_error: authenticated, models not permitted' };
    // 529 overloaded and 429 rate limits: unknown.
    return commonAnswer(a);
  },
};
