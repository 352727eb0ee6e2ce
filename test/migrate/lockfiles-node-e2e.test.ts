/**
 * `migrate --apply` declares @aws-sdk/client-secrets-manager for the generated JS helper, and keeps the
 * lock that pins each package in step with it, so the project's locked install (`npm ci`) still accepts
 * it from a fresh clone:
 *
 * - a package-lock.json (a workspace root's, or a package's own) is updated by npm (`--package-lock-only`,
 *   in a scratch copy: needs the npm registry; these cases skip, saying so, when it is unreachable);
 * - a yarn.lock is left alone, with a manual step naming the command;
 * - with the registry unreachable, the lock stays byte for byte and the report has the manual step;
 * - a dry run changes nothing and says what the apply will do; a second apply writes nothing.
 *
 * Locks are made by `npm install --package-lock-only` of package.json files without registry
 * dependencies (workspaces only), which needs no network. What is asserted of the result: `npm ci
 * --dry-run` in a fresh clone (it refuses a lock out of sync with package.json, offline), and the lock's
 * entries for the package and the SDK.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { githubToken, stripeKey } from '../support/fake-secrets.js';
import { NPM_QUIET } from '../support/npm-install.js';
import { lockPins, nodeLocksFor } from '../../src/migrate/lockfiles/node-locks.js';
import { onPath } from '../../src/migrate/lockfiles/lock-update.js';

const bed = migrateTestBed();
const SDK = '@aws-sdk/client-secrets-manager';
const OFFLINE = { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' };
const pkg = (o: Record<string, unknown>) => JSON.stringify({ version: '1.0.0', private: true, ...o }, null, 2) + '\n';

function npm(cwd: string, args: string[], env: Record<string, string> = {}): { code: number | null; out: string } {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, ...NPM_QUIET, ...env }, timeout: 180_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * A repository holding `files`, with `npm install --package-lock-only` run (no network: no registry
 * dependency) in each of `lockDirs` (`dir@1`: a lockfile v1, as npm 5/6 wrote).
 */
function repoWithLocks(prefix: string, files: Record<string, string>, lockDirs: string[]): string {
  const dir = bed.tempDir(prefix);
  commitNewRepo(dir, files);
  for (const spec of lockDirs) {
    const [d, v] = spec.split('@') as [string, string | undefined];
    const r = npm(join(dir, d), ['install', '--package-lock-only', '--ignore-scripts', ...(v ? [`--lockfile-version=${v}`] : [])], OFFLINE);
    if (r.code !== 0) throw new Error(`npm install --package-lock-only in ${d}: ${r.out}`);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'locks');
  return dir;
}

const migrate = (dir: string, extra: string[] = [], env: Record<string, string> = {}) =>
  runCliAsync(['migrate', '.', '--app', dir.includes('offline') ? 'svc' : 'shop', '--env', 'prod', '--endpoint-url', bed.server().endpoint, ...extra], { cwd: dir, env: { ...TEST_AWS_ENV, ...env } });

interface Lock { lockfileVersion: number; packages: Record<string, { version?: string; integrity?: string; resolved?: string; dependencies?: Record<string, string> }> }
const readLock = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Lock;
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
interface Report { lockfiles: Array<{ file: string; tool: string; status: string; command: string; cwd: string; why: string }>; dependencies: Array<{ file: string }> }

let online = false;
beforeAll(() => {
  const r = npm(process.cwd(), ['view', SDK, 'version']);
  online = r.code === 0;
  if (!online) console.warn(`lockfiles-node-e2e: the npm registry is unreachable (npm view ${SDK}): the cases that update a package-lock.json are skipped`);
}, 120_000);

