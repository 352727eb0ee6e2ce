// `scan --verify` end to end over a repository holding live (local) and dead credentials for the
// verifiers of wip/verify-db: a real PostgreSQL (PG_URL, e.g. from .ci/pg-throwaway), a fake Redis, and
// fake npm and STS issuers on 127.0.0.1. Prints every format's output, checks that no secret appears in
// any of them, and times paired scans with and without --verify (alternating, best and median).
// Usage (needs `scan --verify` from wip/verify): npm run build && PG_URL=postgres://... node bench/verify-e2e-db.mjs [rounds]
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { base62 } from '../dist/detect/validators.js';

const rounds = Number(process.argv[2] ?? 5);
const listen = (s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)));
const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rnd = (n, al = A) => Array.from({ length: n }, () => al[randomInt(al.length)]).join('');
const npmToken = () => { const b = rnd(30); return 'np' + 'm_' + b + base62(crc32(b), 6); };
if (!process.env.PG_URL) throw new Error('PG_URL: a PostgreSQL URL with a working password (.ci/pg-throwaway start DIR prints one)');

const liveNpm = npmToken(), deadNpm = npmToken();
const redisPass = rnd(20);
const awsId = 'AK' + 'IA' + rnd(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), awsSecret = rnd(40, A + '+/');
const pg = new URL(process.env.PG_URL);
const pgWrong = new URL(pg); pgWrong.password = rnd(20);
const secrets = [liveNpm, deadNpm, redisPass, awsSecret, pg.password, pgWrong.password];

const http = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/-/whoami') {
      const ok = req.headers.authorization === `Bearer ${liveNpm}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"username":"npm-local"}' : '{}');
    } else if (req.url === '/' && req.method === 'POST') {
      const ok = String(req.headers.authorization).includes(`Credential=${awsId}/`);
      res.writeHead(ok ? 200 : 403);
      res.end(ok ? '<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/local</Arn><UserId>AIDALOCAL</UserId><Account>123456789012</Account></GetCallerIdentityResult>' : '<Error><Code>InvalidClientTokenId</Code></Error>');
    } else { res.writeHead(404); res.end(); }
  });
});
const httpPort = await listen(http);
const redis = net.createServer((s) => s.on('data', (d) => s.write(d.toString().includes(redisPass) ? '+OK\r\n' : '-WRONGPASS invalid username-password pair\r\n')));
const redisPort = await listen(redis);
const closedSrv = net.createServer(); const closed = await listen(closedSrv); closedSrv.close();

const repo = mkdtempSync(join(tmpdir(), 'verify-e2e-'));
mkdirSync(join(repo, 'config'));
writeFileSync(join(repo, '.env'), [
  `DATABASE_URL=${pg}`, `REPLICA_URL=${pgWrong}`, `OLD_DB_URL=postgres://sweep:${rnd(20)}@127.0.0.1:${closed}/postgres`,
  `REDIS_URL=redis://:${redisPass}@127.0.0.1:${redisPort}/0`, `CACHE_URL=redis://:${rnd(20)}@127.0.0.1:${redisPort}/1`, '',
].join('\n'));
writeFileSync(join(repo, 'config', 'npmrc.txt'), `token_live=${liveNpm}\ntoken_old=${deadNpm}\n`);
writeFileSync(join(repo, 'config', 'aws.ini'), `[default]\naws_access_key_id = ${awsId}\naws_secret_access_key = ${awsSecret}\n`);
const env = { ...process.env, SECRET_SWEEP_VERIFY_ENDPOINT_NPM: `http://127.0.0.1:${httpPort}`, SECRET_SWEEP_VERIFY_ENDPOINT_AWS: `http://127.0.0.1:${httpPort}` };

const scan = (args) => new Promise((resolve) => {
  const t0 = performance.now();
  const c = spawn('node', ['bin/secret-sweep.js', 'scan', repo, ...args], { env });
  let out = '', err = '';
  c.stdout.on('data', (d) => { out += d; }); c.stderr.on('data', (d) => { err += d; });
  c.on('close', (code) => resolve({ code, out, err, ms: performance.now() - t0 }));
});
for (const f of ['text', 'json', 'jsonl', 'sarif', 'gitlab', 'junit']) {
  const r = await scan(['--verify', '--format', f, '--no-color']);
  const leaked = secrets.filter((s) => (r.out + r.err).includes(s)).length;
  console.log(`=== scan --verify --format ${f}: exit ${r.code}, ${leaked} secrets in the output\n${r.out}${r.err}`);
}
const plain = [], verified = [];
for (let i = 0; i < rounds; i++) { plain.push((await scan(['--format', 'json'])).ms); verified.push((await scan(['--verify', '--format', 'json'])).ms); }
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`paired runs (${rounds}, alternating): without --verify best ${Math.min(...plain).toFixed(0)} / median ${med(plain).toFixed(0)} ms; with: best ${Math.min(...verified).toFixed(0)} / median ${med(verified).toFixed(0)} ms; 9 findings`);
http.close(); redis.close();
