/**
 * Red team of `migrate` as the product's evaluation runs it: legacy programs (test/support/
 * deployed-programs-repo.ts) migrated against the local Secrets Manager (test/support/sm-server.ts,
 * through the real @aws-sdk client), committed, cloned fresh, installed (`npm ci` of the declared
 * dependencies) and started as deployed, with the AWS environment pointing at the server. Each must
 * print what it printed before; every value is stored exactly (or listed as a manual step, left in
 * place); a second `migrate --apply` from the clone changes nothing; after the report's
 * `git filter-repo --replace-text` step no commit of a fresh clone holds a value.
 *
 * Python is Debian's /usr/bin/python3 with python3-boto3 (the test is skipped, with the reason, where it
 * cannot import boto3); the sourced-shell program needs the aws CLI and jq, the Makefile one make, the
 * pip-installed one python3-pip and python3-setuptools, the require(esm) one Node 20.19+ (each left out,
 * with a warning, where missing); the scrub needs git-filter-repo.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runAsync, TEST_AWS_ENV, type AsyncRunResult } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { installDeclaredDeps } from '../support/npm-ci.js';
import { workTreeFiles } from '../support/tree.js';
import { deployedFiles, deployedPrograms, deployedValues, type DeployedProgram, type DeployedValues } from '../support/deployed-programs-repo.js';

const PYTHON = '/usr/bin/python3';
const havePython = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
const skipReason = `${PYTHON} cannot import boto3 (apt-get install -y python3-boto3)`;
if (!havePython) console.warn(`deployed-programs-e2e: skipped: ${skipReason}`);
const hasFilterRepo = spawnSync('git', ['filter-repo', '--version'], { stdio: 'ignore' }).status === 0;
if (!hasFilterRepo) console.warn('deployed-programs-e2e: the history scrub is skipped: git filter-repo not found (apt-get install -y git-filter-repo)');
const onPath = (cmd: string) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' }).status === 0;
const havePip = spawnSync(PYTHON, ['-c', 'import setuptools, pip'], { encoding: 'utf8' }).status === 0;

const V = deployedValues(71);
const VALUES = Object.entries(V) as Array<[keyof DeployedValues, string]>;
const redact = (s: string) => VALUES.reduce((t, [k, v]) => t.split(v).join(`<${k}>`), s);

const bed = migrateTestBed();
let orig: string;
let clone: string;
let programs: DeployedProgram[] = [];
const before = new Map<string, string>();
const awsEnv = () => ({ ...TEST_AWS_ENV, AWS_DEFAULT_REGION: TEST_AWS_ENV.AWS_REGION, AWS_ENDPOINT_URL: bed.server().endpoint });

/** `pip install --target` of `dir` (copied first: setuptools builds in the source folder), outside the repository; the target. */
function pipInstall(root: string, dir: string): string {
  const src = bed.tempDir('ss-deployed-pip-src-');
  cpSync(join(root, dir), src, { recursive: true });
  const target = bed.tempDir('ss-deployed-pip-');
  execFileSync(PYTHON, ['-m', 'pip', 'install', '-q', '--no-deps', '--no-build-isolation', '--no-index', '--target', target, src], { stdio: 'pipe' });
  return target;
}

function run(root: string, p: DeployedProgram): Promise<AsyncRunResult> {
  const sub = (s: string) => s.split('ROOT').join(root);
  const [tool, ...rest] = p.argv.map(sub);
  const cmd = tool === 'python' ? PYTHON : tool === 'node' ? process.execPath : tool!;
  const installed = p.install ? { PYTHONPATH: pipInstall(root, p.install.pip) } : {};
  const env = { ...awsEnv(), PYTHONDONTWRITEBYTECODE: '1', ...installed, ...Object.fromEntries(Object.entries(p.env ?? {}).map(([k, x]) => [k, sub(x)])) };
  return runAsync(cmd, rest, { cwd: p.cwd === '/' ? '/' : join(root, p.cwd), env });
}

const hashTree = (root: string) => new Map(workTreeFiles(root)
  .filter((f) => !f.startsWith('.secret-sweep/') && !/(^|\/)node_modules\//.test(f))
  .map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]));

const migrateArgs = ['migrate', '.', '--app', 'orders', '--env', 'prod'];

interface Report {
  secrets: Array<{ name: string }>;
  manual: Array<{ file: string; line: number; reason: string; suggestion?: string }>;
  replacementsFile: string;
}

