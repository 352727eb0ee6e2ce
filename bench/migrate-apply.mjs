#!/usr/bin/env node
// Benchmark: apply a plan of N secrets (default 1,000) against the local Secrets Manager test server
// throttling above 50 requests/s, through the real AWS SDK (adaptive retry), with the journal on disk.
// Reports wall time, SDK retries, failures and duplicate versions. Target: <= 60 s, 0 failures, 0 duplicates.
//
// How it runs: the product comes from dist/ (run `npm run build` first); the test server is TypeScript,
// so it is bundled on the fly with esbuild (a devDependency) into a temporary .mjs. No tsx needed.
//
//   npm run build && node bench/migrate-apply.mjs [--secrets 1000] [--rate 50] [--concurrency 8] [--rerun]
//
// --rerun applies the same plan a second time and checks that it makes no write call.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL, fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('secrets', 1000);
const RATE = arg('rate', 50);
const CONCURRENCY = arg('concurrency', 8);
const RERUN = process.argv.includes('--rerun');

const work = mkdtempSync(join(tmpdir(), 'ss-bench-migrate-'));
const serverJs = join(work, 'sm-server.mjs');
await build({ entryPoints: [join(here, 'test/support/sm-server.ts')], outfile: serverJs, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
const { startSmServer } = await import(pathToFileURL(serverJs).href);
const dist = (p) => import(pathToFileURL(join(here, 'dist', p)).href);
const { attachSecret } = await dist('findings/finding.js');
const { fingerprint } = await dist('findings/fingerprint.js');
const { buildPlan } = await dist('migrate/plan.js');
const { applyPlan } = await dist('migrate/apply.js');
const { Journal, tokenKey, priorState } = await dist('migrate/journal.js');
const { AwsVault } = await dist('migrate/vault/aws.js');

// Obviously fake AWS settings for the request signer.
process.env.AWS_ACCESS_KEY_ID = 'bench-not-a-key';
process.env.AWS_SECRET_ACCESS_KEY = 'bench-not-a-secret';
process.env.AWS_REGION = 'us-east-1';

// N findings as the detector would report them: SVC0001_API_TOKEN=<random> in one env file.
const file = 'services.env';
const lines = [];
const findings = [];
for (let i = 0; i < N; i++) {
  const key = `SVC${String(i).padStart(4, '0')}_API_TOKEN`;
  const value = randomBytes(18).toString('base64url');
  const line = `${key}=${value}`;
  lines.push(line);
  const column = key.length + 2;
  const f = {
    rule: 'generic-password-assignment', description: 'bench', file, line: i + 1, column, endLine: i + 1,
    endColumn: column + value.length - 1, start: 0, end: 0, redacted: value.slice(0, 4) + '…',
    fingerprint: fingerprint('generic-password-assignment', value), entropy: 4, tags: [], severity: 'medium', key,
  };
  findings.push(attachSecret(f, value, line));
}
const { plan, values } = buildPlan({ findings, files: new Map([[file, lines.join('\n') + '\n']]), app: 'bench', env: 'prod' });

const srv = await startSmServer();
srv.faults.throttleAbove(RATE);

async function run(label) {
  const vault = new AwsVault({ endpoint: srv.endpoint });
  const journal = Journal.open(work);
  const writesBefore = srv.calls.writeCalls();
  const requestsBefore = srv.calls.total();
  const t0 = performance.now();
  let failure;
  let outcomes = [];
  try {
    ({ outcomes } = await applyPlan({
      plan, values, vault, journal, tokenKey: tokenKey(work), prior: priorState(Journal.read(work)), concurrency: CONCURRENCY,
    }));
    journal.append({ step: 'run-done' });
  } catch (e) {
    failure = String(e?.message ?? e);
  } finally {
    journal.close();
    vault.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const stored = plan.secrets.filter((s) => srv.state.has(s.name)).length;
  const duplicates = [...srv.state.values()].filter((s) => s.versions.size > 1).length;
  const st = vault.stats();
  const result = {
    run: label, secrets: N, rateLimit: RATE, concurrency: CONCURRENCY, seconds: Number(seconds.toFixed(1)),
    apiCalls: st.calls, sdkRetries: st.retries, requestsReceived: srv.calls.total() - requestsBefore,
    writeCalls: srv.calls.writeCalls() - writesBefore, migrated: outcomes.length, stored,
    failures: (failure ? 1 : 0) + (N - stored), duplicates, ...(failure ? { error: failure } : {}),
  };
  console.log(JSON.stringify(result));
  return result;
}

try {
  const first = await run('apply');
  console.log(`${N} secrets in ${first.seconds} s (target <= 60 s): ${first.sdkRetries} SDK retries, ${first.failures} failures, ${first.duplicates} duplicates`);
  if (RERUN) {
    const second = await run('rerun');
    console.log(`re-run: ${second.seconds} s, ${second.writeCalls} write calls (expected 0), ${second.duplicates} duplicates`);
  }
  process.exitCode = first.failures || first.duplicates || first.seconds > 60 ? 1 : 0;
} finally {
  await srv.stop();
  rmSync(work, { recursive: true, force: true });
}
