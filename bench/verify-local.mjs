// Time one verification takes against local servers on 127.0.0.1 (no network latency: this is the
// verifier's own cost, i.e. what `--verify` adds per finding on top of the issuer's round trip).
// Usage: npm run build && node bench/verify-local.mjs [rounds]
// Needs a PostgreSQL for the postgres row: SWEEP_TEST_POSTGRES_URL, else .ci/pg-throwaway is used when
// Debian's postgresql is installed. The machine is shared: each verifier is run `rounds` times,
// alternating with the others, and the best and the median wall time and the CPU time are reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rounds = Number(process.argv[2] ?? 30);
const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
const rnd = (n) => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)]).join('');

// HTTP issuers: answer 200 to anything (the shape is checked in the tests, not here).
const http = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/') { res.writeHead(200, { 'content-type': 'text/xml' }); res.end('<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/b</Arn><UserId>AIDAB</UserId><Account>123456789012</Account></GetCallerIdentityResult>'); return; }
    res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"username":"bench"}');
  });
});
const httpPort = await listen(http);
process.env.SECRET_SWEEP_VERIFY_ENDPOINT_NPM = `http://127.0.0.1:${httpPort}`;
process.env.SECRET_SWEEP_VERIFY_ENDPOINT_AWS = `http://127.0.0.1:${httpPort}`;

// Redis: +OK to any AUTH.
const redisServer = net.createServer((s) => s.on('data', () => s.write('+OK\r\n')));
const redisPort = await listen(redisServer);

let pgUrl = process.env.SWEEP_TEST_POSTGRES_URL;
let pgDir;
if (!pgUrl) {
  pgDir = mkdtempSync(join(tmpdir(), 'sweep-bench-pg-'));
  const r = spawnSync(new URL('../.ci/pg-throwaway', import.meta.url).pathname, ['start', pgDir], { encoding: 'utf8' });
  if (r.status === 0) pgUrl = r.stdout.trim(); else console.error('no PostgreSQL: postgres row skipped');
}

const { loadVerifier: load } = await import('../dist/verify/registry.js');
const cases = [
  ['npm', { secret: 'npm_' + rnd(36), rule: 'npm-access-token' }],
  ['aws (SigV4 + XML)', { secret: rnd(40), rule: 'aws-secret-access-key', companions: { accessKeyId: 'AKIA' + 'BENCH'.repeat(3) + '2' } }, 'aws'],
  ['redis', { secret: rnd(16), rule: 'redis-uri-password', companions: { uriPrefix: 'redis://:', uriSuffix: `@127.0.0.1:${redisPort}/0` } }],
  ...(pgUrl ? [['postgres (scram-sha-256)', { secret: pgUrl, rule: 'postgres-uri-password' }, 'postgres']] : []),
];
const verifiers = await Promise.all(cases.map(([name, , id]) => load(id ?? name)));
const ctx = { timeoutMs: 5000, signal: new AbortController().signal };
const wall = cases.map(() => []);
const cpu = cases.map(() => []);
for (let i = 0; i < rounds; i++) {
  for (let k = 0; k < cases.length; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await verifiers[k].verify(cases[k][1], ctx);
    wall[k].push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu[k].push((c.user + c.system) / 1000);
    if (r.status !== 'live') throw new Error(`${cases[k][0]}: ${r.status} ${r.reason ?? ''}`);
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`verifier                   best ms  median ms  median CPU ms   (${rounds} rounds, alternating, local servers)`);
for (let k = 0; k < cases.length; k++) {
  console.log(`${cases[k][0].padEnd(26)} ${Math.min(...wall[k]).toFixed(1).padStart(7)} ${med(wall[k]).toFixed(1).padStart(10)} ${med(cpu[k]).toFixed(1).padStart(14)}`);
}
http.close(); redisServer.close();
if (pgDir) spawnSync(new URL('../.ci/pg-throwaway', import.meta.url).pathname, ['stop', pgDir]);
