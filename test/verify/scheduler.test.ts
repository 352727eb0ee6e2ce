/**
 * The --verify scheduler: global and per-host concurrency, per-host pace, per-run cache, per-call
 * timeout, no retries, failures as unknown, the secret read from the text at the finding's offsets,
 * companions found near the secret, nothing secret in a reason.
 */
import { describe, expect, it } from 'vitest';
import { attachSecret, type Finding } from '../../src/findings/finding.js';
import { redact } from '../../src/findings/redact.js';
import { fingerprint } from '../../src/findings/fingerprint.js';
import { companionNear, verifyFindings, type VerifyRunOptions } from '../../src/verify/scheduler.js';
import type { Verifier, VerifyInput, VerificationResult } from '../../src/verify/verifier.js';
import { closedPort } from '../support/fake-issuers.js';
import { endpointVariable } from '../../src/verify/http.js';
import { ALNUM, randomString } from '../support/fake-secrets.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function finding(secret: string, file: string, start = 0, rule = 'fake-token', hidden = true): Finding {
  const f = {
    rule, description: 'fake', file, line: 1, column: start + 1, endLine: 1, endColumn: start + secret.length, start, end: start + secret.length,
    redacted: redact(secret), fingerprint: fingerprint(rule, secret), entropy: 4, tags: [], severity: 'high',
  } as Finding;
  return hidden ? attachSecret(f, secret) : f;
}

/** A verifier that records its calls, in flight counts, and answers after `ms`. */
function recorder(opts: { ms?: number; host?: (s: string) => string; answer?: (i: VerifyInput) => VerificationResult | Promise<VerificationResult>; companions?: Verifier['companions'] } = {}) {
  const calls: { input: VerifyInput; at: number }[] = [];
  let inFlight = 0;
  const max = { all: 0, byHost: new Map<string, number>() };
  const now = new Map<string, number>();
  const v: Verifier = {
    id: 'fake',
    companions: opts.companions,
    hosts: (i) => [opts.host?.(i.secret) ?? 'one.example'],
    async verify(input) {
      const host = opts.host?.(input.secret) ?? 'one.example';
      calls.push({ input, at: Date.now() });
      inFlight++;
      now.set(host, (now.get(host) ?? 0) + 1);
      max.all = Math.max(max.all, inFlight);
      max.byHost.set(host, Math.max(max.byHost.get(host) ?? 0, now.get(host)!));
      try {
        await sleep(opts.ms ?? 20);
        return opts.answer ? await opts.answer(input) : { status: 'live' };
      } finally {
        inFlight--;
        now.set(host, now.get(host)! - 1);
      }
    },
  };
  return { v, calls, max };
}

const run = (findings: Finding[], v: Verifier, extra: Partial<VerifyRunOptions> = {}) =>
  verifyFindings(findings, { verifierOf: () => v.id, textOf: async () => undefined, load: async () => v, ...extra });

const secrets = (n: number, seed = 1) => Array.from({ length: n }, (_, i) => 'sec' + randomString(ALNUM, 20, seed + i));

