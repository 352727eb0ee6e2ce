/**
 * Verifiers speak TLS with certificates checked: a server whose certificate is not trusted gets no
 * request (the finding is unknown), even with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { attachSecret, type Finding } from '../../src/findings/finding.js';
import { fingerprint } from '../../src/findings/fingerprint.js';
import { redact } from '../../src/findings/redact.js';
import { endpointVariable } from '../../src/verify/http.js';
import { verifyFindings } from '../../src/verify/scheduler.js';
import { githubToken } from '../support/fake-secrets.js';

it('an untrusted certificate: no request reaches the server, the finding is unknown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  let requests = 0;
  const server = createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_req, res) => {
    requests++;
    res.writeHead(200);
    res.end('{"login":"should-not-be-asked"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const saved = { ...process.env };
  process.env[endpointVariable('github')] = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  try {
    const secret = githubToken(1811);
    const f = attachSecret({
      rule: 'github-pat-classic', description: 'd', file: 'a', line: 1, column: 1, endLine: 1, endColumn: 40, start: 0, end: 40,
      redacted: redact(secret), fingerprint: fingerprint('github-pat-classic', secret), entropy: 5, tags: [], severity: 'high',
    } as Finding, secret);
    const [out] = await verifyFindings([f], { verifierOf: () => 'github', textOf: async () => undefined });
    expect(out!.verification).toEqual({ status: 'unknown', verifier: 'github', reason: 'network error (DEPTH_ZERO_SELF_SIGNED_CERT)' });
    expect(requests).toBe(0);
  } finally {
    process.env = saved;
    server.close();
  }
});
