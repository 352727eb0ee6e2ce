/**
 * Round 6 of "deployed" Node shapes (harness: test/support/deployed-node.ts), migrated with `--apply`
 * against the local Secrets Manager, cloned fresh, installed offline and run as deployed: each program
 * prints what the legacy one printed, a second migrate writes nothing, no value is left in the tree.
 *
 * TypeScript: a package bundled by esbuild to an ES module (the helper's SDK stays out of the bundle:
 * its CommonJS code would throw "Dynamic require of node:https"); a CommonJS package run by ts-node
 * without a build (simulated: TypeScript's transpileModule behind require.extensions, which is what
 * `ts-node --transpile-only` does, so `./x.js` does not find `x.ts`) holding a NestJS-style config
 * factory with `process.env.X || "…"` and `?? "…"` fallbacks and a TypeORM-style options object; both
 * pass `tsc --noEmit` with strict types.
 *
 * Deployment layouts: a Lambda handler zipped from its own folder (the helper must be inside it; the
 * SDK comes from the runtime's NODE_PATH), a Dockerfile that copies only src/ into /app, a pnpm
 * workspace whose app imports the config package through a node_modules link, a knexfile, a shell
 * script without an extension (`#!/bin/bash`) exporting PGPASSWORD. What stays has its reason: a
 * makefile variable (make takes it literally), `config/default.json` read as plain JSON.
 *
 * Strict TypeScript value shapes built by tsc: `as const`, `satisfies`, a static field, a `??` fallback
 * (a string enum member stays: it must be a constant).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAsync } from '../support/cli.js';
import { migrateTestBed } from '../support/migrate-bed.js';
import { installDeclaredDeps } from '../support/npm-ci.js';
import { commitRepo, deployedNodeHarness, ESBUILD, expectManualUnchanged, type ManualExpectation, NODE_MODULES, pkg, redactor, sha, TS_NODE_REGISTER, TSC } from '../support/deployed-node.js';
import { ALNUM, githubToken, randomString, stripeKey } from '../support/fake-secrets.js';

const bed = migrateTestBed();
const { awsEnv, migrateAndClone, expectIdempotent, expectNoValueLeft } = deployedNodeHarness(bed, 'round6');

/** A password found by the password rules, with no character a shell, make or dotenv treats specially. */
const pw = (seed: number) => 'Pw' + randomString(ALNUM, 14, seed) + '9!';

// ---------------------------------------------------------------------------------------------------

const S = { esmBundleKey: stripeKey(10601), nestPassword: pw(10602), nestKey: stripeKey(10603), typeormPassword: pw(10604) };
const STRICT = { strict: true, noEmit: true, skipLibCheck: true, types: ['node'], noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true };

