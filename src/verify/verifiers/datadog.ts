/**
 * Datadog API keys: GET https://api.datadoghq.com/api/v1/validate with the DD-API-KEY header; it answers
 * {"valid":true}, or 403. The US1 site is the only one asked, and a key of another Datadog site (EU, US3...)
 * is refused there too, so a 403 is `unknown`, not `invalid`: only a live answer is certain.
 */
import { commonAnswer, endpoint, hostOf, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('datadog', 'https://api.datadoghq.com');

export const verifier: Verifier = {
  id: 'datadog',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/api/v1/validate`, { headers: { 'dd-api-key': secret, accept: 'application/json' } }, ctx);
    if (a.status === 200 && (a.json as { valid?: unknown } | undefined)?.valid === true) return { status: 'live', identity: { site: 'datadoghq.com' } };
    if (a.status === 403) return { status: 'unknown', reason: 'HTTP 403 on datadoghq.com (dead, or a key of another Datadog site)' };
    return commonAnswer(a);
  },
};
