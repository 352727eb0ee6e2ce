/**
 * The mongodb verifier with the real driver against a fake MongoDB on 127.0.0.1 that speaks enough of the
 * wire protocol for the handshake (OP_QUERY and OP_MSG hello) and SCRAM-SHA-256 as RFC 7677 and the
 * MongoDB auth spec describe it (the client proof checked against the stored key, the server signature
 * sent back). Any command besides hello and the SASL exchange is recorded: the verifier must send none.
 * The result mapping is also tested on the driver's own error classes.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import net from 'node:net';
import { BSON, MongoNetworkError, MongoServerError } from 'mongodb';
import { ALNUM, randomString } from '../support/fake-secrets.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface FakeMongo { port: number; users: Map<string, string>; commands: string[]; close(): Promise<void> }

const H = (b: Buffer | string) => createHash('sha256').update(b).digest();
const HMAC = (k: Buffer, s: string) => createHmac('sha256', k).update(s).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]!));

async function startFakeMongo(): Promise<FakeMongo> {
  const fake: FakeMongo = { port: 0, users: new Map(), commands: [], close: async () => {} };
  const sockets = new Set<net.Socket>();
  let requestId = 1;
  const header = (len: number, responseTo: number, op: number) => {
    const h = Buffer.alloc(16);
    h.writeInt32LE(16 + len, 0); h.writeInt32LE(requestId++, 4); h.writeInt32LE(responseTo, 8); h.writeInt32LE(op, 12);
    return h;
  };
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    const conv: { user?: string; salt?: Buffer; firstBare?: string; serverFirst?: string; nonce?: string } = {};
    const answer = (cmd: Record<string, unknown>): Record<string, unknown> => {
      const name = Object.keys(cmd)[0]!;
      if (/^(hello|ismaster|isMaster)$/.test(name)) {
        const doc: Record<string, unknown> = { helloOk: true, ismaster: true, isWritablePrimary: true, maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000, localTime: new Date(), minWireVersion: 0, maxWireVersion: 21, connectionId: 1, ok: 1 };
        if (cmd.saslSupportedMechs) doc.saslSupportedMechs = ['SCRAM-SHA-256'];
        return doc;
      }
      if (name === 'saslStart') {
        if (cmd.mechanism !== 'SCRAM-SHA-256') return { ok: 0, code: 2, errmsg: 'mechanism' };
        const first = (cmd.payload as Buffer).toString();
        const m = /^n,,(n=([^,]*),r=([^,]+))$/.exec(first);
        if (!m) return { ok: 0, code: 17, errmsg: 'bad client-first' };
        conv.firstBare = m[1]; conv.user = m[2]; conv.salt = randomBytes(16); conv.nonce = m[3] + randomBytes(18).toString('base64');
        conv.serverFirst = `r=${conv.nonce},s=${conv.salt.toString('base64')},i=4096`;
        return { conversationId: 1, done: false, payload: new BSON.Binary(Buffer.from(conv.serverFirst)), ok: 1 };
      }
      if (name === 'saslContinue') {
        const final = (cmd.payload as Buffer).toString();
        const m = /^(c=biws,r=([^,]+)),p=(.+)$/.exec(final);
        const pass = fake.users.get(conv.user ?? '');
        const denied = { ok: 0, errmsg: 'Authentication failed.', code: 18, codeName: 'AuthenticationFailed' };
        if (!m || m[2] !== conv.nonce || pass === undefined) return denied;
        const salted = pbkdf2Sync(pass, conv.salt!, 4096, 32, 'sha256');
        const storedKey = H(HMAC(salted, 'Client Key'));
        const authMessage = `${conv.firstBare},${conv.serverFirst},${m[1]}`;
        const clientKey = xor(Buffer.from(m[3]!, 'base64'), HMAC(storedKey, authMessage));
        if (!H(clientKey).equals(storedKey)) return denied;
        const v = HMAC(HMAC(salted, 'Server Key'), authMessage).toString('base64');
        return { conversationId: 1, done: true, payload: new BSON.Binary(Buffer.from(`v=${v}`)), ok: 1 };
      }
      fake.commands.push(name);
      return { ok: 1 };
    };
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 16 && buf.length >= buf.readInt32LE(0)) {
        const len = buf.readInt32LE(0);
        const msg = buf.subarray(0, len);
        buf = buf.subarray(len);
        const id = msg.readInt32LE(4);
        const op = msg.readInt32LE(12);
        if (op === 2004) { // OP_QUERY: flags, collection cstring, skip, return, query
          const nameEnd = msg.indexOf(0, 20);
          const q = msg.subarray(nameEnd + 9);
          const reply = BSON.serialize(answer(BSON.deserialize(q.subarray(0, q.readInt32LE(0)), { promoteBuffers: true })));
          const body = Buffer.alloc(20);
          body.writeInt32LE(1, 16); // numberReturned
          s.write(Buffer.concat([header(20 + reply.length, id, 1), body, reply]));
        } else if (op === 2013) { // OP_MSG: flags, kind-0 section
          const doc = msg.subarray(21);
          const reply = BSON.serialize(answer(BSON.deserialize(doc.subarray(0, doc.readInt32LE(0)), { promoteBuffers: true })));
          s.write(Buffer.concat([header(5 + reply.length, id, 2013), Buffer.alloc(5), reply]));
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.port = (server.address() as net.AddressInfo).port;
  fake.close = () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); });
  return fake;
}

describe('mongodb verifier against a fake MongoDB (SCRAM-SHA-256)', () => {
  let fake: FakeMongo;
  const pass = randomString(ALNUM, 20, 83);
  const uri = (p: string) => `mongodb://app:${p}@127.0.0.1:${fake.port}/admin`;
  const ctx = () => ({ timeoutMs: 3000, signal: new AbortController().signal });
  beforeAll(async () => { fake = await startFakeMongo(); fake.users.set('app', pass); });
  afterAll(async () => { await fake.close(); });

  it('the right password is live; no command beyond hello and the SASL exchange', async () => {
    fake.commands = [];
    const r = await mongodb.verify({ secret: uri(pass), rule: 'mongodb-uri-password' }, ctx());
    expect(r).toEqual({ status: 'live', identity: { user: 'app', host: '127.0.0.1', auth_database: 'admin' } });
    expect(fake.commands).toEqual([]);
  });

  it('a wrong password is invalid', async () => {
    const r = await mongodb.verify({ secret: uri('x' + pass), rule: 'mongodb-uri-password' }, ctx());
    expect(r).toMatchObject({ status: 'invalid', reason: 'authentication failed (18)' });
  });
});