describe('package-lock.json of workspaces and of a package, yarn.lock', () => {
  let dir: string;
  let clone: string;
  let first: Awaited<ReturnType<typeof migrate>>;
  let second: { code: number | null; stderr: string; writes: number; status: string };
  let yarnBefore: string;
  const ready = (ctx: { skip: () => void }) => {
    if (!online) {
      console.warn('skipped: the npm registry is unreachable');
      ctx.skip();
    }
  };

  beforeAll(async () => {
    if (!online) return;
    dir = repoWithLocks('ss-lock-npm-', {
      '.gitignore': 'node_modules/\n',
      'package.json': pkg({ name: 'mono', workspaces: ['packages/*'] }),
      // Node 20 allowed: the SDK's releases after January 2027 require Node 22, so its range keeps to patches.
      'packages/api/package.json': pkg({ name: '@acme/api', main: 'src/db.js', engines: { node: '>=20' }, dependencies: { '@acme/shared': '1.0.0' } }),
      'packages/api/src/db.js': `'use strict';\nconst token = '${githubToken(4101)}';\nmodule.exports = { token };\n`,
      'packages/shared/package.json': pkg({ name: '@acme/shared' }),
      'packages/shared/index.js': 'module.exports = {};\n',
      // Its own package and lock, not a workspace of the root.
      'tools/report/package.json': pkg({ name: 'report', type: 'module', engines: { node: '>=22' } }),
      'tools/report/index.js': `export const key = '${stripeKey(4102)}';\n`,
      // npm 5/6's lock format: it stays v1.
      'old/package.json': pkg({ name: 'old' }),
      'old/index.js': `exports.token = '${githubToken(4104)}';\n`,
      // A yarn project: its lock is not edited.
      'legacy/package.json': pkg({ name: 'legacy' }),
      'legacy/yarn.lock': '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n',
      'legacy/index.js': `exports.token = '${githubToken(4103)}';\n`,
    }, ['.', 'tools/report', 'old@1']);
    yarnBefore = readFileSync(join(dir, 'legacy/yarn.lock'), 'utf8');
    first = await migrate(dir, ['--apply', '--yes']);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'migrate');
    bed.server().calls.reset();
    const again = await migrate(dir, ['--apply', '--yes']);
    second = { code: again.code, stderr: again.stderr, writes: bed.server().calls.writeCalls(), status: git(dir, 'status', '--porcelain') };
    clone = bed.tempDir('ss-lock-npm-clone-');
    execFileSync('git', ['clone', '-q', dir, clone], { stdio: 'pipe' });
  }, 600_000);

  it('migrate --apply succeeds and declares the SDK in each package', (ctx) => {
    ready(ctx);
    expect(first.code, first.stderr).toBe(0);
    // secret-sweep's own range is ~ (it runs on Node 20); a package on Node 22 gets the caret of that version.
    const declared = (JSON.parse(readFileSync('package.json', 'utf8')) as { optionalDependencies: Record<string, string> }).optionalDependencies[SDK]!;
    expect(declared).toMatch(/^~3\.\d+\.\d+$/);
    const own = `^${declared.slice(1)}`;
    expect(readJson(join(clone, 'packages/api/package.json')).dependencies![SDK]).toBe(`~${own.slice(1)}`);
    expect(readJson(join(clone, 'tools/report/package.json')).dependencies![SDK]).toBe(own);
    expect((readJson(join(clone, 'secret-sweep-migration.json')) as unknown as { notes: string[] }).notes).toContain(`packages/api/package.json: added ${SDK} ~${own.slice(1)} to dependencies (the generated helper needs it); ~${own.slice(1)}, not ${own}: the package may run on Node 20 (engines.node ">=20") and the SDK's releases after the first week of January 2027 require Node 22; widen it to ${own} once the package requires Node 22 (on Node 20 the SDK prints a NodeVersionSupportWarning; AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true silences it)`);
    expect(readJson(join(clone, 'package.json')).dependencies).toBeUndefined();
  });

  it('each package-lock.json pins the SDK at the declared range, with a version and its integrity', (ctx) => {
    ready(ctx);
    for (const [lockDir, entry] of [['.', 'packages/api'], ['tools/report', '']] as const) {
      const lock = readLock(join(clone, lockDir, 'package-lock.json'));
      const spec = readJson(join(clone, lockDir, entry, 'package.json')).dependencies![SDK];
      expect(lock.packages[entry]!.dependencies![SDK], lockDir).toBe(spec);
      const installed = lock.packages[`node_modules/${SDK}`];
      expect(installed?.version, lockDir).toMatch(/^3\.\d+\.\d+$/);
      expect(installed?.integrity, lockDir).toMatch(/^sha512-/);
      expect(lock.lockfileVersion).toBe(3);
    }
    const v1 = JSON.parse(readFileSync(join(clone, 'old/package-lock.json'), 'utf8')) as { lockfileVersion: number; packages?: unknown; dependencies: Record<string, { version: string; integrity: string }> };
    expect(v1.lockfileVersion).toBe(1);
    expect(v1.packages).toBeUndefined();
    expect(v1.dependencies[SDK]).toMatchObject({ version: expect.stringMatching(/^3\./), integrity: expect.stringMatching(/^sha512-/) });
    // The workspace link is still there.
    expect(readLock(join(clone, 'package-lock.json')).packages['node_modules/@acme/api']).toMatchObject({ resolved: 'packages/api', link: true });
  });

  it('npm ci accepts each lock in a fresh clone (--dry-run, offline)', (ctx) => {
    ready(ctx);
    for (const d of ['.', 'tools/report', 'old']) {
      const r = npm(join(clone, d), ['ci', '--dry-run', '--ignore-scripts'], OFFLINE);
      expect(r.code, `${d}: ${r.out}`).toBe(0);
    }
  });

  it('yarn.lock is left as it was, with a manual step naming the command', (ctx) => {
    ready(ctx);
    expect(readFileSync(join(clone, 'legacy/yarn.lock'), 'utf8')).toBe(yarnBefore);
    const report = readJson(join(dir, 'secret-sweep-migration.json')) as unknown as Report;
    expect(report.lockfiles.map((l) => [l.file, l.tool, l.status, l.cwd]).sort()).toEqual([
      ['legacy/yarn.lock', 'yarn', 'manual', 'legacy'],
      ['old/package-lock.json', 'npm', 'updated', 'old'],
      ['package-lock.json', 'npm', 'updated', '.'],
      ['tools/report/package-lock.json', 'npm', 'updated', 'tools/report'],
    ]);
    expect(report.lockfiles.find((l) => l.tool === 'yarn')!.command).toBe('yarn install');
    const md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
    expect(md).toMatch(/## Manual: left for you[\s\S]*### Lock files[\s\S]*`legacy\/yarn\.lock`: `yarn install` in `legacy`/);
  });

  it('the lock writes are journaled like any other file', (ctx) => {
    ready(ctx);
    const journal = readFileSync(join(dir, '.secret-sweep/journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { step: string; file?: string });
    for (const f of ['package-lock.json', 'tools/report/package-lock.json', 'old/package-lock.json']) {
      expect(journal.filter((r) => r.file === f).map((r) => r.step), f).toEqual(['file-begin', 'file-generated']);
    }
  });

  it('a second migrate --apply writes nothing', (ctx) => {
    ready(ctx);
    expect(second.code, second.stderr).toBe(0);
    expect(second.writes).toBe(0);
    expect(second.status).toBe('');
  });
});

describe('without the npm registry', () => {
  it('the dry run says the apply will update the lock and changes nothing; the apply leaves the lock byte for byte and reports the command', async () => {
    const dir = repoWithLocks('ss-lock-offline-', {
      'package.json': pkg({ name: 'svc', type: 'module' }),
      'index.js': `export const key = '${stripeKey(4111)}';\n`,
    }, ['.']);
    const lockBefore = readFileSync(join(dir, 'package-lock.json'), 'utf8');
    // The dry run runs no npm: an `npm` first on PATH that leaves a mark if it is started.
    const shims = bed.tempDir('ss-npm-mark-');
    writeFileSync(join(shims, 'npm'), `#!/bin/sh\ntouch '${join(shims, 'npm-was-run')}'\nexit 1\n`, { mode: 0o755 });
    const dry = await migrate(dir, [], { ...OFFLINE, PATH: `${shims}:${process.env.PATH ?? ''}` });
    expect(dry.code, dry.stderr).toBe(0);
    expect(existsSync(join(shims, 'npm-was-run'))).toBe(false);
    expect(dry.stdout).toContain(`package-lock.json: will be updated for ${SDK} with \`npm install --package-lock-only --ignore-scripts --no-audit --no-fund\` at the repository root`);
    expect(git(dir, 'status', '--porcelain')).toBe('');

    const r = await migrate(dir, ['--apply', '--yes'], OFFLINE);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(lockBefore);
    expect(readJson(join(dir, 'package.json')).dependencies![SDK]).toMatch(/^[~^]3\./);
    const report = readJson(join(dir, 'secret-sweep-migration.json')) as unknown as Report;
    expect(report.lockfiles).toEqual([expect.objectContaining({
      file: 'package-lock.json', tool: 'npm', status: 'manual', cwd: '.', command: 'npm install --package-lock-only --ignore-scripts --no-audit --no-fund',
    })]);
    expect(report.lockfiles[0]!.why).toMatch(/could not be updated here \(npm failed: .*ECONNREFUSED/);
    expect(r.stderr).toMatch(/left for you: package-lock\.json: run `npm install --package-lock-only/);
    expect(readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8')).toMatch(/### Lock files[\s\S]*`package-lock\.json`: `npm install --package-lock-only --ignore-scripts --no-audit --no-fund` in `\.`/);
  }, 300_000);
});

describe('a package that declares and locks the SDK already', () => {
  it('keeps package.json and package-lock.json byte for byte and reports no lock step (no npm, no registry)', async () => {
    const dir = bed.tempDir('ss-lock-has-');
    const files = {
      'package.json': pkg({ name: 'has', dependencies: { [SDK]: '^3.500.0' } }),
      // As npm writes it (the integrity is never checked here: nothing is installed).
      'package-lock.json': JSON.stringify({
        name: 'has', version: '1.0.0', lockfileVersion: 3, requires: true,
        packages: { '': { name: 'has', version: '1.0.0', dependencies: { [SDK]: '^3.500.0' } }, [`node_modules/${SDK}`]: { version: '3.500.0', integrity: 'sha512-AAAA', license: 'Apache-2.0' } },
      }, null, 2) + '\n',
      'index.js': `exports.token = '${githubToken(4130)}';\n`,
    };
    commitNewRepo(dir, files);
    const r = await runCliAsync(['migrate', '.', '--app', 'has', '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'], { cwd: dir, env: { ...TEST_AWS_ENV, ...OFFLINE } });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toContain('getSecret');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(files['package.json']);
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(files['package-lock.json']);
    expect((readJson(join(dir, 'secret-sweep-migration.json')) as unknown as Report).lockfiles).toEqual([]);
  }, 120_000);
});

describe('which lock pins a package, and whether it pins the SDK', () => {
  const spec = '^3.1164.0';
  const v3 = (pkgs: Record<string, unknown>) => JSON.stringify({ lockfileVersion: 3, packages: pkgs });
  it('npm: the package\'s entry at the declared range and an installed version', () => {
    const installed = { [`node_modules/${SDK}`]: { version: '3.1178.0' } };
    expect(lockPins('npm', v3({ '': { dependencies: { [SDK]: spec } }, ...installed }), '', SDK, spec)).toBe(true);
    expect(lockPins('npm', v3({ '': { dependencies: { [SDK]: '^3.1.0' } }, ...installed }), '', SDK, spec)).toBe(false);
    expect(lockPins('npm', v3({ '': { dependencies: { [SDK]: spec } } }), '', SDK, spec)).toBe(false);
    expect(lockPins('npm', v3({ '': {}, 'packages/api': { dependencies: { [SDK]: spec } }, ...installed }), 'packages/api', SDK, spec)).toBe(true);
    expect(lockPins('npm', v3({ '': {}, 'packages/api': { dependencies: { [SDK]: spec } }, [`packages/api/node_modules/${SDK}`]: { version: '3.1.0' } }), 'packages/api', SDK, spec)).toBe(true);
    expect(lockPins('npm', JSON.stringify({ lockfileVersion: 1, dependencies: { [SDK]: { version: '3.1178.0' } } }), '', SDK, spec)).toBe(true);
    expect(lockPins('npm', '{"lockfileVersion": 3, ', '', SDK, spec)).toBeUndefined();
  });
  it('yarn v1 and Berry keys, a pnpm importer specifier', () => {
    expect(lockPins('yarn', `"${SDK}@${spec}":\n  version "3.1178.0"\n`, '', SDK, spec)).toBe(true);
    expect(lockPins('yarn', `"${SDK}@npm:${spec}":\n  version: 3.1178.0\n`, '', SDK, spec)).toBe(true);
    expect(lockPins('yarn', `"${SDK}@^3.1.0":\n  version "3.1.0"\n`, '', SDK, spec)).toBe(false);
    expect(lockPins('pnpm', `importers:\n  .:\n    dependencies:\n      '${SDK}':\n        specifier: ${spec}\n        version: 3.1178.0\n`, '', SDK, spec)).toBe(true);
    expect(lockPins('pnpm', 'lockfileVersion: \'9.0\'\nimporters:\n  .: {}\n', '', SDK, spec)).toBe(false);
    const ws = `importers:\n\n  .: {}\n\n  packages/api:\n    dependencies:\n      '${SDK}':\n        specifier: ${spec}\n        version: 3.1178.0\n\npackages:\n`;
    expect([lockPins('pnpm', ws, '', SDK, spec), lockPins('pnpm', ws, 'packages/api', SDK, spec), lockPins('pnpm', ws, 'packages/web', SDK, spec)]).toEqual([false, true, false]);
  });
  it('a workspace is pinned by its root\'s lock; a nested package without a lock of its own by none', () => {
    const files: Record<string, string> = {
      'package.json': '{"workspaces":["packages/*"]}',
      'package-lock.json': v3({ '': {}, 'packages/api': {} }),
      'packages/api/package.json': '{}',
      'tools/x/package.json': '{}',
      'yarnrepo/package.json': '{"workspaces":["a"]}',
      'yarnrepo/yarn.lock': '',
      'yarnrepo/a/package.json': '{}',
    };
    const exists = (f: string) => f in files;
    const read = (f: string) => files[f];
    expect(nodeLocksFor('packages/api', exists, read)).toEqual([{ file: 'package-lock.json', dir: '.', kind: 'npm' }]);
    expect(nodeLocksFor('tools/x', exists, read)).toEqual([]);
    expect(nodeLocksFor('yarnrepo/a', exists, read)).toEqual([{ file: 'yarnrepo/yarn.lock', dir: 'yarnrepo', kind: 'yarn' }]);
  });
});

describe('a run killed around the lock update resumes', () => {
  // The journal's order: the helper, package.json, the lock (each file-begin then file-generated), then the code.
  it.each([['after package.json is written', 'file-generated@2'], ['as the lock write begins', 'file-begin@3'], ['with the new lock in its temp file', 'temp-written@3']])('%s: the resumed run updates the lock and finishes', async (_what, at) => {
    if (!online) {
      console.warn('skipped: the npm registry is unreachable');
      return;
    }
    const dir = repoWithLocks('ss-lock-resume-', {
      'package.json': pkg({ name: 'svc' }),
      'index.js': `exports.token = '${githubToken(4120 + at.length)}';\n`,
    }, ['.']);
    const run = (env: Record<string, string>) => runCliAsync(['migrate', '.', '--app', `resume${at.length}${at[5]}`, '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'],
      { cwd: dir, env: { ...TEST_AWS_ENV, ...env } });
    const killed = await run({ SECRET_SWEEP_TEST_CRASH_AT: at });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    // Killed between the package.json write and the lock's rename, before any code edit.
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toContain('exports.token = \'');
    expect(readJson(join(dir, 'package.json')).dependencies![SDK]).toMatch(/^[~^]3\./);
    expect(readLock(join(dir, 'package-lock.json')).packages[''].dependencies).toBeUndefined();
    expect(readdirSync(dir).some((f) => f.startsWith('.package-lock.json.secret-sweep-'))).toBe(at.startsWith('temp-written'));
    const resumed = await run({});
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming after an interrupted run');
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toContain('getSecret');
    const lock = readLock(join(dir, 'package-lock.json'));
    expect(lock.packages['']!.dependencies![SDK]).toBe(readJson(join(dir, 'package.json')).dependencies![SDK]);
    expect(lock.packages[`node_modules/${SDK}`]?.integrity).toMatch(/^sha512-/);
    const ci = npm(dir, ['ci', '--dry-run', '--ignore-scripts'], OFFLINE);
    expect(ci.code, ci.out).toBe(0);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all').split('\n').filter((l) => l && !/secret-sweep-migration\.|secret-sweep-secrets\.|package(-lock)?\.json|index\.js/.test(l))).toEqual([]);
  }, 300_000);
});

describe('pnpm-lock.yaml of a pnpm workspace', () => {
  // pnpm is not a dependency of this project: a `pnpm` on PATH that runs pnpm 9 through npx (npm registry).
  let shimDir: string;
  let usable = false;
  const pnpmEnv = () => ({ PATH: `${shimDir}:${process.env.PATH ?? ''}` });
  const pnpm = (cwd: string, args: string[]) => {
    const r = spawnSync('pnpm', args, { cwd, encoding: 'utf8', env: { ...process.env, ...NPM_QUIET, ...pnpmEnv() }, timeout: 240_000 });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const files = {
    'package.json': pkg({ name: 'mono' }),
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
    'packages/api/package.json': pkg({ name: '@acme/api' }),
    'packages/api/src/db.js': `exports.token = '${githubToken(4140)}';\n`,
    'packages/web/package.json': pkg({ name: '@acme/web' }),
  };

  beforeAll(() => {
    shimDir = bed.tempDir('ss-pnpm-shim-');
    writeFileSync(join(shimDir, 'pnpm'), '#!/bin/sh\nexec npx -y pnpm@9 "$@"\n', { mode: 0o755 });
    if (!online) return;
    const v = pnpm(shimDir, ['--version']);
    usable = v.code === 0;
    if (!usable) console.warn(`lockfiles-node-e2e: pnpm 9 could not be fetched through npx: the pnpm case is skipped (${v.out.split('\n')[0]})`);
  }, 300_000);

  it('is updated with pnpm install --lockfile-only, in its format, and pnpm install --frozen-lockfile accepts it', async (ctx) => {
    if (!usable) {
      console.warn('skipped: no pnpm');
      ctx.skip();
    }
    const dir = bed.tempDir('ss-lock-pnpm-');
    commitNewRepo(dir, files);
    const made = pnpm(dir, ['install', '--lockfile-only']);
    expect(made.code, made.out).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'lock');
    const r = await runCliAsync(['migrate', '.', '--app', 'pnpmws', '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'], { cwd: dir, env: { ...TEST_AWS_ENV, ...pnpmEnv() } });
    expect(r.code, r.stderr).toBe(0);
    const lock = readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8');
    const spec = readJson(join(dir, 'packages/api/package.json')).dependencies![SDK]!;
    expect(lock).toMatch(/^lockfileVersion: '9\.0'/);
    expect([lockPins('pnpm', lock, 'packages/api', SDK, spec), lockPins('pnpm', lock, '', SDK, spec)]).toEqual([true, false]);
    expect(lock).toMatch(new RegExp(`'${SDK}@3\\.\\d+\\.\\d+':\\n    resolution: \\{integrity: sha512-`));
    const report = readJson(join(dir, 'secret-sweep-migration.json')) as unknown as Report;
    expect(report.lockfiles.map((l) => [l.file, l.tool, l.status, l.cwd])).toEqual([['pnpm-lock.yaml', 'pnpm', 'updated', '.']]);
    const frozen = pnpm(dir, ['install', '--frozen-lockfile', '--lockfile-only']);
    expect(frozen.code, frozen.out).toBe(0);
  }, 600_000);

  it('without pnpm installed, is left as it was with a manual step', async (ctx) => {
    if (onPath('pnpm')) {
      console.warn('skipped: pnpm is installed here');
      ctx.skip();
    }
    const dir = bed.tempDir('ss-lock-nopnpm-');
    const lock = "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\nimporters:\n\n  .: {}\n\n  packages/api: {}\n\n  packages/web: {}\n";
    commitNewRepo(dir, { ...files, 'pnpm-lock.yaml': lock });
    const r = await runCliAsync(['migrate', '.', '--app', 'nopnpm', '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'], { cwd: dir, env: TEST_AWS_ENV });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8')).toBe(lock);
    const report = readJson(join(dir, 'secret-sweep-migration.json')) as unknown as Report;
    expect(report.lockfiles).toEqual([expect.objectContaining({ file: 'pnpm-lock.yaml', tool: 'pnpm', status: 'manual', cwd: '.', command: 'pnpm install --lockfile-only --ignore-scripts' })]);
    expect(report.lockfiles[0]!.why).toMatch(/pnpm install --frozen-lockfile.*fails until it does; pnpm is not installed where secret-sweep ran/);
  }, 120_000);
});