describe.skipIf(!havePython)('legacy programs, migrated, run from a fresh clone', () => {
  beforeAll(async () => {
    orig = bed.tempDir('ss-deployed-');
    commitNewRepo(orig, deployedFiles(V));
    for (const p of deployedPrograms()) {
      const missing = [...(p.needs ?? []).filter((c) => !onPath(c)), ...(p.install && !havePip ? ['pip and setuptools for /usr/bin/python3 (python3-pip, python3-setuptools)'] : [])];
      if (missing.length) {
        console.warn(`deployed-programs-e2e: "${p.name}" is left out: ${missing.join(', ')} not found`);
        continue;
      }
      const r = await run(orig, p);
      if (r.code !== 0 && p.name.includes('require()')) {
        // require() of an ES module: Node 20.19+.
        console.warn(`deployed-programs-e2e: "${p.name}" is left out: this Node cannot require() an ES module`);
        continue;
      }
      expect(r.code, `${p.name} (before): ${redact(r.stderr)}`).toBe(0);
      before.set(p.name, r.stdout.trim());
      programs.push(p);
    }
    programs = programs.filter((p) => before.has(p.name));
  }, 300_000);

  it('the dry run plans every value, names the readers that keep a file manual, and writes nothing', async () => {
    const tree = hashTree(orig);
    const r = await runAsync(process.execPath, [BIN, ...migrateArgs], { cwd: orig, env: awsEnv() });
    expect(r.code, redact(r.stderr)).toBe(0);
    expect(hashTree(orig)).toEqual(tree);
    for (const [k, v] of VALUES) expect(r.stdout + r.stderr, `value ${k} printed`).not.toContain(v);
    // The .env is read by the deploy script itself, the env file by make: their references would be read literally.
    expect(r.stdout).toMatch(/\.env:1: \S+: scripts\/deploy\.sh:5 reads this file itself/);
    expect(r.stdout).toMatch(/build\/release\.env:1: \S+: build\/Makefile:1 reads this file itself with make `include`/);
  }, 300_000);

  it('--apply stores every value exactly; each program prints the same from a fresh clone; a second run changes nothing', async () => {
    const m = await runAsync(process.execPath, [BIN, ...migrateArgs, '--apply', '--yes'], { cwd: orig, env: awsEnv() });
    expect(m.code, redact(m.stderr)).toBe(0);
    const report = JSON.parse(readFileSync(join(orig, 'secret-sweep-migration.json'), 'utf8')) as Report;
    git(orig, 'add', '-A');
    git(orig, 'commit', '-qm', 'migrate secrets to Secrets Manager');
    clone = bed.tempDir('ss-deployed-clone-');
    execFileSync('git', ['clone', '-q', '--no-local', orig, clone], { stdio: 'pipe' });
    for (const dir of ['node-esm', 'mix', 'web']) installDeclaredDeps(join(clone, dir));

    const failures: string[] = [];
    for (const p of programs) {
      const r = await run(clone, p);
      if (r.code !== 0 || r.stdout.trim() !== before.get(p.name)) {
        const lines = r.stderr.trim().split('\n').filter((l) => l.trim() && !/^Node\.js v\d/.test(l));
        const last = lines.find((l) => /^\S*Error\b/.test(l)) ?? lines.pop() ?? '';
        failures.push(`${p.name}: exit ${r.code}, ${r.stdout.trim() === before.get(p.name) ? 'same' : 'different'} output; ${redact(last).split(clone).join('')}`);
      }
    }
    expect(failures).toEqual([]);
    // Every value is in a current secret, byte for byte (a field of its JSON), the manual ones too.
    const stored = new Set<string>();
    for (const s of bed.server().state.values()) {
      const cur = [...s.versions.values()].find((x) => x.stages.has('AWSCURRENT'));
      if (cur?.string) for (const x of Object.values(JSON.parse(cur.string) as Record<string, unknown>)) stored.add(String(x));
    }
    const manualFiles = new Set(report.manual.map((x) => x.file));
    expect(manualFiles).toEqual(new Set(['.env', 'build/release.env']));
    for (const [k, v] of VALUES) expect(stored.has(v), `${k} stored exactly`).toBe(true);
    // The manual files are left byte for byte.
    expect(readFileSync(join(orig, '.env'), 'utf8')).toBe(deployedFiles(V)['.env']);
    expect(readFileSync(join(orig, 'build/release.env'), 'utf8')).toBe(deployedFiles(V)['build/release.env']);

    // No value left in a file of the clone, except in the two manual files.
    for (const f of workTreeFiles(clone).filter((f) => !/(^|\/)node_modules\//.test(f) && !manualFiles.has(f))) {
      const text = readFileSync(join(clone, f), 'utf8');
      for (const [k, v] of VALUES) expect(text.includes(v), `${k} still in ${f}`).toBe(false);
    }

    // Second run, from the fresh clone (no journal): nothing written, nothing stored again.
    const tree = hashTree(clone);
    const writes = bed.server().calls.writeCalls();
    const again = await runAsync(process.execPath, [BIN, ...migrateArgs, '--apply', '--yes'], { cwd: clone, env: awsEnv() });
    expect(again.code, redact(again.stderr)).toBe(0);
    expect(hashTree(clone)).toEqual(tree);
    expect(bed.server().calls.writeCalls()).toBe(writes);
    // (node_modules: what `npm ci` installed; these legacy packages have no .gitignore.)
    expect(git(clone, 'status', '--porcelain').split('\n').filter((l) => l && !/node_modules\/$/.test(l))).toEqual([]);

    // The .env the deploy script sources: each of the report's two edits, made as written, prints the same.
    const sourced = report.manual.filter((x) => x.file === '.env').map((x) => x.suggestion ?? '');
    const refs = sourced.map((s) => /^set `([A-Z_]+)=(sm:\/\/[^`]+)` in \.env; then either drop line (\d+) of scripts\/deploy\.sh \(the `source`\) and start it with `secret-sweep run --env-file \.env -- scripts\/deploy\.sh` from the repository root .* or keep that line and add after it `(\1="\$\(aws secretsmanager [^`]+\)"; export \1)`/.exec(s));
    expect(refs.every(Boolean), redact(sourced.join('\n'))).toBe(true);
    const env = readFileSync(join(clone, '.env'), 'utf8');
    writeFileSync(join(clone, '.env'), refs.reduce((t, m) => t.replace(new RegExp(`^${m![1]}=.*$`, 'm'), `${m![1]}=${m![2]}`), env));
    const script = readFileSync(join(clone, 'scripts/deploy.sh'), 'utf8').split('\n');
    const at = Number(refs[0]![3]);
    const deploy = (lines: string[], viaRun: boolean) => {
      writeFileSync(join(clone, 'scripts/deploy.sh'), lines.join('\n'));
      return viaRun ? runAsync(process.execPath, [BIN, 'run', '--env-file', '.env', '--', 'sh', 'scripts/deploy.sh'], { cwd: clone, env: awsEnv() })
        : runAsync('sh', ['scripts/deploy.sh'], { cwd: clone, env: awsEnv() });
    };
    const dropped = await deploy(script.filter((_, i) => i !== at - 1), true);
    expect(dropped.stdout.trim(), redact(dropped.stderr)).toBe(before.get('.env sourced by a deploy script'));
    if (onPath('aws') && onPath('jq')) {
      const kept = await deploy([...script.slice(0, at), ...refs.map((m) => m![4]!), ...script.slice(at)], false);
      expect(kept.stdout.trim(), redact(kept.stderr)).toBe(before.get('.env sourced by a deploy script'));
    }
  }, 600_000);

  it.skipIf(!hasFilterRepo)('after the report\'s filter-repo step, no commit of a fresh clone holds a value', () => {
    const report = JSON.parse(readFileSync(join(orig, 'secret-sweep-migration.json'), 'utf8')) as Report;
    expect(existsSync(report.replacementsFile)).toBe(true);
    const scrubbed = bed.tempDir('ss-deployed-scrub-');
    execFileSync('git', ['clone', '-q', '--no-local', orig, scrubbed], { stdio: 'pipe' });
    execFileSync('git', ['filter-repo', '--replace-text', report.replacementsFile], { cwd: scrubbed, stdio: 'pipe' });
    const all = execFileSync('git', ['log', '-p', '--all', '--format=%H'], { cwd: scrubbed, maxBuffer: 256 << 20 }).toString();
    const left = VALUES.filter(([, v]) => all.includes(v)).map(([k]) => k);
    expect(left).toEqual([]);
  }, 300_000);
});
