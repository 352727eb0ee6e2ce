/**
 * Declared verifiers through the built CLI: `scan --verify` over a folder holding credentials of three
 * declared issuers (a live DigitalOcean token, a refused Brevo key, a live Mapbox token sent in the query),
 * a Mailchimp key (coded verifier, host from the key's data center) and a Tailscale auth key (found by the
 * rule, not the API token the Tailscale verifier takes: never sent), each issuer faked on 127.0.0.1
 * through its SECRET_SWEEP_VERIFY_ENDPOINT_<ID>. The DigitalOcean fake echoes the token back inside the
 * identity it returns: no output format may show it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runAsync } from '../support/cli.js';
import { ALNUM, HEX, randomString } from '../support/fake-secrets.js';
import { endpointVariable } from '../../src/verify/http.js';

const doToken = 'do' + 'p_v1_' + randomString(HEX, 64, 2101);
const brevoKey = 'xkey' + 'sib-' + randomString(HEX, 64, 2102) + '-' + randomString(ALNUM, 16, 2103);
const mapboxToken = 'sk.eyJ' + randomString(ALNUM, 60, 2104) + '.' + randomString(ALNUM, 22, 2105);
const mailchimpKey = randomString(HEX, 32, 2106) + '-us6';
const tailscaleAuthKey = 'tskey' + '-auth-' + randomString(ALNUM, 17, 2107) + 'CNTRL-' + randomString(ALNUM, 33, 2108);
const all = [doToken, brevoKey, mapboxToken, mailchimpKey, tailscaleAuthKey];

const seen: { id: string; path: string; auth?: string }[] = [];
const servers: Server[] = [];
let env: Record<string, string> = {};

/** One fake per issuer: answers its documented call only. */
async function fake(id: string, answer: (path: string, headers: Record<string, string | string[] | undefined>) => { status: number; body: unknown }): Promise<string> {
  const server = createServer((req, res) => {
    seen.push({ id, path: req.url ?? '', auth: req.headers.authorization });
    const a = answer(req.url ?? '', req.headers);
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  env = {
    [endpointVariable('digitalocean')]: await fake('digitalocean', (path, h) => (path === '/v2/account' && h.authorization === `Bearer ${doToken}`
      ? { status: 200, body: { account: { email: 'sammy@example.com', uuid: 'u-1', status: `active ${doToken}` } } }
      : { status: 401, body: { id: 'unauthorized' } })),
    [endpointVariable('brevo')]: await fake('brevo', (path) => (path === '/v3/account' ? { status: 401, body: { code: 'unauthorized', message: 'Key not found' } } : { status: 400, body: {} })),
    [endpointVariable('mapbox')]: await fake('mapbox', (path) => {
      const u = new URL(path, 'http://fake');
      return u.pathname === '/tokens/v2' && u.searchParams.get('access_token') === mapboxToken
        ? { status: 200, body: { code: 'TokenValid', token: { usage: 'sk', user: 'mapbox-fake' } } }
        : { status: 401, body: { code: 'TokenInvalid' } };
    }),
    [endpointVariable('mailchimp')]: await fake('mailchimp', (path, h) => (path === '/3.0/?fields=account_id,account_name,email' && h.authorization === `Basic ${Buffer.from(`secret-sweep:${mailchimpKey}`).toString('base64')}`
      ? { status: 200, body: { account_id: 'mc-acc-1', account_name: 'Fake Shop' } }
      : { status: 401, body: { title: 'API Key Invalid' } })),
    // Answers anything: a request reaching it is the failure.
    [endpointVariable('tailscale')]: await fake('tailscale', () => ({ status: 200, body: { devices: [] } })),
  };
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => { s.closeAllConnections(); s.close(r); });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-declared-'));
  writeFileSync(join(dir, '.env'), `DIGITALOCEAN_TOKEN=${doToken}\nBREVO_API_KEY=${brevoKey}\nMAPBOX_TOKEN=${mapboxToken}\nMAILCHIMP_API_KEY=${mailchimpKey}\nTS_AUTHKEY=${tailscaleAuthKey}\n`);
  return dir;
}
const scan = (dir: string, args: string[]) => runAsync(process.execPath, [BIN, 'scan', dir, '--no-color', ...args], { cwd: dir, env, killAfterMs: 60_000 });

describe('scan --verify with declared verifiers (built CLI)', () => {
  it('live, invalid and live again, with identities, one request each; the secret in no format, even echoed by the issuer', async () => {
    const dir = folder();
    const before = seen.length;
    const r = await scan(dir, ['--verify', '--format', 'jsonl']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const by = (rule: string) => lines.find((l) => l.rule === rule);
    expect(by('digitalocean-token')).toMatchObject({ verification: 'live', verifier: 'digitalocean', identity: { email: 'sammy@example.com', uuid: 'u-1' } });
    expect(by('digitalocean-token').identity.status).toMatch(/^active /);
    expect(by('brevo-api-key')).toMatchObject({ verification: 'invalid', verifier: 'brevo', verificationReason: 'HTTP 401 (key not found or disabled)' });
    expect(by('mapbox-secret-token')).toMatchObject({ verification: 'live', verifier: 'mapbox', identity: { user: 'mapbox-fake', usage: 'sk' } });
    expect(by('mailchimp-api-key')).toMatchObject({ verification: 'live', verifier: 'mailchimp', identity: { account: 'mc-acc-1', name: 'Fake Shop', data_center: 'us6' } });
    expect(by('tailscale-key')).toMatchObject({ verification: 'unknown', verifier: 'tailscale', verificationReason: 'not sent: not in the tailscale format' });
    expect(seen.slice(before).map((s) => s.id).sort()).toEqual(['brevo', 'digitalocean', 'mailchimp', 'mapbox']);
    let out = r.stdout + r.stderr;
    for (const format of ['text', 'json', 'sarif', 'gitlab', 'junit']) {
      const f = await scan(dir, ['--verify', '--format', format]);
      expect(f.code, f.stderr).toBe(1);
      out += f.stdout + f.stderr;
    }
    for (const s of all) expect(out.includes(s), 'a secret leaked into output').toBe(false);
    expect(out).toContain('verification: live (digitalocean: email=sammy@example.com');
  });

  it('a redirect of a declared verifier to a non-loopback host is refused before any call (exit 2)', async () => {
    const dir = folder();
    const before = seen.length;
    const r = await runAsync(process.execPath, [BIN, 'scan', dir, '--no-color', '--verify'], { cwd: dir, env: { ...env, [endpointVariable('mapbox')]: 'https://collector.example.net' }, killAfterMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SECRET_SWEEP_VERIFY_ENDPOINT_MAPBOX must be an http(s) URL on 127.0.0.1');
    expect(seen.length).toBe(before);
  });
});
