/**
 * The migrate fault loop: seeded, randomized runs of the built CLI's `migrate --apply` against the local
 * Secrets Manager (test/support/sm-server.ts) with faults injected and the process killed with SIGKILL,
 * each re-run as a user would until it exits 0, then compared with a clean run of the same repository.
 *
 * One run (index i of a loop with seed S; its own seed is derived from both):
 * 1. A fresh, committed git repository: one of a few legacy layouts (test/support/legacy-repo.ts).
 * 2. The reference, once per layout: a clean migrate in another repository against another server (the
 *    vault's names, values, tags and descriptions; every file's bytes and mode; the journal's steps; how
 *    long it took; how many calls it made).
 * 3. Attempts (at most `maxAttempts`): the same `migrate . --app etl --env prod --apply --yes` command each
 *    time. Faults come from a seeded plan: on each call, with a probability that shrinks from attempt to
 *    attempt, and at a few random call indexes, one of throttle / internal (500) / drop / delay /
 *    expiredToken (queued with `faults.failNext` on the server just before the call reaches it) or lost
 *    (the server does the work, then the answer is dropped: a proxy in front of the server closes the
 *    connection; this is the case ClientRequestToken exists for); sometimes `faults.throttleAbove` as
 *    well. The first attempt, and some later ones, are killed with SIGKILL: either at a crash point of
 *    the reference run (SECRET_SWEEP_TEST_CRASH_AT: after a journal record `step@n`; with the n-th file
 *    write's temp file complete but not renamed, `temp-written@n`, or renamed but not journaled,
 *    `temp-renamed@n`), or by a timer at a random moment within the reference run's duration. The last
 *    two attempts run without faults or kills.
 * 4. After every attempt that did not exit 0: no file is half-written (each file is its original bytes or
 *    its final bytes; `.env` and `.gitignore` may also be the original with lines appended; generated
 *    files are absent or final; secret-sweep's own temp files are allowed here and counted), the JSON
 *    report parses when present, and every value gone from a file is already in the vault (AWSCURRENT
 *    of a live secret on the server).
 * 5. After the attempt that exits 0: the vault equals the reference (same names; each value, tags and
 *    description equal; exactly one version, staged AWSCURRENT only), every file equals the reference
 *    byte for byte and mode for mode, no other file (no temp file) is in the work tree, the report lists
 *    every secret, the lock is gone; and one more run changes nothing and makes no write call.
 *
 * crashSweep is the exhaustive counterpart without faults: every record of every layout's clean-run
 * journal, and every temp file it wrote, as the kill point, then one re-run, which must finish in the same final state.
 *
 * Reproducing: the seed fixes the layout, the flags, the fault plan and the kill points. What a timer kill
 * interrupts, and which of several concurrent calls meets a probabilistic fault, still depend on timing.
 */
import { execFileSync } from 'node:child_process';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runAsync, TEST_AWS_ENV } from './cli.js';
import { workTreeFiles } from './tree.js';
import { rng } from './fake-secrets.js';
import { legacyFiles, legacyValues, writeRepoFiles, type LegacyValues } from './legacy-repo.js';
import { startSmServer, type FaultKind, type Operation, type SmServer } from './sm-server.js';
import { removeReplacementDirs } from './replacements.js';

/** The faults the loop injects: the server's own kinds, and `lost` (done, but the answer never arrives). */
export const LOOP_FAULTS = ['throttle', 'internal', 'drop', 'delay', 'expiredToken', 'lost'] as const;
export type LoopFault = (typeof LOOP_FAULTS)[number];
export const KILL_KINDS = ['crashAt', 'timer'] as const;
export type KillKind = (typeof KILL_KINDS)[number];

/** The CLI: SWEEP_FAULT_BIN (a snapshot, so a rebuild during a long loop cannot change it), else the build. */
const CLI = process.env.SWEEP_FAULT_BIN || BIN;
const AWS_ENV = TEST_AWS_ENV;
const APP = 'etl';
const STATE_DIR = '.secret-sweep';
const REPORTS = ['secret-sweep-migration.md', 'secret-sweep-migration.json'];
/** Files the tool may append lines to before it edits them (env references, the .env ignore line). */
const APPENDED = ['.env', '.gitignore'];
/** Temp names of secret-sweep's atomic writes: `.f.secret-sweep-PID-HEX.tmp` (fixer.tempPathFor), `.f.PID.tmp` (reports). */
const TEMP_RE = /(^|\/)\.[^/]+\.(secret-sweep-[0-9a-f-]+|\d+)\.tmp$/;

