/** GitLab personal, project and group access tokens (glpat-): GET /api/v4/user with PRIVATE-TOKEN. */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

// gitlab.com only: a self-managed instance's URL would come from the repository, which must not choose
// where a secret is sent.
const base = () => endpoint('gitlab', 'https://gitlab.com');

export const verifier: Verifier = {
  id: 'gitlab',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/api/v4/user`, { headers: { 'private-token': secret } }, ctx);
    if (a.status === 200) return { status: 'live', identity: identity({ username: field(a.json, 'username'), id: field(a.json, 'id') }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (unauthorized)' };
    // GitLab answers 403 insufficient_scope to a valid token whose scopes do not cover /user.
    if (a.status === 403 && field(a.json, 'error') === 'insufficient_scope') return { status: 'live', reason: 'HTTP 403 insufficient_scope: authenticated, /user outside its scopes' };
    return commonAnswer(a);
  },
};
