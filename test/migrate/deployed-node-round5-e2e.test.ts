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
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runAsync } from '../support/cli.js';
import { commitNewRepo, migrateTestBed } from '../support/migrate-bed.js';
import { installDeclaredDeps } from '../support/npm-ci.js';
import { deployedNodeHarness, ESBUILD, NODE_MODULES, pkg, redactor, sha } from '../support/deployed-node.js';
import { ALNUM, githubToken, npmToken, password, randomString, stripeKey } from '../support/fake-secrets.js';

const bed = migrateTestBed();
const { awsEnv, migrateAndClone, expectIdempotent, expectNoValueLeft } = deployedNodeHarness(bed, 'round5');

/** `npm ci` of a package, offline, devDependencies included (the build runs esbuild). */
const installAll = (dir: string) => installDeclaredDeps(dir, true);

// ---------------------------------------------------------------------------------------------------

const B = { esmKey: stripeKey(9701), esmToken: githubToken(9702), cjsPassword: password(9703), tsKey: stripeKey(9704), esmOutToken: githubToken(9705) };
const bredact = redactor(B);
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
    expectNoValueLeft(clone, B);
    await expectIdempotent(clone, 'bundled', bredact);
  }, 600_000);
});

// ---------------------------------------------------------------------------------------------------

const N = {
  envFileKey: stripeKey(9801),
  lambdaPassword: password(9802),
  pm2Token: githubToken(9803),
  // `$`, a backtick and non-ASCII letters: the stored value is what the program used.
  poolPassword: 'Zq$9' + '`kRw\u00e9\u20ac' + randomString(ALNUM, 10, 9811),
  pgPassword: randomString(ALNUM, 17, 9812),
  mongoPassword: randomString(ALNUM, 17, 9813),
  bearer: githubToken(9804),
  fieldPassword: password(9805),
  defaultToken: githubToken(9806),
  fallbackKey: stripeKey(9807),
  sharedToken: githubToken(9808),
};
const nredact = redactor(N);
const H = "const h = (s) => require('node:crypto').createHash('sha256').update(String(s)).digest('hex').slice(0, 12);\n";

const RUNTIME: Record<string, string> = {
  '.gitignore': 'node_modules/\n',
  // Node 20.6+ reads the file itself: it never expands anything, and never overrides the environment.
  'envfile/package.json': pkg({ name: 'envfile', scripts: { start: 'node --env-file=.env app.js' } }),
  // Node reads 'a\\b' with both backslashes and cuts v1#beta at the # (python-dotenv does neither).
  'envfile/.env': `STRIPE_KEY=${N.envFileKey}\nLOG_LEVEL=info\nGREETING='a\\\\b'\nTAG=v1#beta\n`,
  'envfile/app.js': `${H}console.log(h(process.env.STRIPE_KEY), process.env.LOG_LEVEL, process.env.GREETING, process.env.TAG);\n`,
  // A Lambda handler: CommonJS, invoked by a runtime started in another folder.
  'lambda/package.json': pkg({ name: 'fn', main: 'index.js' }),
  'lambda/index.js': `const { createHash } = require('node:crypto');\nconst DB_PASSWORD = '${N.lambdaPassword}';\nexports.handler = async (event) => ({ statusCode: 200, body: createHash('sha256').update(DB_PASSWORD + event.x).digest('hex').slice(0, 12) });\n`,
  // pm2 evaluates the ecosystem file in its own process and hands env to the app.
  'pm2/package.json': pkg({ name: 'pm2app', scripts: { start: 'pm2 start ecosystem.config.js' } }),
  'pm2/ecosystem.config.js': `module.exports = {\n  apps: [{\n    name: 'api',\n    script: './server.js',\n    env: {\n      NODE_ENV: 'production',\n      GITHUB_TOKEN: '${N.pm2Token}',\n    },\n  }],\n};\n`,
  'pm2/server.js': `${H}console.log(h(process.env.GITHUB_TOKEN));\n`,
  // Database clients and the places a literal can sit in an ES module.
  'db/package.json': pkg({ name: 'db', type: 'module', dependencies: { pg: '^8.0.0' } }),
  'db/clients.js': [
    "import pg from 'pg';",
    `export const pool = new pg.Pool({ host: 'db', user: 'app', password: "${N.poolPassword}" });`,
    `export const url = 'postgres://app:${N.pgPassword}@db.internal:5432/app';`,
    `export const mongo = 'mongodb+srv://svc:${N.mongoPassword}@cluster0.example.net/app';`,
    `export const auth = \`Bearer ${N.bearer}\`;`,
    'export class Repo {',
    `  password = '${N.fieldPassword}';`,
    `  constructor(token = '${N.defaultToken}') {`,
    '    this.token = token;',
    '  }',
    '}',
    `export const stripe = process.env.STRIPE_KEY ?? '${N.fallbackKey}';`,
    '',
  ].join('\n'),
  'db/main.js': "import { createHash } from 'node:crypto';\nimport { pool, url, mongo, auth, Repo, stripe } from './clients.js';\nconst h = (s) => createHash('sha256').update(String(s)).digest('hex').slice(0, 12);\nconst r = new Repo();\nconsole.log([pool.options.password, url, mongo, auth, r.password, r.token, stripe].map(h).join(' '));\nawait pool.end();\n",
  // A CommonJS module that an ES module entry imports and a CommonJS test runner requires.
  'shared/package.json': pkg({ name: 'shared', scripts: { test: 'node test/creds.test.cjs', start: 'node main.mjs' } }),
  'shared/lib/creds.js': `exports.token = '${N.sharedToken}';\n`,
  'shared/main.mjs': "import { createHash } from 'node:crypto';\nimport creds from './lib/creds.js';\nconsole.log(createHash('sha256').update(creds.token).digest('hex').slice(0, 12));\n",
  'shared/test/creds.test.cjs': `const assert = require('node:assert');\nconst { token } = require('../lib/creds.js');\nassert.strictEqual(require('node:crypto').createHash('sha256').update(token).digest('hex').slice(0, 12), '${sha(N.sharedToken)}');\nconsole.log('ok');\n`,
};

