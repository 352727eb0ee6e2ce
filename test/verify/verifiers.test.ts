/**
 * Each HTTP verifier against a fake of its issuer on 127.0.0.1 (test/support/fake-issuers.ts): the request
 * has the documented shape, a working token is live with the identity the issuer returned, a refused one
 * invalid, a rate limit or a closed port unknown (never invalid).
 */
import { describe, expect, it } from 'vitest';
import { closedPort, ISSUERS, serveFakes, startFakeIssuer, type IssuerId } from '../support/fake-issuers.js';
import { randomString, ALNUM } from '../support/fake-secrets.js';
import { endpointVariable } from '../../src/verify/http.js';
import { loadVerifier } from '../../src/verify/registry.js';
import type { VerificationResult } from '../../src/verify/verifier.js';

const IDENTITY: Record<IssuerId, Record<string, string> | undefined> = {
  github: { login: 'octo-fake', id: '583231', type: 'User', scopes: 'repo, read:org' },
  gitlab: { username: 'gitlab-fake', id: '42' },
  slack: { team: 'Fake Team', team_id: 'T0FAKE', user: 'fakebot', url: 'https://fake-team.slack.com/' },
  stripe: { account: 'acct_1FakeAccount', country: 'US', mode: 'live' },
  openai: { organization: 'org-fake' },
  anthropic: undefined,
  sendgrid: { scopes: 'mail.send,alerts.read' },
};

const fakes = serveFakes(ISSUERS, (id) => startFakeIssuer(id as IssuerId));

const ctx = () => ({ timeoutMs: 3000, signal: new AbortController().signal });
const token = (seed: number) => 'tok' + randomString(ALNUM, 32, seed);

async function check(id: IssuerId, secret: string): Promise<VerificationResult> {
  const v = await loadVerifier(id);
  return v.verify({ secret, rule: `${id}-token` }, ctx());
}

describe.each(ISSUERS)('verifier %s', (id) => {
  it('live token: live, with the identity the issuer gave; documented request shape', async () => {
    const fake = fakes.get(id)!;
    const t = token(id.length * 7 + 1);
    fake.live.add(t);
    const r = await check(id, t);
    expect(fake.misshapen).toEqual([]);
    expect(r.status).toBe('live');
    expect(r.identity).toEqual(IDENTITY[id]);
    expect(fake.requests.at(-1)!.token).toBe(t);
  });

  it('refused token: invalid', async () => {
    const fake = fakes.get(id)!;
    const r = await check(id, token(id.length * 7 + 2));
    expect(fake.misshapen).toEqual([]);
    expect(r.status).toBe('invalid');
  });

  it('rate limited: unknown, one request (no retry)', async () => {
    const fake = fakes.get(id)!;
    const t = token(id.length * 7 + 3);
    fake.ratelimited.add(t);
    const before = fake.requests.length;
    const r = await check(id, t);
    expect(r).toMatchObject({ status: 'unknown', reason: 'rate limited (HTTP 429)' });
    expect(fake.requests.length - before).toBe(1);
  });

  it('the host is the redirected one, never a repository setting', async () => {
    const v = await loadVerifier(id);
    expect(v.hosts({ secret: 'x', rule: 'r' })).toEqual([new URL(fakes.get(id)!.url).host]);
  });
});

describe('verifier endpoints', () => {
  it('without the test variable each verifier names its documented issuer host', async () => {
    const env = { ...process.env };
    for (const id of ISSUERS) delete process.env[endpointVariable(id)];
    try {
      const hosts = Object.fromEntries(await Promise.all(ISSUERS.map(async (id) => [id, (await loadVerifier(id)).hosts({ secret: 'x', rule: 'r' })])));
      expect(hosts).toEqual({
        github: ['api.github.com'], gitlab: ['gitlab.com'], slack: ['slack.com'], stripe: ['api.stripe.com'],
        openai: ['api.openai.com'], anthropic: ['api.anthropic.com'], sendgrid: ['api.sendgrid.com'],
      });
    } finally {
      process.env = env;
    }
  });

  it('a connection refused is an error the scheduler turns into unknown (checked in scheduler.test.ts)', async () => {
    const port = await closedPort();
    process.env[endpointVariable('github')] = `http://127.0.0.1:${port}`;
    try {
      await expect(check('github', token(9))).rejects.toThrow();
    } finally {
      process.env[endpointVariable('github')] = fakes.get('github')!.url;
    }
  });
});