const TS_FILES: Record<string, string> = {
  '.gitignore': 'node_modules/\ndist/\n',
  // TypeScript bundled to an ES module: the top-level await stays, and so does the helper's SDK load.
  'esmbundle/package.json': pkg({ name: 'esmbundle', type: 'module', scripts: { build: 'esbuild src/index.ts --bundle --platform=node --format=esm --outfile=dist/app.mjs' }, devDependencies: { esbuild: '^0.25.0', typescript: '^5.0.0', '@types/node': '^20.0.0' } }),
  'esmbundle/tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', ...STRICT, verbatimModuleSyntax: true }, include: ['src'] }, null, 2) + '\n',
  'esmbundle/src/config.ts': `export const stripeKey: string = "${S.esmBundleKey}";\n`,
  'esmbundle/src/index.ts': "import { createHash } from 'node:crypto';\nimport { stripeKey } from './config.js';\nconsole.log(createHash('sha256').update(stripeKey).digest('hex').slice(0, 12));\n",
  // A CommonJS NestJS-style service run by ts-node: extensionless imports, module commonjs.
  'nest/package.json': pkg({ name: 'nest', scripts: { start: 'ts-node src/main.ts', typecheck: 'tsc --noEmit' }, devDependencies: { typescript: '^5.0.0', '@types/node': '^20.0.0', 'ts-node': '^10.9.0' } }),
  'nest/tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2020', module: 'commonjs', esModuleInterop: true, ...STRICT }, include: ['src'] }, null, 2) + '\n',
  'nest/src/config/configuration.ts': [
    'export interface DatabaseConfig {',
    '  host: string;',
    '  port: number;',
    '  password: string;',
    '}',
    'export interface AppConfig {',
    '  database: DatabaseConfig;',
    '  stripeKey: string;',
    '}',
    '',
    'export default (): AppConfig => ({',
    '  database: {',
    "    host: process.env.DB_HOST ?? 'localhost',",
    "    port: parseInt(process.env.DB_PORT ?? '5432', 10),",
    `    password: process.env.DB_PASSWORD || "${S.nestPassword}",`,
    '  },',
    `  stripeKey: process.env.STRIPE_KEY ?? "${S.nestKey}",`,
    '});',
    '',
  ].join('\n'),
  'nest/src/config/config.service.ts': "import configuration, { AppConfig } from './configuration';\n\nexport class ConfigService {\n  private readonly values: AppConfig = configuration();\n\n  get<K extends keyof AppConfig>(key: K): AppConfig[K] {\n    return this.values[key];\n  }\n}\n",
  'nest/src/data-source.ts': `export interface DataSourceOptions {\n  type: 'postgres';\n  host: string;\n  username: string;\n  password: string;\n  database: string;\n}\n\nexport const dataSourceOptions: DataSourceOptions = {\n  type: 'postgres',\n  host: 'db.internal',\n  username: 'app',\n  password: '${S.typeormPassword}',\n  database: 'app',\n};\n`,
  'nest/src/main.ts': "import { createHash } from 'crypto';\nimport { ConfigService } from './config/config.service';\nimport { dataSourceOptions } from './data-source';\n\nconst h = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);\nconst config = new ConfigService();\nconsole.log([config.get('database').password, config.get('stripeKey'), dataSourceOptions.password].map(h).join(' '));\n",
};

const X = { constPassword: pw(10621), enumKey: stripeKey(10622), satisfiesToken: githubToken(10623), staticToken: githubToken(10624), fallbackPassword: pw(10625) };

const sredact = redactor({ ...S, ...X });

/** Strict TypeScript value shapes, built by tsc to ES modules and run from dist/. */
const TSX_FILES: Record<string, string> = {
  'svc/package.json': pkg({ name: 'svc', type: 'module', scripts: { build: 'tsc -p tsconfig.json', start: 'node dist/main.js' }, devDependencies: { typescript: '^5.0.0', '@types/node': '^20.0.0' } }),
  'svc/tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, skipLibCheck: true, types: ['node'], outDir: 'dist', rootDir: 'src', noUncheckedIndexedAccess: true }, include: ['src'] }, null, 2) + '\n',
  'svc/src/settings.ts': [
    'export const settings = {',
    `  db: { host: 'db.internal', password: "${X.constPassword}" },`,
    '} as const;',
    '',
    'export enum Keys {',
    `  Stripe = "${X.enumKey}",`,
    '}',
    '',
    `export const apiToken = "${X.satisfiesToken}" satisfies string;`,
    '',
    'export class Client {',
    `  static readonly token: string = "${X.staticToken}";`,
    '}',
    '',
    `export const dbPassword: string = process.env["DB_PASSWORD"] ?? "${X.fallbackPassword}";`,
    '',
  ].join('\n'),
  'svc/src/main.ts': "import { createHash } from 'node:crypto';\nimport { settings, Keys, apiToken, Client, dbPassword } from './settings.js';\nconst h = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);\nconsole.log([settings.db.password, Keys.Stripe, apiToken, Client.token, dbPassword].map(h).join(' '));\n",
};