describe('Node runtime shapes: each program, installed from a fresh clone, prints what the legacy one printed', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round5-runtime-');
    commitNewRepo(repo, RUNTIME);
  }, 120_000);

  it('--env-file under `secret-sweep run`, a Lambda handler from another folder, pm2 env, DB clients, a CommonJS module shared by ESM and a test runner', async () => {
    const legacy = await runAsync(process.execPath, ['--env-file=.env', 'app.js'], { cwd: join(repo, 'envfile'), env: { PATH: process.env.PATH ?? '' } });
    expect(legacy.code, legacy.stderr).toBe(0);
    const { clone, report } = await migrateAndClone(repo, 'rt', nredact);
    expect(report.manual.map((m) => `${m.file}:${m.line}: ${m.reason}`)).toEqual([]);
    const env = awsEnv();
    const node = async (cwd: string, args: string[], extra: Record<string, string> = {}) => {
      const r = await runAsync(process.execPath, args, { cwd, env: { ...env, ...extra } });
      expect(r.code, `${cwd} ${args.join(' ')}: ${nredact(r.stderr)}`).toBe(0);
      return r.stdout.trim();
    };

    // `node --env-file=.env` started by `secret-sweep run`: the resolved value is in the environment, which
    // Node keeps; the file's other variables are still Node's own reading of them. The reference is quoted:
    // Node's parser ends an unquoted value at `#` (round 8 starts such a script without `secret-sweep run`).
    expect(readFileSync(join(clone, 'envfile/.env'), 'utf8')).toMatch(/^STRIPE_KEY='sm:\/\/[^'\s]+'$/m);
    expect(legacy.stdout.trim().split(' ')[0]).toBe(sha(N.envFileKey));
    const envfile = await runAsync(process.execPath, [BIN, 'run', '--', process.execPath, '--env-file=.env', 'app.js'], { cwd: join(clone, 'envfile'), env });
    expect(envfile.code, nredact(envfile.stderr)).toBe(0);
    expect(envfile.stdout.trim()).toBe(legacy.stdout.trim());

    // The Lambda runtime requires the handler by its absolute path from its own folder.
    installAll(join(clone, 'lambda'));
    const invoke = `require(${JSON.stringify(join(clone, 'lambda', 'index.js'))}).handler({ x: '1' }).then((r) => console.log(r.body))`;
    expect(await node(bed.tempDir('ss-round5-lambda-cwd-'), ['-e', invoke])).toBe(sha(N.lambdaPassword + '1'));

    // pm2 loads the ecosystem file in its own process and starts the app with its env block.
    installAll(join(clone, 'pm2'));
    const pm2 = "const app = require('./ecosystem.config.js').apps[0]; const r = require('node:child_process').spawnSync(process.execPath, [app.script], { env: { ...process.env, ...app.env }, encoding: 'utf8' }); process.stdout.write(r.stdout);";
    expect(await node(join(clone, 'pm2'), ['-e', pm2])).toBe(sha(N.pm2Token));

    installAll(join(clone, 'db'));
    const all = [N.poolPassword, `postgres://app:${N.pgPassword}@db.internal:5432/app`, `mongodb+srv://svc:${N.mongoPassword}@cluster0.example.net/app`, `Bearer ${N.bearer}`, N.fieldPassword, N.defaultToken, N.fallbackKey];
    const dbOut = await node(join(clone, 'db'), ['main.js'], { STRIPE_KEY: '' });
    expect(dbOut.split(' ').slice(0, 6)).toEqual(all.slice(0, 6).map(sha));
    // `??` keeps an empty variable (it is not nullish): the literal's replacement runs only when it is unset.
    expect(dbOut.split(' ')[6]).toBe(sha(''));
    const unset = await runAsync(process.execPath, ['main.js'], { cwd: join(clone, 'db'), env });
    expect(unset.stdout.trim().split(' ')[6], nredact(unset.stderr)).toBe(sha(N.fallbackKey));

    installAll(join(clone, 'shared'));
    expect(await node(join(clone, 'shared'), ['main.mjs'])).toBe(sha(N.sharedToken));
    expect(await node(join(clone, 'shared'), ['test/creds.test.cjs'])).toBe('ok');

    expectNoValueLeft(clone, N);
    await expectIdempotent(clone, 'rt', nredact);
  }, 600_000);
});