// ---------------------------------------------------------------------------------------------------------
// Layouts

interface Layout {
  id: string;
  /** Files of the legacy repository (all when empty). */
  files: string[];
  valueBase: number;
  /** More files, from the layout's values. */
  extra?: (V: LegacyValues) => Record<string, string>;
}

/** A few legacy layouts (subsets of the legacy repository, each with its own values). */
export const LAYOUTS: Layout[] = [
  { id: 'full', files: [], valueBase: 501 },
  { id: 'python', files: ['.gitignore', 'etl/load_orders.py', 'etl/sync_s3.py', 'etl/report_api.py', 'etl/billing.py', 'notebooks/explore.ipynb', '.env'], valueBase: 601 },
  { id: 'infra', files: ['.gitignore', 'etl/load_orders.py', 'etl/sync_s3.py', 'docker-compose.yml', 'infra/stack.yaml', 'infra/main.tf', 'scripts/backup.sh', '.env'], valueBase: 701 },
  { id: 'service', files: ['.gitignore', 'service/package.json', 'service/server.mjs', 'etl/billing.py', 'etl/report_api.py', 'notebooks/explore.ipynb'], valueBase: 801 },
  {
    // The same values copied into more files under other names: each stored once, referred to everywhere.
    id: 'shared', files: ['.gitignore', 'etl/billing.py', 'etl/sync_s3.py', '.env', 'docker-compose.yml'], valueBase: 901,
    extra: (V) => ({
      'etl/nightly.py': [
        '"""Nightly refresh (legacy: copies of the other scripts\' settings)."""',
        'import boto3',
        '',
        `WAREHOUSE_PASSWORD = "${V.envPassword}"`,
        `STRIPE_SECRET = "${V.stripe}"`,
        '',
        '',
        'def client():',
        `    return boto3.client("s3", aws_access_key_id="${V.keyId}", aws_secret_access_key="${V.secretKey}")`,
        '',
      ].join('\n'),
      'config/settings.yaml': `warehouse:\n  host: db.internal.example\n  user: etl\n  password: ${V.composePassword}\n`,
    }),
  },
  {
    // A workspaces monorepo: two package.json files gain the SDK, three helper flavours (cjs, mjs, ts),
    // a CRLF file with a BOM, a shell script; no Python.
    id: 'node', files: ['.gitignore', 'scripts/backup.sh'], valueBase: 1001,
    extra: (V) => ({
      'package.json': '{\r\n    "name": "mono",\r\n    "private": true,\r\n    "workspaces": ["packages/*"]\r\n}\r\n',
      'packages/api/package.json': JSON.stringify({ name: '@acme/api', private: true, dependencies: { pg: '^8' } }, null, 2) + '\n',
      'packages/api/src/db.js': `\ufeff'use strict';\r\nconst password = '${V.dbPassword}';\r\nmodule.exports = { password };\r\n`,
      'packages/api/knexfile.js': `module.exports = {\n  client: 'pg',\n  connection: { host: 'db', user: 'app', password: '${V.tfPassword}' },\n};`,
      'packages/web/package.json': JSON.stringify({ name: '@acme/web', private: true, type: 'module', exports: { '.': './src/config.js' } }, null, 2) + '\n',
      'packages/web/src/config.js': `export const stripeKey = '${V.stripe}';\nexport const npmToken = "${V.npm}";\n`,
      'packages/web/src/settings.json': `{ "github_token": "${V.apiToken}" }\n`,
      'packages/ts/tsconfig.json': '{ "compilerOptions": { "module": "commonjs", "target": "es2019", "strict": true } }\n',
      'packages/ts/src/keys.ts': `export const awsKeyId: string = '${V.keyId}';\nexport const awsSecret: string = '${V.secretKey}';\n`,
    }),
  },
];

function layoutFiles(layout: Layout): { files: Record<string, string>; values: string[] } {
  const V: LegacyValues = legacyValues(layout.valueBase);
  const all = legacyFiles(V);
  const files = { ...(layout.files.length ? Object.fromEntries(layout.files.map((f) => [f, all[f]!])) : all), ...layout.extra?.(V) };
  const text = Object.values(files).join('\n');
  return { files, values: Object.values(V).filter((v) => text.includes(v)) };
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

/** A 32-bit mix of the loop seed and a run index (so each run's seed can be printed and reused). */
export function runSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0 || 1;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const between = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' }).toString();
}

function makeRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-faults-'));
  writeRepoFiles(dir, files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'legacy');
  return dir;
}

function removeRepo(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  removeReplacementDirs(dir);
}

interface FileState {
  bytes: Buffer;
  mode: number;
}

function readTree(root: string): Map<string, FileState> {
  const m = new Map<string, FileState>();
  for (const f of workTreeFiles(root)) {
    if (f.startsWith(`${STATE_DIR}/`)) continue;
    m.set(f, { bytes: readFileSync(join(root, f)), mode: lstatSync(join(root, f)).mode & 0o777 });
  }
  return m;
}

interface Attempt {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Set when this attempt was to be killed: how, and whether it really died of it. */
  kill?: { kind: KillKind; at: string; happened: boolean };
}

function runCli(cwd: string, args: string[], env: Record<string, string>, timerKillMs?: number): Promise<Attempt> {
  return runAsync(process.execPath, [CLI, ...args], { cwd, env: { ...AWS_ENV, ...env }, killAfterMs: timerKillMs });
}

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

// ---------------------------------------------------------------------------------------------------------
// The fault plan and the proxy that carries it out

/** Per attempt: a probability per call, faults at fixed call indexes, and maybe a request-rate ceiling. */
interface AttemptFaults {
  p: number;
  kinds: LoopFault[];
  at: Map<number, { kind: LoopFault; ms: number }>;
  throttleAbove?: number;
}

interface Injector {
  endpoint: string;
  /** Faults for the attempt about to start (undefined: none). */
  setPlan(plan: AttemptFaults | undefined, r: Rand): void;
  injected: Record<LoopFault, number>;
  stop(): Promise<void>;
}

const SERVER_KINDS: Record<Exclude<LoopFault, 'lost'>, FaultKind> = {
  throttle: 'throttle', internal: 'internal', drop: 'drop', delay: 'delay', expiredToken: 'expiredToken',
};

/**
 * An HTTP proxy in front of the server. Before a call reaches the server, it may queue one fault for
 * it with `faults.failNext(1, kind, { op })`; for `lost` it forwards the call and closes the client's
 * connection instead of answering. Counts what was injected, by kind.
 */