describe('TypeScript run as deployed: bundled to an ES module, started by ts-node without a build, built by tsc', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round6-ts-');
    commitRepo(repo, { ...TS_FILES, ...TSX_FILES });
  }, 120_000);

  it('each package passes tsc --noEmit, builds or starts from a fresh clone and prints what it printed; a second run writes nothing', async () => {
    const { clone, report } = await migrateAndClone(repo, 'tsapps', sredact);
    // A string enum's member must be a constant: it stays, with the reason.
    expect(report.manual.map((m) => `${m.file}:${m.line}: ${m.reason}`)).toEqual(['svc/src/settings.ts:6: an enum member must be a constant']);
    const env = awsEnv();
    for (const dir of ['esmbundle', 'nest']) {
      installDeclaredDeps(join(clone, dir), true);
      const tsc = await runAsync(process.execPath, [TSC, '--noEmit', '-p', 'tsconfig.json'], { cwd: join(clone, dir) });
      expect(tsc.code, `${dir}: ${sredact(tsc.stdout)}`).toBe(0);
    }

    const build = await runAsync(ESBUILD, ['src/index.ts', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/app.mjs'], { cwd: join(clone, 'esmbundle') });
    expect(build.code, build.stderr).toBe(0);
    // The SDK is loaded at run time, not bundled (its CommonJS code cannot run inside an ES module bundle).
    expect(readFileSync(join(clone, 'esmbundle/dist/app.mjs'), 'utf8').includes('SecretsManagerServiceException'), 'the SDK is in the bundle').toBe(false);
    const esm = await runAsync(process.execPath, ['dist/app.mjs'], { cwd: join(clone, 'esmbundle'), env });
    expect(esm.code, sredact(esm.stderr)).toBe(0);
    expect(esm.stdout.trim()).toBe(sha(S.esmBundleKey));

    const register = join(bed.tempDir('ss-round6-ts-node-'), 'register.cjs');
    writeFileSync(register, TS_NODE_REGISTER);
    const start = (extra: Record<string, string>) => runAsync(process.execPath, ['-r', register, 'src/main.ts'], { cwd: join(clone, 'nest'), env: { ...env, ...extra } });
    const nest = await start({});
    expect(nest.code, sredact(nest.stderr)).toBe(0);
    expect(nest.stdout.trim()).toBe([S.nestPassword, S.nestKey, S.typeormPassword].map(sha).join(' '));
    // The variables still win when set; `||` also replaces an empty one, `??` keeps it.
    const set = await start({ DB_PASSWORD: 'from-env', STRIPE_KEY: '' });
    expect(set.stdout.trim(), sredact(set.stderr)).toBe([sha('from-env'), sha(''), sha(S.typeormPassword)].join(' '));
    const empty = await start({ DB_PASSWORD: '' });
    expect(empty.stdout.trim().split(' ')[0], sredact(empty.stderr)).toBe(sha(S.nestPassword));

    const settings = readFileSync(join(clone, 'svc/src/settings.ts'), 'utf8');
    expect(settings.split('\n').includes(TSX_FILES['svc/src/settings.ts']!.split('\n')[5]!), 'the enum member stays as it was').toBe(true);
    expect(settings).toMatch(/^export const apiToken = \(await getSecret\(.*\)\) satisfies string;$/m);
    installDeclaredDeps(join(clone, 'svc'), true);
    const tsc = await runAsync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: join(clone, 'svc') });
    expect(tsc.code, sredact(tsc.stdout)).toBe(0);
    const svc = await runAsync(process.execPath, ['dist/main.js'], { cwd: join(clone, 'svc'), env });
    expect(svc.code, sredact(svc.stderr)).toBe(0);
    const expected = [X.constPassword, X.enumKey, X.satisfiesToken, X.staticToken, X.fallbackPassword].map(sha).join(' ');
    expect(svc.stdout.trim()).toBe(expected);
    // Imported by a runner whose main script is elsewhere (a test runner, Lambda's runtime; here `node -e`):
    // the helper, an ES module without import.meta, still resolves the SDK from its own folder.
    const imported = await runAsync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(join(clone, 'svc/dist/main.js'))});`], { cwd: bed.tempDir('ss-round6-runner-'), env });
    expect(imported.code, sredact(imported.stderr)).toBe(0);
    expect(imported.stdout.trim()).toBe(expected);

    const { enumKey: _manual, ...migrated } = X;
    expectNoValueLeft(clone, { ...S, ...migrated });
    await expectIdempotent(clone, 'tsapps', sredact);
  }, 600_000);
});

// ---------------------------------------------------------------------------------------------------

const D = {
  lambdaPassword: pw(10611),
  lambdaEsmToken: githubToken(10612),
  dockerKey: stripeKey(10613),
  workspacePassword: pw(10614),
  knexPassword: pw(10615),
  shellPassword: pw(10616),
  makePassword: pw(10617),
  configJsonPassword: pw(10618),
};
const dredact = redactor(D);
const H = "const h = (s) => require('node:crypto').createHash('sha256').update(String(s)).digest('hex').slice(0, 12);\n";

const DEPLOY_FILES: Record<string, string> = {
  '.gitignore': 'node_modules/\n',
  // Lambda functions, each zipped from its own folder; the repository's root package.json has the dev tools.
  'package.json': pkg({ name: 'platform', scripts: { 'zip:orders': 'cd functions/orders && zip -r ../../orders.zip .' } }),
  'functions/orders/index.js': `const { createHash } = require('node:crypto');\nconst DB_PASSWORD = '${D.lambdaPassword}';\nexports.handler = async (event) => ({ statusCode: 200, body: createHash('sha256').update(DB_PASSWORD + event.id).digest('hex').slice(0, 12) });\n`,
  'functions/users/index.mjs': `import { createHash } from 'node:crypto';\nexport const handler = async (event) => {\n  const token = '${D.lambdaEsmToken}';\n  return { statusCode: 200, body: createHash('sha256').update(token + event.id).digest('hex').slice(0, 12) };\n};\n`,
  // A container image that holds src/ only, as /app.
  'docker/package.json': pkg({ name: 'svc', scripts: { start: 'node server.js' } }),
  'docker/Dockerfile': 'FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY src/ /app\nCMD ["node", "server.js"]\n',
  'docker/src/server.js': `${H}const stripeKey = '${D.dockerKey}';\nconsole.log(h(stripeKey));\n`,
  // A pnpm workspace: the api imports @acme/config through packages/api/node_modules/@acme/config -> ../../../config.
  'ws/package.json': pkg({ name: 'ws', workspaces: ['packages/*'] }),
  'ws/pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
  'ws/packages/config/package.json': pkg({ name: '@acme/config', main: 'index.js' }),
  'ws/packages/config/index.js': `exports.db = { host: 'db.internal', password: '${D.workspacePassword}' };\n`,
  'ws/packages/api/package.json': pkg({ name: '@acme/api', dependencies: { '@acme/config': 'workspace:*' } }),
  'ws/packages/api/index.js': `${H}const { db } = require('@acme/config');\nconsole.log(h(db.password));\n`,
  // knex requires its knexfile synchronously.
  'db/package.json': pkg({ name: 'db', scripts: { migrate: 'knex migrate:latest' } }),
  'db/knexfile.js': `module.exports = {\n  production: {\n    client: 'pg',\n    connection: { host: 'db.internal', user: 'app', password: '${D.knexPassword}', database: 'app' },\n    pool: { min: 2, max: 10 },\n  },\n};\n`,
  // A shell script without an extension, and a makefile whose variable the environment may set.
  'scripts/backup': `#!/bin/bash\nset -euo pipefail\nexport PGPASSWORD='${D.shellPassword}'\npsql --version >/dev/null\nprintf '%s' "$PGPASSWORD" | sha256sum | cut -c1-12\n`,
  'Makefile': `export DB_PASSWORD := ${D.makePassword}\n\n.PHONY: hash\nhash:\n\t@printf '%s' "$$DB_PASSWORD" | sha256sum | cut -c1-12\n`,
  // The \`config\` package's layout, read as plain JSON.
  'cfg/package.json': pkg({ name: 'cfg', main: 'app.js' }),
  'cfg/config/default.json': `{\n  "db": {\n    "host": "db.internal",\n    "password": "${D.configJsonPassword}"\n  }\n}\n`,
  'cfg/app.js': `${H}const cfg = JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, 'config', 'default.json'), 'utf8'));\nconsole.log(h(cfg.db.password));\n`,
};

