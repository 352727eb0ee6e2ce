// What `scan --verify` adds per finding, against a local fake GitHub issuer (127.0.0.1, answers at once):
// paired, alternating runs of the built CLI with and without --verify over the same folder of N GitHub
// tokens (half live), best of R each; (with - without) / N is the time per finding. Wall time, since
// verification waits on the network. The default per-host pace (10 calls/s) bounds a run with many
// findings for one issuer, so a second pair lifts it (--verify-rate 1000) to show the cost of the calls.
//   npm run build && node bench/verify.mjs [N=40] [R=5]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { base62 } from '../dist/detect/validators.js';

const N = Number(process.argv[2] ?? 40);
const R = Number(process.argv[3] ?? 5);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const token = () => { let b = ''; for (let i = 0; i < 30; i++) b += ALNUM[Math.floor(rnd() * 62)]; return 'gh' + 'p_' + b + base62(crc32(b), 6); };

const tokens = Array.from({ length: N }, token);
const live = new Set(tokens.filter((_, i) => i % 2 === 0));
const server = createServer((req, res) => {
  const t = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (req.url === '/user' && live.has(t)) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"login":"octo-fake","id":1}'); }
  else { res.writeHead(401); res.end('{"message":"Bad credentials"}'); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}`;

const dir = mkdtempSync(join(tmpdir(), 'ss-bench-verify-'));
tokens.forEach((t, i) => writeFileSync(join(dir, `s${i}.env`), `GITHUB_TOKEN=${t}\n`));

function run(args) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, ['bin/secret-sweep.js', 'scan', dir, '--format', 'jsonl', ...args], {
      env: { ...process.env, SECRET_SWEEP_VERIFY_ENDPOINT_GITHUB: url }, stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.on('close', () => resolve({ ms: performance.now() - t0, out }));
  });
}

const best = { plain: Infinity, verify: Infinity, unpaced: Infinity };
for (let i = 0; i < R; i++) {
  best.plain = Math.min(best.plain, (await run([])).ms);
  for (const [k, args] of [['verify', ['--verify']], ['unpaced', ['--verify', '--verify-rate', '1000']]]) {
    const v = await run(args);
    best[k] = Math.min(best[k], v.ms);
    const lines = v.out.trim().split('\n').map((l) => JSON.parse(l));
    if (lines.filter((l) => l.verification === 'live').length !== N / 2) throw new Error('unexpected verification result');
  }
}
server.close();
const per = (ms) => `${(ms - best.plain).toFixed(0)} ms, ${((ms - best.plain) / N).toFixed(1)} ms per finding`;
console.log(`${N} findings for one issuer, best of ${R} alternating runs: scan ${best.plain.toFixed(0)} ms`);
console.log(`  --verify (defaults: 10 calls/s and 4 in flight per host): adds ${per(best.verify)}`);
console.log(`  --verify --verify-rate 1000 (the calls themselves):      adds ${per(best.unpaced)}`);