// ---------------------------------------------------------------------------------------------------

const T = { npmToken: npmToken(9901), slsKey: stripeKey(9902), stepToken: npmToken(9903), nextKey: stripeKey(9904) };
const tredact = redactor(T);

const TOOL_FILES: Record<string, string> = {
  '.npmrc': `//registry.npmjs.org/:_authToken=${T.npmToken}\n`,
  'serverless.yml': `service: fn\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  environment:\n    STRIPE_KEY: ${T.slsKey}\nfunctions:\n  main:\n    handler: index.handler\n`,
  '.github/workflows/publish.yml': `on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${T.stepToken}\n`,
  // Next.js loads .env.production for `next build` / `next start` and keeps what the environment has.
  'site/package.json': pkg({ name: 'site', scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '14.2.0', react: '^18.2.0', 'react-dom': '^18.2.0' } }),
  'site/.env.production': `STRIPE_SECRET_KEY=${T.nextKey}\n`,
};

const TOOL_MANUAL: Array<[file: string, reason: RegExp, suggestion: RegExp]> = [
  ['.npmrc', /npm reads \.npmrc values literally.*sent to the registry as the token/, /replace the value with `\$\{[A-Z0-9_]+\}` and run npm under `secret-sweep run -- npm …`/],
  ['serverless.yml', /the Serverless Framework deploys environment: values into the Lambda function's configuration/, /have the handler read \S+ \(key \S+\) itself: `await getSecret\(/],
  ['.github/workflows/publish.yml', /AWS credentials/, /aws-secretsmanager-get-secrets|configure-aws-credentials/],
];

describe('config files read by other tools: npm, the Serverless Framework, a workflow step, Next.js', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round5-tools-');
    commitNewRepo(repo, TOOL_FILES);
  }, 120_000);

  it('what the tool reads literally stays byte for byte with its own edit; .env.production is a reference that `secret-sweep run` fills', async () => {
    const { clone, report } = await migrateAndClone(repo, 'tools', tredact);
    for (const [file, reason, suggestion] of TOOL_MANUAL) {
      expect(readFileSync(join(clone, file), 'utf8'), `${file} unchanged`).toBe(TOOL_FILES[file]);
      const u = report.manual.find((x) => x.file === file) as { reason: string; suggestion?: string } | undefined;
      expect(u?.reason, file).toMatch(reason);
      expect(u?.suggestion, file).toMatch(suggestion);
    }
    expect(readFileSync(join(clone, 'site/.env.production'), 'utf8')).toMatch(/^STRIPE_SECRET_KEY=sm:\/\/\S+$/m);
    const print = "process.stdout.write(require('node:crypto').createHash('sha256').update(process.env.STRIPE_SECRET_KEY).digest('hex').slice(0, 12))";
    const r = await runAsync(process.execPath, [BIN, 'run', '--env-file', '.env.production', '--', process.execPath, '-e', print], { cwd: join(clone, 'site'), env: awsEnv() });
    expect(r.code, tredact(r.stderr)).toBe(0);
    expect(r.stdout).toBe(sha(T.nextKey));
    expectNoValueLeft(clone, T, (f) => TOOL_MANUAL.some(([m]) => m === f));
    await expectIdempotent(clone, 'tools', tredact);
  }, 600_000);
});
