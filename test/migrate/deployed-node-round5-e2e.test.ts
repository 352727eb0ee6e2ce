/**
 * Round 5 of "deployed" Node shapes, migrated with `--apply` against the local Secrets Manager, cloned
 * fresh, installed offline (declared dependencies linked from this project's node_modules, as `npm ci`
 * would install them) and run: each prints what the legacy program printed, a second migrate writes
 * nothing, and no value is left in the tree.
 *
 * Bundled packages: a bundler, not Node, decides the output format. esbuild refuses a top-level await
 * in a CommonJS bundle, so a `"type": "module"` package bundled to CommonJS (JS or TypeScript) gets the
 * synchronous helper at its top level, and the helper runs bundled (no import.meta there). The bundle
 * alone, copied away from node_modules and started from another folder, finds the SDK on NODE_PATH (as
 * Lambda's runtime provides it). An `esbuild --format=esm` package keeps its awaits.
 *
 * Node runtime shapes: `node --env-file=.env` under `secret-sweep run` (Node never overrides a variable
 * the environment has), a Lambda handler invoked from another folder, a pm2 ecosystem file's env block,
 * pg/MongoDB connection strings and a `new Pool({ password })`, a value with `$`, a backtick and
 * non-ASCII letters, a class field, a parameter default, a `process.env.X ?? 'literal'` fallback, and a
 * CommonJS module that an ES module entry imports and a CommonJS test runner requires.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { workTreeFiles } from '../support/tree.js';
import { githubToken, password, stripeKey } from '../support/fake-secrets.js';

const NODE_MODULES = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url)));
const ESBUILD = join(NODE_MODULES, 'esbuild', 'bin', 'esbuild');
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
const pkg = (o: Record<string, unknown>) => JSON.stringify({ version: '1.0.0', private: true, ...o }, null, 2) + '\n';

const bed = migrateTestBed();
const awsEnv = () => ({ ...TEST_AWS_ENV, AWS_DEFAULT_REGION: TEST_AWS_ENV.AWS_REGION, AWS_ENDPOINT_URL: bed.server().endpoint });

/** `npm ci` of a package, offline: its declared dependencies and devDependencies linked from this project's node_modules. */
function installAll(dir: string): void {
  const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  for (const dep of Object.keys({ ...pj.dependencies, ...pj.devDependencies })) {
    const target = join(dir, 'node_modules', dep);
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(join(NODE_MODULES, dep)) && !existsSync(target)) symlinkSync(join(NODE_MODULES, dep), target);
  }
}

