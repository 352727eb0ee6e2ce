/**
 * The redis verifier against a fake Redis on 127.0.0.1 that speaks enough RESP for AUTH: it records every
 * command, answers +OK to the right password (or ACL user and password), -WRONGPASS otherwise, and a
 * server without a password answers as Redis does. The verifier must send AUTH and nothing else.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { password } from '../support/fake-secrets.js';
import { verifier as redis, respCommand } from '../../src/verify/verifiers/redis.js';
import type { VerifyContext } from '../../src/verify/verifier.js';

/** Parses RESP arrays of bulk strings (what clients send). */
function parseCommands(buf: Buffer): string[][] {
  const out: string[][] = [];
  let i = 0;
  const line = () => { const end = buf.indexOf('\r\n', i); const s = buf.subarray(i, end).toString(); i = end + 2; return s; };
  while (i < buf.length) {
    const n = Number(line().slice(1));
    const args: string[] = [];
    for (let k = 0; k < n; k++) {
      const len = Number(line().slice(1));
      args.push(buf.subarray(i, i + len).toString());
      i += len + 2;
    }
    out.push(args);
  }
  return out;
}

interface FakeRedis { port: number; commands: string[][]; requirePass?: string; aclUser?: [string, string]; silent: boolean; close(): Promise<void> }

async function startFakeRedis(): Promise<FakeRedis> {
  const fake: FakeRedis = { port: 0, commands: [], silent: false, close: async () => {} };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('data', (d) => {
      for (const cmd of parseCommands(d)) {
        fake.commands.push(cmd);
        if (fake.silent) continue;
        if (cmd[0]?.toUpperCase() !== 'AUTH') { s.write('-NOAUTH Authentication required.\r\n'); continue; }
        if (!fake.requirePass && !fake.aclUser) { s.write('-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n'); continue; }
        const ok = cmd.length === 2 ? cmd[1] === fake.requirePass : fake.aclUser && cmd[1] === fake.aclUser[0] && cmd[2] === fake.aclUser[1];
        s.write(ok ? '+OK\r\n' : '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.port = (server.address() as net.AddressInfo).port;
  fake.close = () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); });
  return fake;
}

const ctx = (timeoutMs = 3000): VerifyContext => ({ timeoutMs, signal: new AbortController().signal });
const uri = (port: number, pass: string, user = '') => `redis://${user}:${encodeURIComponent(pass)}@127.0.0.1:${port}/0`;

describe('redis verifier against a fake RESP server', () => {
  let fake: FakeRedis;
  const pass = password(61);
  beforeAll(async () => { fake = await startFakeRedis(); });
  afterAll(async () => { await fake.close(); });

  it('the right password is live; AUTH is the only command sent', async () => {
    fake.requirePass = pass;
    fake.commands = [];
    const r = await redis.verify({ secret: uri(fake.port, pass), rule: 'redis-uri' }, ctx());
    expect(r).toEqual({ status: 'live', identity: { host: '127.0.0.1', user: 'default', database: '0' } });
    expect(fake.commands).toEqual([['AUTH', pass]]);
  });

  it('a wrong password is invalid', async () => {
    fake.requirePass = pass;
    const r = await redis.verify({ secret: uri(fake.port, 'x' + pass), rule: 'redis-uri' }, ctx());
    expect(r).toMatchObject({ status: 'invalid' });
  });

  it('an ACL user and password go as AUTH user password', async () => {
    fake.aclUser = ['app', pass];
    fake.requirePass = undefined;
    fake.commands = [];
    const r = await redis.verify({ secret: uri(fake.port, pass, 'app'), rule: 'redis-uri' }, ctx());
    expect(r).toMatchObject({ status: 'live', identity: { user: 'app' } });
    expect(fake.commands).toEqual([['AUTH', 'app', pass]]);
    fake.aclUser = undefined;
  });

  it('a server with no password set is unknown (the value is no credential there)', async () => {
    fake.requirePass = undefined;
    const r = await redis.verify({ secret: uri(fake.port, pass), rule: 'redis-uri' }, ctx());
    expect(r).toMatchObject({ status: 'unknown', reason: 'server has no password set' });
  });

  it('a server that never answers is unknown after the timeout', async () => {
    fake.silent = true;
    const t0 = Date.now();
    const r = await redis.verify({ secret: uri(fake.port, pass), rule: 'redis-uri' }, ctx(300));
    fake.silent = false;
    expect(r).toMatchObject({ status: 'unknown', reason: 'timeout after 300 ms' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a closed port is unknown', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
    expect(await redis.verify({ secret: uri(port, pass), rule: 'redis-uri' }, ctx())).toMatchObject({ status: 'unknown', reason: 'connection refused' });
  });

  it('a URI without a password is unknown without connecting', async () => {
    fake.commands = [];
    expect((await redis.verify({ secret: `redis://127.0.0.1:${fake.port}/0`, rule: 'redis-uri' }, ctx())).status).toBe('unknown');
    expect(fake.commands).toEqual([]);
  });

  it('encodes commands as RESP bulk strings (binary-safe lengths)', () => {
    expect(respCommand(['AUTH', 'pä$s']).toString()).toBe('*2\r\n$4\r\nAUTH\r\n$5\r\npä$s\r\n');
  });
});