/** What stays, byte for byte, with the reason and the edit to make. */
const DEPLOY_MANUAL: ManualExpectation[] = [
  ['Makefile', /make takes a makefile variable literally/, /delete the assignment.*`secret-sweep run -- make …` with `DB_PASSWORD=sm:\/\/\S+`/],
  ['cfg/config/default.json', /the program that loads this file is unknown: a reference it does not expand would be read as the value/, undefined],
];

describe('deployment layouts: a Lambda folder zipped alone, a Docker image of src/, a pnpm workspace, a knexfile, a shell script, a Makefile', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round6-deploy-');
    commitRepo(repo, DEPLOY_FILES, ['scripts/backup']);
  }, 120_000);

  it('each program, deployed the way its layout says, prints what it printed; a second run writes nothing', async () => {
    const { clone, report } = await migrateAndClone(repo, 'deploy', dredact);
    expectManualUnchanged(clone, report, DEPLOY_MANUAL, DEPLOY_FILES);
    const env = awsEnv();
    const run = async (cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}) => {
      const r = await runAsync(cmd, args, { cwd, env: { ...env, PATH: process.env.PATH ?? '', ...extra } });
      expect(r.code, `${cwd} ${args.join(' ')}: ${dredact(r.stderr)}`).toBe(0);
      return r.stdout.trim();
    };

    // Each function folder alone (the zip), invoked by a runtime started elsewhere with the SDK on NODE_PATH.
    for (const [fn, file, value] of [['orders', 'index.js', D.lambdaPassword], ['users', 'index.mjs', D.lambdaEsmToken]] as const) {
      const task = join(bed.tempDir(`ss-round6-${fn}-`), 'task');
      cpSync(join(clone, 'functions', fn), task, { recursive: true });
      const invoke = `import(${JSON.stringify(join(task, file))}).then((m) => m.handler({ id: '7' })).then((r) => console.log(r.body))`;
      expect(await run(process.execPath, ['-e', invoke], bed.tempDir('ss-round6-runtime-'), { NODE_PATH: NODE_MODULES }), fn).toBe(sha(value + '7'));
    }

    // The image: package.json installed in /app, then src/ copied over it.
    const app = join(bed.tempDir('ss-round6-image-'), 'app');
    mkdirSync(app);
    cpSync(join(clone, 'docker/package.json'), join(app, 'package.json'));
    installDeclaredDeps(app);
    cpSync(join(clone, 'docker/src'), app, { recursive: true });
    expect(await run(process.execPath, ['server.js'], app)).toBe(sha(D.dockerKey));

    // pnpm: each package gets its own node_modules; a workspace dependency is a link to its folder.
    for (const p of ['config', 'api']) installDeclaredDeps(join(clone, 'ws/packages', p));
    mkdirSync(join(clone, 'ws/packages/api/node_modules/@acme'), { recursive: true });
    symlinkSync('../../../config', join(clone, 'ws/packages/api/node_modules/@acme/config'));
    expect(await run(process.execPath, ['index.js'], join(clone, 'ws/packages/api'))).toBe(sha(D.workspacePassword));

    installDeclaredDeps(join(clone, 'db'));
    expect(await run(process.execPath, ['-e', `${H}console.log(h(require('./knexfile').production.connection.password))`], join(clone, 'db'))).toBe(sha(D.knexPassword));

    expect(await run(join(clone, 'scripts/backup'), [], clone)).toBe(sha(D.shellPassword));
    expect(await run('make', ['-s', 'hash'], clone)).toBe(sha(D.makePassword));

    expect(await run(process.execPath, ['app.js'], join(clone, 'cfg'))).toBe(sha(D.configJsonPassword));

    expectNoValueLeft(clone, D, (f) => DEPLOY_MANUAL.some(([m]) => m === f));
    await expectIdempotent(clone, 'deploy', dredact);
  }, 600_000);
});