describe('verify scheduler', () => {
  it('keeps at most `concurrency` calls in flight across hosts', async () => {
    const { v, max, calls } = recorder({ ms: 30, host: (s) => `h${s.charCodeAt(5) % 5}.example` });
    const out = await run(secrets(20).map((s, i) => finding(s, `f${i}`)), v, { limits: { concurrency: 3, perHost: 10, perHostPerSecond: 0 } });
    expect(calls).toHaveLength(20);
    expect(max.all).toBe(3);
    expect(out.every((f) => f.verification?.status === 'live' && f.verification.verifier === 'fake')).toBe(true);
  });

  it('keeps at most `perHost` calls in flight to one host', async () => {
    const { v, max } = recorder({ ms: 30 });
    await run(secrets(10).map((s, i) => finding(s, `f${i}`)), v, { limits: { concurrency: 10, perHost: 2, perHostPerSecond: 0 } });
    expect(max.byHost.get('one.example')).toBe(2);
  });

  it('paces calls to one host (perHostPerSecond)', async () => {
    const { v, calls } = recorder({ ms: 1 });
    await run(secrets(5).map((s, i) => finding(s, `f${i}`)), v, { limits: { concurrency: 10, perHost: 10, perHostPerSecond: 20 } });
    // 1000/20 = 50 ms apart: the fifth call starts 200 ms after the first (less a little timer slack).
    expect(calls[4]!.at - calls[0]!.at).toBeGreaterThanOrEqual(190);
    const unpaced = recorder({ ms: 1 });
    await run(secrets(5, 60).map((s, i) => finding(s, `f${i}`)), unpaced.v, { limits: { concurrency: 10, perHost: 10, perHostPerSecond: 0 } });
    expect(unpaced.calls[4]!.at - unpaced.calls[0]!.at).toBeLessThan(100);
  });

  it('asks once per secret in a run (cache), whatever the number of places', async () => {
    const { v, calls } = recorder();
    const [s] = secrets(1);
    const out = await run([finding(s!, 'a'), finding(s!, 'b'), finding(s!, 'c', 5)], v);
    expect(calls).toHaveLength(1);
    expect(out.map((f) => f.verification?.status)).toEqual(['live', 'live', 'live']);
  });

  it('a call past the timeout is unknown, even when the verifier ignores the signal', async () => {
    const { v } = recorder({ ms: 5000 });
    const t0 = Date.now();
    const out = await run([finding(secrets(1)[0]!, 'a')], v, { limits: { timeoutMs: 100 } });
    expect(out[0]!.verification).toEqual({ status: 'unknown', verifier: 'fake', reason: 'timeout after 100 ms' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a thrown error is unknown, not invalid, and not retried', async () => {
    const { v, calls } = recorder({ answer: () => { throw Object.assign(new Error('boom'), { code: 'ECONNRESET' }); } });
    const out = await run([finding(secrets(1)[0]!, 'a')], v);
    expect(out[0]!.verification).toMatchObject({ status: 'unknown', reason: 'connection reset' });
    expect(calls).toHaveLength(1);
  });

  it('a connection refused by the issuer is unknown (real verifier, closed port)', async () => {
    const port = await closedPort();
    const name = endpointVariable('github');
    const old = process.env[name];
    process.env[name] = `http://127.0.0.1:${port}`;
    try {
      const out = await verifyFindings([finding('gh' + 'p_' + randomString(ALNUM, 36, 3), 'a')], { verifierOf: () => 'github', textOf: async () => undefined });
      expect(out[0]!.verification).toEqual({ status: 'unknown', verifier: 'github', reason: 'connection refused' });
    } finally {
      if (old === undefined) delete process.env[name];
      else process.env[name] = old;
    }
  });

  it('reads the secret from the text at the finding offsets (no hidden value needed)', async () => {
    const { v, calls } = recorder();
    const s = secrets(1)[0]!;
    const text = `x = 1\nTOKEN="${s}"\n`;
    const out = await run([finding(s, 'a', text.indexOf(s), 'fake-token', false)], v, { textOf: async () => text });
    expect(calls[0]!.input.secret).toBe(s);
    expect(out[0]!.verification?.status).toBe('live');
  });

  it('text that changed since the scan is not used: the detector value is, or the finding is unknown', async () => {
    const { v, calls } = recorder();
    const [s, other] = secrets(2, 40);
    const stale = `TOKEN="${other}"`;
    await run([finding(s!, 'a', 7)], v, { textOf: async () => stale });
    expect(calls[0]!.input.secret).toBe(s);
    const out = await run([finding(s!, 'b', 7, 'fake-token', false)], v, { textOf: async () => stale });
    expect(out[0]!.verification).toMatchObject({ status: 'unknown', reason: 'secret could not be read again' });
  });

  it('passes the companion closest to the secret; without one, unknown and no call', async () => {
    const companions = [{ name: 'accountId', pattern: /\b(AC[0-9a-f]{8})\b/ }];
    const { v, calls } = recorder({ companions });
    const s = secrets(1)[0]!;
    const text = `sid = "ACaaaaaaaa"\n\n\nsid2 = "ACbbbbbbbb"\ntoken = "${s}"\n`;
    await run([finding(s, 'a', text.indexOf(s))], v, { textOf: async () => text });
    expect(calls[0]!.input.companions).toEqual({ accountId: 'ACbbbbbbbb' });
    const lone = `token = "${s}"\n`;
    const out = await run([finding(s, 'b', lone.indexOf(s))], recorder({ companions }).v, { textOf: async () => lone });
    expect(out[0]!.verification).toEqual({ status: 'unknown', verifier: 'fake', reason: 'no accountId near the secret' });
  });

  it('without the text (stdin), companions are looked for on the line the detector kept', async () => {
    const companions = [{ name: 'accountId', pattern: /\b(AC[0-9a-f]{8})\b/ }];
    const { v, calls } = recorder({ companions });
    const s = secrets(1, 80)[0]!;
    const line = `client = Client("ACcccccccc", "${s}")`;
    const f = attachSecret(finding(s, '-', 500, 'fake-token', false), s, line);
    f.column = line.indexOf(s) + 1;
    await run([f], v);
    expect(calls[0]!.input).toMatchObject({ secret: s, companions: { accountId: 'ACcccccccc' } });
  });

  it('companionNear looks only `within` characters away and never at the secret itself', () => {
    const text = 'AC11111111' + ' '.repeat(50) + 'AC22222222';
    expect(companionNear({ name: 'x', pattern: /AC\d{8}/, within: 10 }, text, { start: 60, end: 70 })).toBeUndefined();
    expect(companionNear({ name: 'x', pattern: /AC\d{8}/, within: 100 }, text, { start: 60, end: 70 })).toBe('AC11111111');
  });

  it('no secret in a reason or identity, no control characters', async () => {
    const s = secrets(1)[0]!;
    const { v } = recorder({ answer: (i) => ({ status: 'invalid', reason: `server said ${i.secret}\u001b[31m`, identity: { echo: i.secret } }) });
    const out = await run([finding(s, 'a')], v);
    expect(JSON.stringify(out[0]!.verification)).not.toContain(s);
    expect(out[0]!.verification!.reason).not.toContain('\u001b');
  });

  it('a rule without a verifier is unknown without a call', async () => {
    const { v, calls } = recorder();
    const out = await verifyFindings([finding(secrets(1)[0]!, 'a')], { verifierOf: () => undefined, textOf: async () => undefined, load: async () => v });
    expect(out[0]!.verification).toEqual({ status: 'unknown', reason: 'no verifier for this rule' });
    expect(calls).toHaveLength(0);
  });
});
