/**
 * The mongodb verifier: no fake MongoDB server here (the handshake needs BSON and SCRAM), so the result
 * mapping is tested on the driver's own error classes, and the real driver is run against a closed port.
 */
import net from 'node:net';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { password } from '../support/fake-secrets.js';
import { mongoError, verifier as mongodb } from '../../src/verify/verifiers/mongodb.js';

describe('mongodb verifier', () => {
  it('AuthenticationFailed (code 18) is invalid, also when wrapped as a cause', () => {
    const auth = new MongoServerError({ ok: 0, code: 18, errmsg: 'Authentication failed.', codeName: 'AuthenticationFailed' });
    expect(mongoError(auth, 1000)).toMatchObject({ status: 'invalid' });
    const wrapped = Object.assign(new Error('selection failed'), { name: 'MongoServerSelectionError', cause: auth });
    expect(mongoError(wrapped, 1000)).toMatchObject({ status: 'invalid' });
  });

  it('other server errors, network errors and server selection timeouts are unknown', () => {
    expect(mongoError(new MongoServerError({ ok: 0, code: 13, errmsg: 'not authorized' }), 1000).status).toBe('unknown');
    expect(mongoError(new MongoNetworkError('connection refused'), 1000).status).toBe('unknown');
    expect(mongoError(Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' }), 1000)).toMatchObject({ status: 'unknown' });
  });

  it('a closed port is unknown (real driver), within about the timeout', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
    const t0 = Date.now();
    const r = await mongodb.verify({ secret: `mongodb://app:${encodeURIComponent(password(81))}@127.0.0.1:${port}/admin`, rule: 'mongodb-uri' }, { timeoutMs: 500, signal: new AbortController().signal });
    expect(r.status).toBe('unknown');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('names the URI host only; a URI without a password is unknown', async () => {
    expect(mongodb.hosts({ secret: 'mongodb://u:p@db.internal.example:27018/x', rule: 'r' })).toEqual(['db.internal.example']);
    expect((await mongodb.verify({ secret: 'mongodb://db.internal.example/x', rule: 'r' }, { timeoutMs: 500, signal: new AbortController().signal })).status).toBe('unknown');
  });
});
