/**
 * Redis URIs (redis://, rediss:// for TLS): open a socket to the URI's host, send AUTH [user] password as
 * one RESP command, read the one-line reply, close. No other command is sent. "+OK" is live; WRONGPASS or
 * "invalid password" is dead; a server without a password ("no password is set") is unknown, since the
 * value is then no credential at all.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { VerificationResult, VerifyContext } from '../verifier.js';
import { connectFailure, type DbTarget } from '../db-uri.js';
import { databaseVerifier, type TlsMode } from '../database.js';

/** A RESP array of bulk strings. */
export function respCommand(args: string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''));
}

/** What a one-line reply to AUTH says. */
export function authReply(line: string): VerificationResult {
  if (line.startsWith('+OK')) return { status: 'live' };
  if (/^-WRONGPASS|^-ERR invalid (username-password pair|password)/i.test(line)) return { status: 'invalid', reason: 'WRONGPASS' };
  if (/no password is set|without any password configured/i.test(line)) return { status: 'unknown', reason: 'server has no password set' };
  return { status: 'unknown', reason: `unexpected reply ${line.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')}` };
}

function auth(t: DbTarget, mode: TlsMode, ctx: VerifyContext): Promise<VerificationResult> {
  const useTls = mode !== 'plain';
  return new Promise((resolve) => {
    const opts = { host: t.host, port: t.port };
    const socket = useTls
      ? tls.connect({ ...opts, servername: net.isIP(t.host) ? undefined : t.host, rejectUnauthorized: mode === 'verify' })
      : net.connect(opts);
    let buf = '';
    let settled = false;
    const finish = (r: VerificationResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = () => finish({ status: 'unknown', reason: 'aborted' });
    const timer = setTimeout(() => finish({ status: 'unknown', reason: `timeout after ${ctx.timeoutMs} ms` }), ctx.timeoutMs);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.once(useTls ? 'secureConnect' : 'connect', () => {
      const args = t.user && t.user !== 'default' ? ['AUTH', t.user, t.password] : ['AUTH', t.password];
      socket.write(respCommand(args));
    });
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const end = buf.indexOf('\r\n');
      if (end >= 0) finish(authReply(buf.slice(0, end)));
      else if (buf.length > 4096) finish({ status: 'unknown', reason: 'unexpected reply' });
    });
    socket.on('error', (err) => finish(connectFailure(err, ctx.timeoutMs)));
    socket.on('close', () => finish({ status: 'unknown', reason: 'connection closed before a reply' }));
  });
}

export const verifier = databaseVerifier({
  id: 'redis',
  name: 'Redis',
  schemes: ['redis', 'rediss', 'rediscache'],
  defaultPort: 6379,
  schemePattern: 'rediss?|rediscache',
  // rediss:// is TLS with the certificate checked, as Redis clients do; redis:// is plain.
  modes: (t) => (t.scheme === 'rediss' || t.tls === 'require' || t.tls === 'verify' ? ['verify'] : ['plain']),
  async attempt(t, mode, ctx) {
    const r = await auth(t, mode, ctx);
    if (r.status !== 'live') return r;
    const identity: Record<string, string> = { host: t.host, user: t.user || 'default' };
    if (/^\d+$/.test(t.database)) identity.database = t.database;
    return { status: 'live', identity };
  },
});