async function startInjector(srv: SmServer): Promise<Injector> {
  const injected = Object.fromEntries(LOOP_FAULTS.map((k) => [k, 0])) as Record<LoopFault, number>;
  let plan: AttemptFaults | undefined;
  let r: Rand = Math.random;
  let call = 0;
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const upstream = new URL(srv.endpoint);

  const decide = (): { kind: LoopFault; ms: number } | undefined => {
    if (!plan) return undefined;
    const fixed = plan.at.get(call++);
    if (fixed) return fixed;
    if (r() < plan.p) {
      const kind = pick(r, plan.kinds);
      return { kind, ms: kind === 'delay' ? between(r, 20, 600) : 0 };
    }
    return undefined;
  };

  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '') as Operation;
      const fault = decide();
      if (fault && fault.kind !== 'lost') {
        srv.faults.failNext(1, SERVER_KINDS[fault.kind], { op, ms: fault.ms });
        injected[fault.kind]++;
      }
      const body = Buffer.concat(chunks);
      const up = httpRequest({
        host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, agent,
        headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
      }, (ur) => {
        const back: Buffer[] = [];
        ur.on('data', (c: Buffer) => back.push(c));
        ur.on('error', () => req.socket.destroy());
        ur.on('end', () => {
          if (fault?.kind === 'lost') {
            injected.lost++;
            req.socket.destroy(); // the server did the work; the client never hears of it
            return;
          }
          const out = Buffer.concat(back);
          const headers = { ...ur.headers, 'content-length': String(out.length) };
          delete headers['transfer-encoding'];
          if (!res.destroyed) {
            res.writeHead(ur.statusCode ?? 500, headers);
            res.end(out);
          }
        });
      });
      up.on('error', () => req.socket.destroy()); // the server dropped the connection: so does the proxy
      up.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setPlan(p, rand) {
      plan = p;
      r = rand;
      call = 0;
      srv.faults.clear();
      if (p?.throttleAbove) srv.faults.throttleAbove(p.throttleAbove);
    },
    injected,
    stop: () => new Promise<void>((resolve) => {
      agent.destroy();
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The reference: a clean run

interface VaultEntry {
  value: string;
  versions: number;
  stages: string[];
  tags: Record<string, string>;
  description?: string;
  deleted: boolean;
}

function vaultState(srv: SmServer): Map<string, VaultEntry> {
  const m = new Map<string, VaultEntry>();
  for (const s of srv.state.values()) {
    const current = [...s.versions.values()].find((v) => v.stages.has('AWSCURRENT'));
    m.set(s.name, {
      value: current?.string ?? '',
      versions: s.versions.size,
      stages: [...s.versions.values()].flatMap((v) => [...v.stages]).sort(),
      tags: Object.fromEntries([...s.tags].sort(([a], [b]) => a.localeCompare(b))),
      description: s.description,
      deleted: Boolean(s.deletedDate),
    });
  }
  return m;
}

export interface Reference {
  layout: string;
  files: Map<string, FileState>;
  original: Map<string, string>;
  values: string[];
  vault: Map<string, VaultEntry>;
  /** `step@n` for each record of the clean run's journal, `temp-written@n` / `temp-renamed@n` for each file write: the crash points. */
  crashPoints: string[];
  ms: number;
  calls: number;
  /** What the clean run's JSON report says of each value (secret, key, fingerprint, where) and of the rest. */
  report: ReportGist;
}

interface ReportGist {
  values: string[];
  historyOnly: number;
  startCommands: string[];
  codeEdits: string[];
  /** The replacements file's lines (a resumed run may add forms of a value, as written where a killed run took it out). */
  replacementLines: string[];
}

/** The parts of a JSON report a resumed run must give as a clean run does (run ids, ARNs, versions differ). */
function reportGist(dir: string): ReportGist {
  const r = JSON.parse(readFileSync(join(dir, REPORTS[1]!), 'utf8')) as {
    secrets: Array<{ name: string; values: Array<{ key: string; fingerprint: string; rotate: string; locations: Array<{ where: string }> }> }>;
    historyOnly: unknown[]; startCommands: Array<{ file: string }>; codeEdits: Array<{ file: string }>; replacementsFile: string;
  };
  const lines = existsSync(r.replacementsFile) ? readFileSync(r.replacementsFile, 'utf8').split('\n').filter(Boolean) : ['(missing)'];
  return {
    values: r.secrets.flatMap((s) => s.values.map((v) => `${s.name}#${v.key} ${v.fingerprint} at ${v.locations.map((l) => l.where).sort().join(',')}${v.rotate ? '' : ' (no rotate line)'}`)).sort(),
    historyOnly: r.historyOnly.length,
    startCommands: r.startCommands.map((c) => c.file).sort(),
    codeEdits: r.codeEdits.map((e) => e.file).sort(),
    replacementLines: lines,
  };
}

const migrateArgs = (endpoint: string, extra: string[]) => ['migrate', '.', '--app', APP, '--env', 'prod', '--endpoint-url', endpoint, '--apply', '--yes', ...extra];

async function cleanRun(layout: Layout): Promise<Reference> {
  const { files, values } = layoutFiles(layout);
  const dir = makeRepo(files);
  const srv = await startSmServer();
  try {
    const r = await runCli(dir, migrateArgs(srv.endpoint, []), {});
    if (r.code !== 0) throw new Error(`the clean run of layout ${layout.id} failed (${r.code}): ${lastLine(r.stderr)}`);
    const vault = vaultState(srv);
    for (const [name, e] of vault) if (e.versions !== 1) throw new Error(`the clean run of layout ${layout.id} made ${e.versions} versions of ${name}`);
    const seen = new Map<string, number>();
    const crashPoints: string[] = [];
    for (const line of readFileSync(join(dir, STATE_DIR, 'journal.jsonl'), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const step = (JSON.parse(line) as { step: string }).step;
      const n = (seen.get(step) ?? 0) + 1;
      seen.set(step, n);
      crashPoints.push(`${step}@${n}`);
    }
    // Each file write goes through a temp file: also die with one complete but not renamed, or renamed but
    // not journaled.
    for (let n = 1; n <= (seen.get('file-begin') ?? 0); n++) crashPoints.push(`temp-written@${n}`, `temp-renamed@${n}`);
    const all = readTree(dir);
    for (const f of REPORTS) all.delete(f);
    return {
      layout: layout.id, files: all, original: new Map(Object.entries(files)), values, vault, crashPoints,
      ms: r.ms, calls: srv.calls.total(), report: reportGist(dir),
    };
  } finally {
    await srv.stop();
    removeRepo(dir);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Invariants

/** What must hold whenever the CLI has stopped, however it stopped. Returns problems and temp files. */
function checkStopped(dir: string, srv: SmServer, ref: Reference): { problems: string[]; temps: string[] } {
  const problems: string[] = [];
  const temps: string[] = [];
  const now = readTree(dir);
  for (const [f, st] of now) {
    const text = st.bytes.toString('utf8');
    if (TEMP_RE.test(f)) {
      temps.push(f);
      continue;
    }
    if (REPORTS.includes(f)) {
      if (f.endsWith('.json')) {
        try {
          JSON.parse(text);
        } catch {
          problems.push(`${f} is not valid JSON (half-written?)`);
        }
      }
      continue;
    }
    const orig = ref.original.get(f);
    const fin = ref.files.get(f);
    const ok = text === orig || (fin && st.bytes.equals(fin.bytes)) || (orig !== undefined && APPENDED.includes(f) && text.startsWith(orig));
    if (!ok) problems.push(orig === undefined && !fin ? `unexpected file ${f}` : `${f} is neither its original nor its final content (half-written?)`);
  }
  for (const f of ref.original.keys()) if (!now.has(f)) problems.push(`${f} is gone`);
  // No value leaves the code before the vault holds it.
  const live = [...srv.state.values()].filter((s) => !s.deletedDate)
    .map((s) => [...s.versions.values()].find((v) => v.stages.has('AWSCURRENT'))?.string ?? '');
  for (const v of ref.values) {
    const inVault = live.some((s) => s.includes(JSON.stringify(v).slice(1, -1)));
    for (const [f, orig] of ref.original) {
      if (!orig.includes(v)) continue;
      const cur = now.get(f)?.bytes.toString('utf8');
      if (cur !== undefined && !cur.includes(v) && !inVault) problems.push(`a value was removed from ${f} but the vault does not hold it`);
    }
  }
  return { problems, temps };
}

/** What must hold after the run that exited 0. */
function checkFinal(dir: string, srv: SmServer, ref: Reference): string[] {
  const problems: string[] = [];
  const vault = vaultState(srv);
  const names = (m: Map<string, unknown>) => [...m.keys()].sort().join(', ');
  if (names(vault) !== names(ref.vault)) problems.push(`vault holds [${names(vault)}], the clean run [${names(ref.vault)}]`);
  for (const [name, want] of ref.vault) {
    const got = vault.get(name);
    if (!got) continue;
    if (got.versions !== 1) problems.push(`${name} has ${got.versions} versions`);
    if (got.stages.join(',') !== 'AWSCURRENT') problems.push(`${name} has stages ${got.stages.join(',')}`);
    if (got.value !== want.value) problems.push(`${name} holds another value than after the clean run`);
    if (JSON.stringify(got.tags) !== JSON.stringify(want.tags)) problems.push(`${name} has tags ${JSON.stringify(got.tags)}, the clean run ${JSON.stringify(want.tags)}`);
    if (got.description !== want.description) problems.push(`${name} has description ${JSON.stringify(got.description)}, the clean run ${JSON.stringify(want.description)}`);
    if (got.deleted) problems.push(`${name} is scheduled for deletion`);
  }
  const now = readTree(dir);
  for (const f of REPORTS) {
    if (!now.has(f)) problems.push(`${f} is missing`);
    now.delete(f);
  }
  for (const [f, want] of ref.files) {
    const got = now.get(f);
    if (!got) problems.push(`${f} is missing`);
    else if (!got.bytes.equals(want.bytes)) problems.push(`${f} differs from the clean run's`);
    else if (got.mode !== want.mode) problems.push(`${f} has mode ${got.mode.toString(8)}, the clean run ${want.mode.toString(8)}`);
  }
  for (const f of now.keys()) if (!ref.files.has(f)) problems.push(`left in the work tree: ${f}`);
  try {
    const report = JSON.parse(readFileSync(join(dir, REPORTS[1]!), 'utf8')) as { secrets?: Array<{ name: string }> };
    const listed = [...new Set((report.secrets ?? []).map((s) => s.name))].sort().join(', ');
    if (listed !== names(ref.vault)) problems.push(`the report lists [${listed}], the vault holds [${names(ref.vault)}]`);
    // A killed run's rewrites took values out of the code: the resumed run's report still lists each
    // where it was, with its rotate line, and the replacements file still scrubs every one.
    const gist = reportGist(dir);
    const missing = ref.report.replacementLines.filter((l) => !gist.replacementLines.includes(l)).length;
    if (missing) problems.push(`the replacements file lacks ${missing} of the clean run's ${ref.report.replacementLines.length} line(s)`);
    for (const k of Object.keys(gist) as Array<keyof ReportGist>) {
      if (k === 'replacementLines') continue;
      const got = JSON.stringify(gist[k]);
      const want = JSON.stringify(ref.report[k]);
      if (got !== want) problems.push(`the report's ${k} differ from the clean run's: ${got.slice(0, 300)} vs ${want.slice(0, 300)}`);
    }
  } catch {
    /* missing or broken: said above */
  }
  if (existsSync(join(dir, STATE_DIR, 'lock'))) problems.push('the lock is still there');
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// One run, and the loop

export interface RunReport {
  index: number;
  seed: number;
  layout: string;
  flags: string[];
  ok: boolean;
  problems: string[];
  attempts: Array<{ code: number | null; signal: string | null; kill?: string; killed?: boolean; last: string; faults: string }>;
  injected: Record<LoopFault, number>;
  kills: Record<KillKind, { planned: number; happened: number }>;
  /** Temp files seen in the work tree after a kill (then cleaned up, or a problem). */
  tempsAfterKill: number;
  ms: number;
  dir?: string;
}

export interface LoopOptions {
  seed: number;
  runs: number;
  /** Only this run index (to reproduce one run of a loop). */
  only?: number;
  /** Runs at once (default 2). */
  parallel?: number;
  maxAttempts?: number;
  /** Only these layouts (ids of LAYOUTS). */
  layouts?: string[];
  /** Keep the repositories of failed runs (their paths are in the reports). */
  keepFailed?: boolean;
  log?: (line: string) => void;
}

export interface LoopSummary {
  seed: number;
  runs: number;
  correct: number;
  failed: RunReport[];
  injected: Record<LoopFault, number>;
  kills: Record<KillKind, { planned: number; happened: number }>;
  attempts: number;
  /** Runs that needed n attempts to exit 0. */
  attemptsToSuccess: Record<number, number>;
  tempsAfterKill: number;
  ms: number;
  reports: RunReport[];
}

const references = new Map<string, Promise<Reference>>();
function reference(layout: Layout): Promise<Reference> {
  let p = references.get(layout.id);
  if (!p) {
    p = cleanRun(layout);
    references.set(layout.id, p);
  }
  return p;
}

function layoutsNamed(ids: string[] | undefined): Layout[] {
  const layouts = ids?.length ? LAYOUTS.filter((l) => ids.includes(l.id)) : LAYOUTS;
  if (!layouts.length) throw new Error(`no layout named ${ids!.join(', ')} (there are ${LAYOUTS.map((l) => l.id).join(', ')})`);
  return layouts;
}

interface RunOptions extends Pick<LoopOptions, 'maxAttempts' | 'keepFailed' | 'layouts'> {
  /** No faults: kill the first attempt at this journal record of this layout, then re-run. */
  force?: { layout: string; crashAt: string };
}

/** One randomized run (or, with `force`, one crash point without faults). */
export async function faultRun(index: number, loopSeed: number, opts: RunOptions = {}): Promise<RunReport> {
  const t0 = Date.now();
  const seed = runSeed(loopSeed, index);
  const r = rng(seed);
  const force = opts.force;
  const layout = force ? layoutsNamed([force.layout])[0]! : pick(r, layoutsNamed(opts.layouts));
  const ref = await reference(layout);
  const flags = force ? [] : pick(r, [[], [], ['--concurrency', '1'], ['--concurrency', '3']]);
  const maxAttempts = opts.maxAttempts ?? 8;
  const report: RunReport = {
    index, seed, layout: layout.id, flags, ok: false, problems: [], attempts: [],
    injected: Object.fromEntries(LOOP_FAULTS.map((k) => [k, 0])) as Record<LoopFault, number>,
    kills: { crashAt: { planned: 0, happened: 0 }, timer: { planned: 0, happened: 0 } },
    tempsAfterKill: 0, ms: 0,
  };
  const dir = makeRepo(Object.fromEntries(ref.original));
  const srv = await startSmServer();
  const inj = await startInjector(srv);
  // The run's fault mix and intensity.
  const kinds = LOOP_FAULTS.filter(() => r() < 0.7);
  if (!kinds.length) kinds.push(pick(r, LOOP_FAULTS));
  const p0 = 0.02 + r() * 0.13;
  let ok = false;
  try {
    for (let a = 0; a < maxAttempts && !ok; a++) {
      const calm = force ? a > 0 : a >= maxAttempts - 2;
      let plan: AttemptFaults | undefined;
      if (!calm && !force) {
        const at = new Map<number, { kind: LoopFault; ms: number }>();
        for (let k = between(r, 0, 3); k > 0; k--) {
          const kind = pick(r, kinds);
          at.set(between(r, 0, Math.max(1, ref.calls - 1)), { kind, ms: kind === 'delay' ? between(r, 20, 600) : 0 });
        }
        plan = { p: p0 * (1 - a / (maxAttempts - 2)), kinds, at, throttleAbove: r() < 0.2 ? between(r, 5, 30) : undefined };
      }
      inj.setPlan(plan, rng(runSeed(seed, 1000 + a)));
      // Kill the first attempt (mostly) and some later ones, never the calm ones.
      let kill: Attempt['kill'];
      let env: Record<string, string> = {};
      let timerMs: number | undefined;
      if (!calm && (force || r() < (a === 0 ? 0.85 : 0.35))) {
        if (force || r() < 0.5) {
          const at = force?.crashAt ?? pick(r, ref.crashPoints);
          env = { SECRET_SWEEP_TEST_CRASH_AT: at };
          kill = { kind: 'crashAt', at, happened: false };
        } else {
          timerMs = Math.floor(r() * ref.ms * 1.3);
          kill = { kind: 'timer', at: `${timerMs}ms`, happened: false };
        }
        report.kills[kill.kind].planned++;
      }
      const before = { ...inj.injected };
      const res = await runCli(dir, migrateArgs(inj.endpoint, flags), env, timerMs);
      if (kill && res.signal === 'SIGKILL') {
        kill.happened = true;
        report.kills[kill.kind].happened++;
      }
      const faults = LOOP_FAULTS.filter((k) => inj.injected[k] > before[k]).map((k) => `${k} x${inj.injected[k] - before[k]}`).join(', ');
      report.attempts.push({
        code: res.code, signal: res.signal, ...(kill ? { kill: `${kill.kind} ${kill.at}`, killed: kill.happened } : {}),
        last: lastLine(res.stderr), faults,
      });
      inj.setPlan(undefined, r);
      if (res.code === 0) {
        ok = true;
        break;
      }
      const s = checkStopped(dir, srv, ref);
      if (s.problems.length) {
        report.problems.push(...s.problems.map((p) => `after attempt ${a + 1} (${res.signal ?? `exit ${res.code}`}${kill ? `, ${kill.kind} ${kill.at}` : ''}): ${p}`));
        break;
      }
      report.tempsAfterKill += s.temps.length;
    }
    if (!ok && !report.problems.length) report.problems.push(`no attempt of ${maxAttempts} exited 0; the last said: ${report.attempts.at(-1)?.last}`);
    if (ok) {
      report.problems.push(...checkFinal(dir, srv, ref));
      // Once more: a finished migration changes nothing and writes nothing.
      const snap = readTree(dir);
      srv.calls.reset();
      const again = await runCli(dir, migrateArgs(inj.endpoint, flags), {});
      if (again.code !== 0) report.problems.push(`a run after the migration finished exited ${again.code}: ${lastLine(again.stderr)}`);
      if (srv.calls.writeCalls() !== 0) report.problems.push(`a run after the migration finished made ${srv.calls.writeCalls()} write call(s)`);
      const after = readTree(dir);
      for (const [f, st] of after) {
        if (REPORTS.includes(f)) continue;
        if (!snap.get(f)?.bytes.equals(st.bytes)) report.problems.push(`a run after the migration finished changed ${f}`);
      }
    }
  } finally {
    for (const k of LOOP_FAULTS) report.injected[k] = inj.injected[k];
    await inj.stop();
    await srv.stop();
    report.ok = report.problems.length === 0;
    if (report.ok || !opts.keepFailed) removeRepo(dir);
    else report.dir = dir;
    report.ms = Date.now() - t0;
  }
  return report;
}

/** Run `jobs`, `parallel` at once, and add up the figures. */
async function runJobs(seed: number, jobs: Array<() => Promise<RunReport>>, parallel: number, log?: (line: string) => void): Promise<LoopSummary> {
  const t0 = Date.now();
  const reports: RunReport[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const rep = await jobs[next++]!();
      reports.push(rep);
      log?.(describeRun(rep));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, worker));
  reports.sort((a, b) => a.index - b.index);
  const injected = Object.fromEntries(LOOP_FAULTS.map((k) => [k, reports.reduce((n, r) => n + r.injected[k], 0)])) as Record<LoopFault, number>;
  const kills = Object.fromEntries(KILL_KINDS.map((k) => [k, {
    planned: reports.reduce((n, r) => n + r.kills[k].planned, 0),
    happened: reports.reduce((n, r) => n + r.kills[k].happened, 0),
  }])) as LoopSummary['kills'];
  const attemptsToSuccess: Record<number, number> = {};
  for (const r of reports) if (r.ok) attemptsToSuccess[r.attempts.length] = (attemptsToSuccess[r.attempts.length] ?? 0) + 1;
  return {
    seed, runs: reports.length, correct: reports.filter((r) => r.ok).length, failed: reports.filter((r) => !r.ok),
    injected, kills, attempts: reports.reduce((n, r) => n + r.attempts.length, 0), attemptsToSuccess,
    tempsAfterKill: reports.reduce((n, r) => n + r.tempsAfterKill, 0), ms: Date.now() - t0, reports,
  };
}

/** The randomized loop: runs 0 .. runs-1 of `seed` (or only `only`). */
export function faultLoop(opts: LoopOptions): Promise<LoopSummary> {
  const indexes = opts.only !== undefined ? [opts.only] : Array.from({ length: opts.runs }, (_, i) => i);
  return runJobs(opts.seed, indexes.map((i) => () => faultRun(i, opts.seed, opts)), opts.parallel ?? 2, opts.log);
}

/**
 * Every crash point, without faults: for each layout, a run killed at each record of its clean run's
 * journal (in turn), then re-run once, which must finish; the same checks as the loop.
 */
export async function crashSweep(opts: Pick<LoopOptions, 'layouts' | 'parallel' | 'keepFailed' | 'log'> = {}): Promise<LoopSummary> {
  const jobs: Array<() => Promise<RunReport>> = [];
  for (const layout of layoutsNamed(opts.layouts)) {
    const ref = await reference(layout);
    for (const crashAt of ref.crashPoints) {
      const index = jobs.length;
      jobs.push(() => faultRun(index, 0, { keepFailed: opts.keepFailed, maxAttempts: 2, force: { layout: layout.id, crashAt } }));
    }
  }
  return runJobs(0, jobs, opts.parallel ?? 2, opts.log);
}

/** One line per run. */
export function describeRun(r: RunReport): string {
  const tries = r.attempts.map((a) => (a.signal ? `${a.kill ?? a.signal}${a.killed ? '' : '?'}` : a.kill ? `${a.code} (${a.kill} not reached)` : String(a.code))).join(' -> ');
  return `run ${r.index} (seed ${r.seed}, ${r.layout}${r.flags.length ? ' ' + r.flags.join(' ') : ''}): ${r.ok ? 'ok' : 'FAILED'} in ${r.ms} ms; ${tries}`
    + (r.ok ? '' : `\n    ${r.problems.join('\n    ')}\n    attempts: ${JSON.stringify(r.attempts)}${r.dir ? `\n    kept: ${r.dir}` : ''}`);
}

/** The figures, for a person. */
export function describeSummary(s: LoopSummary): string {
  return [
    `migrate fault loop: seed ${s.seed}, ${s.runs} run(s), ${s.correct} reached the clean run's final state, ${s.failed.length} failed`,
    `faults injected: ${LOOP_FAULTS.map((k) => `${k} ${s.injected[k]}`).join(', ')}`,
    `kills (SIGKILL): ${KILL_KINDS.map((k) => `${k} ${s.kills[k].happened} of ${s.kills[k].planned} planned`).join(', ')}`,
    `attempts: ${s.attempts} (runs by attempts needed: ${Object.entries(s.attemptsToSuccess).map(([n, c]) => `${n}: ${c}`).join(', ')}); temp files seen after a stop: ${s.tempsAfterKill}`,
    `time: ${(s.ms / 1000).toFixed(1)} s`,
  ].join('\n');
}
