/**
 * The mysql verifier (real mysql2 driver) against a fake MySQL server on 127.0.0.1 that speaks the
 * handshake: protocol 10 greeting with a random scramble, mysql_native_password checked as the server does
 * (SHA1(token XOR SHA1(scramble + SHA1(SHA1(password)))) = SHA1(SHA1(password))), then OK, ERR 1045 or,
 * after a good password, ERR 1049 for an unknown database. It offers no TLS, so the verifier's TLS-first
 * attempt must fall back to plain TCP only when the URI did not require TLS. Any command after the
 * handshake is recorded: the verifier must send none.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { password } from '../support/fake-secrets.js';
import { verifier as mysql } from '../../src/verify/verifiers/mysql.js';
import type { VerifyContext } from '../../src/verify/verifier.js';

const sha1 = (...b: Buffer[]) => createHash('sha1').update(Buffer.concat(b)).digest();
const packet = (seq: number, payload: Buffer) => {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
};
const err = (errno: number, state: string, msg: string) => {
  const b = Buffer.alloc(3);
  b[0] = 0xff;
  b.writeUInt16LE(errno, 1);
  return Buffer.concat([b, Buffer.from('#' + state + msg)]);
};
const OK = Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

interface FakeMysql { port: number; users: Map<string, string>; databases: Set<string>; handshakes: number; commands: number[]; close(): Promise<void> }

async function startFakeMysql(): Promise<FakeMysql> {
  const fake: FakeMysql = { port: 0, users: new Map(), databases: new Set(['app']), handshakes: 0, commands: [], close: async () => {} };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    // Printable scramble bytes, as servers send.
    const scramble = Buffer.from(randomBytes(20).map((b) => 0x21 + (b % 90)));
    const caps = 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x20000 | 0x80000;
    const greeting = Buffer.concat([
      Buffer.from([10]), Buffer.from('8.0.99-fake\0'), Buffer.from([1, 0, 0, 0]), scramble.subarray(0, 8), Buffer.from([0]),
      Buffer.from([caps & 0xff, (caps >> 8) & 0xff, 0x21, 0x02, 0x00, (caps >> 16) & 0xff, (caps >> 24) & 0xff, 21]), Buffer.alloc(10),
      scramble.subarray(8), Buffer.from([0]), Buffer.from('mysql_native_password\0'),
    ]);
    s.write(packet(0, greeting));
    let authed = false;
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUIntLE(0, 3)) {
        const len = buf.readUIntLE(0, 3);
        const seq = buf[3]!;
        const p = buf.subarray(4, 4 + len);
        buf = buf.subarray(4 + len);
        if (authed) { fake.commands.push(p[0]!); continue; }
        fake.handshakes++;
        const clientCaps = p.readUInt32LE(0);
        let i = 32;
        const userEnd = p.indexOf(0, i);
        const user = p.subarray(i, userEnd).toString();
        i = userEnd + 1;
        const tokenLen = p[i]!;
        const token = p.subarray(i + 1, i + 1 + tokenLen);
        i += 1 + tokenLen;
        const db = clientCaps & 0x8 ? p.subarray(i, p.indexOf(0, i)).toString() : '';
        const pass = fake.users.get(user);
        let good = false;
        if (pass !== undefined && token.length === 20) {
          const stage2 = sha1(sha1(Buffer.from(pass)));
          const x = sha1(scramble, stage2);
          const stage1 = Buffer.from(token.map((b, k) => b ^ x[k]!));
          good = sha1(stage1).equals(stage2);
        }
        if (!good) { s.write(packet(seq + 1, err(1045, '28000', `Access denied for user '${user}'@'localhost' (using password: YES)`))); s.end(); return; }
        if (db && !fake.databases.has(db)) { s.write(packet(seq + 1, err(1049, '42000', `Unknown database '${db}'`))); s.end(); return; }
        authed = true;
        s.write(packet(seq + 1, OK));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.port = (server.address() as net.AddressInfo).port;
  fake.close = () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); });
  return fake;
}

const ctx = (timeoutMs = 3000): VerifyContext => ({ timeoutMs, signal: new AbortController().signal });

describe('mysql verifier against a fake MySQL handshake', () => {
  let fake: FakeMysql;
  const pass = password(71);
  const uri = (p: string, db = 'app', query = '') => `mysql://sweep:${encodeURIComponent(p)}@127.0.0.1:${fake.port}/${db}${query}`;
  beforeAll(async () => { fake = await startFakeMysql(); fake.users.set('sweep', pass); });
  afterAll(async () => { await fake.close(); });

  it('the right password is live, with the server version from the greeting; no command after the handshake', async () => {
    fake.commands = [];
    const r = await mysql.verify({ secret: uri(pass), rule: 'mysql-uri' }, ctx());
    expect(r).toEqual({ status: 'live', identity: { user: 'sweep', host: '127.0.0.1', database: 'app', server_version: '8.0.99-fake' } });
    await new Promise((res) => setTimeout(res, 50));
    expect(fake.commands).toEqual([]);
  });

  it('a wrong password is invalid (ERR 1045)', async () => {
    expect(await mysql.verify({ secret: uri('x' + pass), rule: 'mysql-uri' }, ctx())).toMatchObject({ status: 'invalid' });
  });

  it('the right password and an unknown database is live (1049 comes after authentication)', async () => {
    expect((await mysql.verify({ secret: uri(pass, 'nosuch'), rule: 'mysql-uri' }, ctx())).status).toBe('live');
  });

  it('ssl-mode=REQUIRED against a server without TLS is unknown, and no password is sent', async () => {
    const before = fake.handshakes;
    expect(await mysql.verify({ secret: uri(pass, 'app', '?ssl-mode=REQUIRED'), rule: 'mysql-uri' }, ctx())).toMatchObject({ status: 'unknown', reason: 'server has no TLS' });
    expect(fake.handshakes).toBe(before);
  });

  it('a closed port is unknown', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
    const r = await mysql.verify({ secret: `mysql://sweep:${encodeURIComponent(pass)}@127.0.0.1:${port}/app`, rule: 'mysql-uri' }, ctx());
    expect(r).toMatchObject({ status: 'unknown', reason: 'connection refused' });
  });
});
