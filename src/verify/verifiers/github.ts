/** GitHub tokens (ghp_, gho_, ghu_, ghs_, github_pat_): GET /user (REST API, "Get the authenticated user"). */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('github', 'https://api.github.com');

export const verifier: Verifier = {
  id: 'github',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/user`, {
      headers: { authorization: `Bearer ${secret}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
    }, ctx);
    const scopes = a.headers.get('x-oauth-scopes') ?? undefined;
    if (a.status === 200) return { status: 'live', identity: identity({ login: field(a.json, 'login'), id: field(a.json, 'id'), type: field(a.json, 'type'), scopes }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (bad credentials)' };
    // 403 without an exhausted rate limit: the token authenticated but may not read /user (an app's
    // installation token): it works.
    if (a.status === 403 && a.headers.get('x-ratelimit-remaining') !== '0') return { status: 'live', identity: identity({ scopes }), reason: 'HTTP 403: authenticated, /user not accessible to this token' };
    if (a.status === 403) return { status: 'unknown', reason: 'rate limited (HTTP 403, x-ratelimit-remaining: 0)' };
    return commonAnswer(a);
  },
};