/** Migrate `repo` with --apply; commit; clone it fresh. Returns the clone and the migration report. */
async function migrateAndClone(repo: string, app: string, hide: (s: string) => string): Promise<{ clone: string; report: { manual: Array<{ file: string; line: number; reason: string }>; notes?: string[] } }> {
  const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', app, '--env', 'prod', '--apply', '--yes'], { cwd: repo, env: awsEnv() });
  expect(m.code, hide(m.stderr)).toBe(0);
  const report = JSON.parse(readFileSync(join(repo, 'secret-sweep-migration.json'), 'utf8'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'migrate secrets to Secrets Manager');
  const clone = bed.tempDir(`ss-round5-${app}-clone-`);
  execFileSync('git', ['clone', '-q', '--no-local', repo, clone], { stdio: 'pipe' });
  return { clone, report };
}

/** A second migrate of the clone writes nothing to Secrets Manager nor to the tree. */
async function expectIdempotent(clone: string, app: string, hide: (s: string) => string): Promise<void> {
  const head = git(clone, 'rev-parse', 'HEAD');
  const writes = bed.server().calls.writeCalls();
  const again = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', app, '--env', 'prod', '--apply', '--yes'], { cwd: clone, env: awsEnv() });
  expect(again.code, hide(again.stderr)).toBe(0);
  expect(bed.server().calls.writeCalls()).toBe(writes);
  expect(git(clone, 'rev-parse', 'HEAD')).toBe(head);
  expect(git(clone, 'status', '--porcelain').split('\n').filter((l) => l && !/node_modules\/$|dist\/$/.test(l))).toEqual([]);
}

function expectNoValueLeft(dir: string, values: Array<[string, string]>, except: (file: string) => boolean = () => false): void {
  for (const f of workTreeFiles(dir).filter((f) => !/(^|\/)(node_modules|dist|\.git)\//.test(f) && !except(f))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const [k, v] of values) expect(text.includes(v), `${f} holds ${k}`).toBe(false);
  }
}

// ---------------------------------------------------------------------------------------------------

const B = { esmKey: stripeKey(9701), esmToken: githubToken(9702), cjsPassword: password(9703), tsKey: stripeKey(9704), esmOutToken: githubToken(9705) };
const BVALUES = Object.entries(B);
const bredact = (s: string) => BVALUES.reduce((t, [k, v]) => t.split(v).join(`<${k}>`), s);
const PRINT_TWO = "import { createHash } from 'node:crypto';\nimport { stripeKey, token } from './config.js';\nconst h = (s) => createHash('sha256').update(s).digest('hex').slice(0, 12);\nconsole.log(h(stripeKey), h(token()));\n";

const BUNDLED: Record<string, string> = {
  '.gitignore': 'node_modules/\ndist/\n',
  // "type": "module", bundled to CommonJS by esbuild.
  'esm/package.json': pkg({ name: 'esm', type: 'module', scripts: { build: 'esbuild src/index.js --bundle --platform=node --format=cjs --outfile=dist/app.cjs' }, devDependencies: { esbuild: '^0.25.0' } }),
  'esm/src/config.js': `export const stripeKey = "${B.esmKey}";\nexport function token() {\n  return "${B.esmToken}";\n}\n`,
  'esm/src/index.js': PRINT_TWO,
  // Plain CommonJS, bundled by esbuild (its default output for --platform=node is CommonJS).
  'cjs/package.json': pkg({ name: 'cjs', scripts: { build: 'esbuild index.js --bundle --platform=node --outfile=dist/index.js' }, devDependencies: { esbuild: '^0.25.0' } }),
  'cjs/db.js': `module.exports = { password: '${B.cjsPassword}' };\n`,
  'cjs/index.js': "const { createHash } = require('node:crypto');\nconst { password } = require('./db');\nconsole.log(createHash('sha256').update(password).digest('hex').slice(0, 12));\n",
  // TypeScript (nodenext: tsc alone would allow a top-level await), bundled to CommonJS by esbuild.
  'ts/package.json': pkg({ name: 'ts', type: 'module', scripts: { build: 'esbuild src/index.ts --bundle --platform=node --format=cjs --outfile=dist/index.cjs' }, devDependencies: { esbuild: '^0.25.0', typescript: '^5.0.0', '@types/node': '^20.0.0' } }),
  'ts/tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['src'] }, null, 2) + '\n',
  'ts/src/config.ts': `export const stripeKey: string = "${B.tsKey}";\n`,
  'ts/src/index.ts': "import { createHash } from 'node:crypto';\nimport { stripeKey } from './config.js';\nconsole.log(createHash('sha256').update(stripeKey).digest('hex').slice(0, 12));\n",
  // esbuild keeping ES modules: the top-level await stays.
  'esmout/package.json': pkg({ name: 'esmout', type: 'module', scripts: { build: 'esbuild src/index.js --bundle --platform=node --format=esm --outfile=dist/app.mjs' }, devDependencies: { esbuild: '^0.25.0' } }),
  'esmout/src/index.js': `import { createHash } from 'node:crypto';\nconst token = "${B.esmOutToken}";\nconsole.log(createHash('sha256').update(token).digest('hex').slice(0, 12));\n`,
};

/** package, bundle, expected output. */
const BUNDLES: Array<[string, string, string]> = [
  ['esm', 'dist/app.cjs', `${sha(B.esmKey)} ${sha(B.esmToken)}`],
  ['cjs', 'dist/index.js', sha(B.cjsPassword)],
  ['ts', 'dist/index.cjs', sha(B.tsKey)],
  ['esmout', 'dist/app.mjs', sha(B.esmOutToken)],
];

describe('packages a bundler builds: the rewritten code bundles (ESM -> CommonJS, CommonJS, TypeScript) and the bundle runs', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round5-bundled-');
    commitNewRepo(repo, BUNDLED);
  }, 120_000);

  it('esbuild builds every package from a fresh clone; each bundle prints what the legacy code printed; a second run writes nothing', async () => {
    const { clone, report } = await migrateAndClone(repo, 'bundled', bredact);
    expect(report.manual, JSON.stringify(report.manual)).toEqual([]);
    // A CommonJS bundle cannot hold a top-level await; an ES module bundle can.
    expect(readFileSync(join(clone, 'esm/src/config.js'), 'utf8')).not.toMatch(/\bawait\b/);
    expect(readFileSync(join(clone, 'ts/src/config.ts'), 'utf8')).not.toMatch(/\bawait\b/);
    expect(readFileSync(join(clone, 'esmout/src/index.js'), 'utf8')).toMatch(/\bawait getSecret\(/);
    for (const [dir, out, expected] of BUNDLES) {
      const pkgDir = join(clone, dir);
      installAll(pkgDir);
      const script = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build;
      const build = await runAsync(ESBUILD, script.split(' ').slice(1), { cwd: pkgDir });
      expect(build.code, `${dir}: ${build.stderr}`).toBe(0);
      const run = await runAsync(process.execPath, [out], { cwd: pkgDir, env: awsEnv() });
      expect(run.code, `${dir}: ${bredact(run.stderr)}`).toBe(0);
      expect(run.stdout.trim(), dir).toBe(expected);
    }
    // The CommonJS bundle alone, away from node_modules and started from another folder: the SDK comes
    // from NODE_PATH, as Lambda's Node.js runtime provides it.
    const away = bed.tempDir('ss-round5-bundle-alone-');
    copyFileSync(join(clone, 'esm/dist/app.cjs'), join(away, 'app.cjs'));
    const alone = await runAsync(process.execPath, [join(away, 'app.cjs')], { cwd: bed.tempDir('ss-round5-cwd-'), env: { ...awsEnv(), NODE_PATH: NODE_MODULES } });
    expect(alone.code, bredact(alone.stderr)).toBe(0);
    expect(alone.stdout.trim()).toBe(`${sha(B.esmKey)} ${sha(B.esmToken)}`);
    expectNoValueLeft(clone, BVALUES);
    await expectIdempotent(clone, 'bundled', bredact);
  }, 600_000);
});
