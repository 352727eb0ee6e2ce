/**
 * Round 7 of "deployed" Node / shell / config shapes (harness: test/support/deployed-node.ts): one legacy
 * repository, one `migrate --apply` against the local Secrets Manager, a fresh clone, each program run as
 * deployed (`node`, `sh`); it prints what it printed, a second migrate writes nothing, no value is left.
 *
 * - A CommonJS service whose config is a folder (`require('./config')` loads config/index.js) holding ten
 *   secrets, two of them `process.env.X || "…"` / `?? "…"` fallbacks: its synchronous reads cost one child
 *   process (BatchGetSecretValue; without it, one GetSecretValue each, still in that one child), the
 *   variables still win when set, and the secrets are named after the module and the variables.
 * - A package whose `exports` map points into lib/, loaded by its own name; an ES module `.mjs` tool run
 *   with `node`.
 * - docker compose: a literal in `environment:` and the root `.env` that compose reads for `${VAR}` are
 *   both migrated; under `secret-sweep run` a command sees what compose would have interpolated. A .env
 *   value with a `$NAME` compose expands, or a password inside a URL (`${sm://…}` there would make
 *   compose refuse the file), stays, with the reason.
 * - Defaults of parameter expansions, `${PGPASSWORD:-…}` in a shell script and `${REDIS_PASSWORD:-…}` in
 *   the compose file: the literal becomes the fetch (nested), so a set variable still wins.
 * - What stays, byte for byte, with its reason: ormconfig.json and a sequelize config.json (read as
 *   plain JSON by TypeORM and sequelize-cli, which load a .js module in their place), a `.env` that a shell script sources from its own folder, serverless.yml's
 *   provider.environment, a workflow's literal token in a job without AWS credentials (pointing to
 *   `secrets.*` as the way left).
 * - sequelize-cli's config.js shape, one block per environment: each value is fetched by a getter, so a
 *   development run works without any access to production's secret.
 * - A service-account JSON stored whole: it leaves git, and the CommonJS code that required it parses the
 *   stored text instead, so it starts plainly from a fresh clone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { BIN, runAsync } from '../support/cli.js';
import { migrateTestBed } from '../support/migrate-bed.js';
import { installDeclaredDeps } from '../support/npm-ci.js';
import { commitRepo, deployedNodeHarness, expectManualUnchanged, type ManualExpectation, pkg, redactor, sha } from '../support/deployed-node.js';
import { ALNUM, githubToken, npmToken, randomString, stripeKey } from '../support/fake-secrets.js';

const bed = migrateTestBed();
const { awsEnv, migrateAndClone, expectIdempotent, expectNoValueLeft } = deployedNodeHarness(bed, 'round7');

/** A password found by the password rules, with no character a shell, compose or dotenv treats specially. */
const pw = (seed: number) => 'Pw' + randomString(ALNUM, 14, seed) + '9!';

const KEYS = Array.from({ length: 8 }, (_, i) => stripeKey(10700 + i));
const V = {
  jwt: 'jwt-' + randomString(ALNUM, 30, 10710),
  session: 'sess-' + randomString(ALNUM, 30, 10711),
  exportsPkg: pw(10712),
  mjsToken: githubToken(10713),
  compose: pw(10714),
  composeEnv: pw(10715),
  orm: pw(10716),
  sequelize: pw(10717),
  sourced: pw(10718),
  serverless: pw(10719),
  workflow: githubToken(10720),
  nodeConfig: npmToken(10730),
  smtp: pw(10731),
  devDb: pw(10732),
  prodDb: pw(10733),
  shellDefault: pw(10724),
  shellToken: githubToken(10725),
  composeDefault: pw(10726),
  dotenvToken: githubToken(10727),
};
/** An unquoted .env value with `#`: Node's dotenv reads the text before it, python-dotenv all of it (stays). */
const HASHED = 'Pw' + randomString(ALNUM, 9, 10728) + '#' + randomString(ALNUM, 6, 10729);
const ALL: Record<string, string> = { ...Object.fromEntries(KEYS.map((k, i) => [`key${i}`, k])), ...V };
/** Lines of compose's .env that stay: a `$NAME` compose expands, a password inside a URL. */
const STAY = { dollar: 'Pw' + randomString(ALNUM, 6, 10721) + '$Zx' + randomString(ALNUM, 8, 10722) + '9!', inUrl: 'Pw' + randomString(ALNUM, 14, 10723) + '9' };
/** A Firebase / Google service-account key file, stored whole (it leaves git). */
const SA = JSON.stringify({ type: 'service_account', project_id: 'shop-4821', private_key_id: randomString(ALNUM, 40, 10734).toLowerCase(),
  private_key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  client_email: 'firebase-adminsdk@shop-4821.iam.gserviceaccount.com' }, null, 2) + '\n';
const redact = redactor({ ...ALL, ...STAY, HASHED });
const H = "const h = (s) => require('node:crypto').createHash('sha256').update(String(s)).digest('hex').slice(0, 12);\n";

const FILES: Record<string, string> = {
  '.gitignore': 'node_modules/\n',
  // A CommonJS service: the config folder's index, ten secrets read at load time.
  'app/package.json': pkg({ name: 'app', main: 'server.js', scripts: { start: 'node server.js' } }),
  'app/config/index.js': [
    'module.exports = {',
    ...KEYS.map((k, i) => `  key${i}: '${k}',`),
    `  jwtSecret: process.env.JWT_SECRET || "${V.jwt}",`,
    `  sessionSecret: process.env.SESSION_SECRET ?? '${V.session}',`,
    '};',
    '',
  ].join('\n'),
  'app/server.js': `${H}const config = require('./config');\nconsole.log(Object.values(config).map(h).join(' '));\n`,
  // sequelize-cli's config.js shape: one block per environment; the program reads the one NODE_ENV names.
  'app/db/config.js': `module.exports = {\n  development: { username: 'app', password: process.env.DEV_DB_PASSWORD || '${V.devDb}', database: 'app_dev', host: '127.0.0.1', dialect: 'postgres' },\n`
    + `  production: {\n    db: { username: 'app', "password": '${V.prodDb}', database: 'app', host: 'db', dialect: 'postgres' },\n  },\n};\n`,
  'app/db/index.js': `${H}const env = process.env.NODE_ENV || 'development';\nconst c = require('./config')[env];\nconsole.log(h((c.db || c).password));\n`,
  // Firebase's documented start: the service-account JSON required beside the code.
  'app/firebase/serviceAccountKey.json': SA,
  'app/firebase/admin.js': `${H}const serviceAccount = require("./serviceAccountKey.json");\nconsole.log(h(JSON.stringify(serviceAccount)), serviceAccount.client_email);\n`,
  // TypeORM 0.2 and sequelize-cli read these as plain JSON.
  'app/ormconfig.json': JSON.stringify({ type: 'postgres', host: 'db', username: 'app', password: V.orm, database: 'app' }, null, 2) + '\n',
  'app/.sequelizerc': "const path = require('path');\nmodule.exports = { config: path.resolve('config', 'database.json') };\n",
  'app/config/database.json': JSON.stringify({ production: { username: 'app', password: V.sequelize, database: 'app', host: 'db', dialect: 'postgres' } }, null, 2) + '\n',
  // A package loaded by its name through its exports map.
  'pkgs/cfg/package.json': pkg({ name: '@acme/cfg', exports: { '.': './lib/index.js' } }),
  'pkgs/cfg/lib/index.js': `exports.db = { password: '${V.exportsPkg}' };\n`,
  // An ES module tool: top-level code, run with node.
  'tools/package.json': pkg({ name: 'tools', type: 'module' }),
  'tools/rotate.mjs': `import { createHash } from 'node:crypto';\nconst token = '${V.mjsToken}';\nconsole.log(createHash('sha256').update(token).digest('hex').slice(0, 12));\n`,
  // docker compose: a literal, and a ${VAR} that compose takes from the root .env.
  'docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ' + V.compose + '\n  api:\n    image: api\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n'
    + '  cache:\n    image: redis:7\n    environment:\n      REDIS_PASSWORD: ${REDIS_PASSWORD:-' + V.composeDefault + '}\n',
  // Defaults of parameter expansions: the variable wins when set.
  'scripts/backup.sh': '#!/bin/sh\nset -eu\nexport PGPASSWORD="${PGPASSWORD:-' + V.shellDefault + '}"\nAPI_TOKEN=${API_TOKEN:-' + V.shellToken + '}\nprintf \'%s %s\' "$PGPASSWORD" "$API_TOKEN" | sha256sum | cut -c1-12\n',
  '.env': `DB_PASSWORD=${V.composeEnv}\nCACHE_PASSWORD=${STAY.dollar}\nDATABASE_URL=postgres://app:${STAY.inUrl}@db:5432/app\n`,
  // CommonJS with dotenv, started plainly (`node app.js`): the migrated code resolves what the load brought.
  'svc/package.json': pkg({ name: 'svc', dependencies: { dotenv: '^16.0.0' } }),
  'svc/.env': `SVC_TOKEN=${V.dotenvToken}\nSVC_PASSWORD=${HASHED}\nSMTP_HOST=smtp.example.com\nSMTP_PORT=587\nSMTP_PASSWORD=${V.smtp}\n`,
  'svc/app.js': `${H}require('dotenv').config({ path: require('node:path').join(__dirname, '.env') });\nconsole.log(h(process.env.SVC_TOKEN), h(process.env.SVC_PASSWORD));\n`,
  // The ES module way (`import 'dotenv/config'`), with a module imported after it that reads the variable when imported.
  'svc/esm.mjs': "import 'dotenv/config';\nimport { token } from './reads.mjs';\nimport { createHash } from 'node:crypto';\nconsole.log(createHash('sha256').update(String(token)).digest('hex').slice(0, 12));\n",
  'svc/reads.mjs': 'export const token = process.env.SVC_TOKEN;\n',
  // A script that sources the .env beside it.
  'ops/.env': `API_PASSWORD=${V.sourced}\n`,
  'ops/run.sh': '#!/bin/sh\nset -a\n. "$(dirname "$0")/.env"\nset +a\nprintf \'%s\' "$API_PASSWORD" | sha256sum | cut -c1-12\n',
  // node-config (the `config` package) in an ES module package: its module form must be .cjs to be required.
  'bot/package.json': pkg({ name: 'bot', type: 'module', dependencies: { config: '^3.3.0' } }),
  'bot/config/default.json': JSON.stringify({ npm: { token: V.nodeConfig } }, null, 2) + '\n',
  'serverless.yml': `service: api\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  environment:\n    DB_PASSWORD: '${V.serverless}'\nfunctions:\n  api:\n    handler: app/server.handler\n`,
  '.github/workflows/release.yml': `name: release\non: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: gh release create v1\n        env:\n          GH_TOKEN: ${V.workflow}\n`,
};

/** What stays, byte for byte, with the reason and (where given) the edit to make. */
const MANUAL: ManualExpectation[] = [
  ['app/ormconfig.json', /TypeORM reads ormconfig\.json as plain JSON/, /rename app\/ormconfig\.json to ormconfig\.js .*getSecretSync\('prod\/r7\/ormconfig', 'password'\)/],
  ['app/config/database.json', /sequelize-cli and models\/index\.js require this JSON/, /\.sequelizerc's `config`/],
  ['bot/config/default.json', /the program that loads this file is unknown/, /node-config's .*rename it to bot\/config\/default\.cjs with `module\.exports = `/],
  ['ops/.env', /ops\/run\.sh:3 reads this file itself/],
  ['serverless.yml', /Serverless Framework deploys environment: values .* as written/],
  ['.github/workflows/release.yml', /no AWS credentials/, /aws-secretsmanager-get-secrets[\s\S]*gh secret set GH_TOKEN[\s\S]*\$\{\{ secrets\.GH_TOKEN \}\}[\s\S]*does not update/],
];

describe('round 7: a config folder of ten secrets, an exports-map package, an .mjs tool, compose and its .env, and what stays', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round7-');
    commitRepo(repo, FILES, ['ops/run.sh', 'scripts/backup.sh']);
  }, 60_000);

  it('each program prints what it printed, the synchronous reads cost one child process, a second run writes nothing', async () => {
    const { clone, report } = await migrateAndClone(repo, 'r7', redact);
    expectManualUnchanged(clone, { ...report, manual: report.manual.filter((m) => m.file !== '.env' && m.file !== 'svc/.env') }, MANUAL, FILES);
    expect(report.manual.filter((m) => m.file === 'svc/.env').map((m) => `${m.line}: ${m.reason}`)).toEqual([expect.stringMatching(/^2: the unquoted value holds `#`: Node's dotenv reads only the text before it/)]);
    // compose's .env: the plain line is migrated; a value compose expands, or a reference inside a URL
    // (compose refuses `${sm://…}`), stays as it was.
    expect(report.manual.filter((m) => m.file === '.env').map((m) => `${m.line}: ${m.reason}`)).toEqual([
      // CACHE_PASSWORD reaches no container (the compose file does not name it): the reason says so.
      expect.stringMatching(/^2: docker compose interpolates `\$NAME` .*, and no compose file beside it uses CACHE_PASSWORD, while a program loading the \.env itself \(Node's dotenv\) reads the text as written/),
      expect.stringMatching(/^3: docker compose reads this \.env .* refuses `\$\{sm:\/\/…\}` inside a value/),
    ]);
    expect(readFileSync(join(clone, '.env'), 'utf8').split('\n').slice(1)).toEqual(FILES['.env']!.split('\n').slice(1));
    // Named after the module (config/index.js, lib/index.js) and after the variables the fallbacks stand in for.
    const config = readFileSync(join(clone, 'app/config/index.js'), 'utf8');
    expect(config).toContain("key0: getSecretSync('prod/r7/config', 'key0'),");
    expect(config).toContain('jwtSecret: process.env.JWT_SECRET || getSecretSync("prod/r7/jwt", "secret"),');
    expect(config).toContain("sessionSecret: process.env.SESSION_SECRET ?? getSecretSync('prod/r7/session', 'secret'),");
    expect(readFileSync(join(clone, 'pkgs/cfg/lib/index.js'), 'utf8')).toContain("getSecretSync('prod/r7/cfg', 'password')");
    expect(readFileSync(join(clone, 'app/config/secret-sweep-secrets.cjs'), 'utf8')).toContain('const PREFETCH = ["prod/r7/config","prod/r7/jwt","prod/r7/session"];');

    const env = awsEnv();
    const run = async (cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}) => {
      const r = await runAsync(cmd, args, { cwd, env: { ...env, ...extra } });
      expect(r.code, `${cwd} ${args.join(' ')}: ${redact(r.stderr)}`).toBe(0);
      return r.stdout.trim();
    };
    const srv = bed.server();
    const counts = () => ({ batch: srv.calls.count('BatchGetSecretValue'), get: srv.calls.count('GetSecretValue') });
    const since = (a: { batch: number; get: number }) => ({ batch: counts().batch - a.batch, get: counts().get - a.get });

    const app = join(clone, 'app');
    installDeclaredDeps(app);
    const expected = [...KEYS, V.jwt, V.session].map(sha).join(' ');
    let before = counts();
    expect(await run(process.execPath, ['server.js'], app)).toBe(expected);
    expect(since(before), 'three secrets, one request').toEqual({ batch: 1, get: 0 });
    // A server (or an SDK, or a policy) without BatchGetSecretValue: the same child asks for each secret.
    srv.unsupported.add('BatchGetSecretValue');
    try {
      before = counts();
      expect(await run(process.execPath, ['server.js'], app)).toBe(expected);
      expect(since(before)).toEqual({ batch: 1, get: 3 });
    } finally {
      srv.unsupported.delete('BatchGetSecretValue');
    }
    // The variables win when set; `||` also replaces an empty one, `??` keeps it.
    const fromEnv = ['from', 'env'].join('-');
    const set = (await run(process.execPath, ['server.js'], app, { JWT_SECRET: fromEnv, SESSION_SECRET: '' })).split(' ');
    expect(set.slice(-2)).toEqual([sha(fromEnv), sha('')]);

    // dotenv, started plainly: the token comes from Secrets Manager; the `#` line kept its text, read as before.
    const svcEnv = readFileSync(join(clone, 'svc/.env'), 'utf8').split('\n');
    expect(svcEnv[0]).toMatch(new RegExp(`^SVC_TOKEN='${'sm'}://prod/r7/[a-z-]+#token'$`));
    expect(svcEnv[1]).toBe(`SVC_PASSWORD=${HASHED}`);
    // A password stored with a mail server: rotated at the mail provider, not with ALTER ROLE.
    const smtp = report.secrets.find((s) => s.values.some((v) => v.locations.some((l) => l.file === 'svc/.env' && l.line === 5)));
    expect(smtp?.keys).toEqual(expect.arrayContaining(['host', 'port', 'password']));
    expect(smtp?.values.map((v) => v.rotate)).toEqual([expect.stringMatching(/^mail \(SMTP\): set a new password/)]);
    expect(readFileSync(join(clone, 'svc/app.js'), 'utf8')).toContain("require('./secret-sweep-secrets.cjs').resolveEnvSync();");
    const svc = join(clone, 'svc');
    installDeclaredDeps(svc);
    expect(await run(process.execPath, ['app.js'], svc)).toBe(`${sha(V.dotenvToken)} ${sha(HASHED.split('#')[0]!)}`);
    expect(readFileSync(join(clone, 'svc/esm.mjs'), 'utf8')).toMatch(/^import 'dotenv\/config';\nimport '\.\/secret-sweep-env\.cjs';/);
    expect(await run(process.execPath, ['esm.mjs'], svc)).toBe(sha(V.dotenvToken));

    // Per-environment blocks: each fetch is a getter, so a development run reads only development's secret
    // (a developer's credentials need not reach production's); assigning to the property still works.
    const dbConfig = readFileSync(join(clone, 'app/db/config.js'), 'utf8');
    expect(dbConfig).toMatch(/development: \{ username: 'app', get password\(\) \{ return process\.env\.DEV_DB_PASSWORD \|\| getSecretSync\('prod\/r7\/[a-z0-9-]+', 'password'\); \}, set password\(v\) \{ Object\.defineProperty\(this, "password", /);
    expect(dbConfig).toMatch(/db: \{ username: 'app', get "password"\(\) \{ return getSecretSync\('prod\/r7\/[a-z0-9-]+', 'password'\); \}, set "password"\(v\) /);
    const prodName = /get "password"\(\) \{ return getSecretSync\('([^']+)'/.exec(dbConfig)![1]!;
    const prodSecret = srv.state.get(prodName)!;
    srv.state.delete(prodName);
    try {
      expect(await run(process.execPath, ['db/index.js'], app, { NODE_ENV: '' })).toBe(sha(V.devDb));
    } finally {
      srv.state.set(prodName, prodSecret);
    }
    expect(await run(process.execPath, ['db/index.js'], app, { NODE_ENV: 'production' })).toBe(sha(V.prodDb));
    expect(await run(process.execPath, ['db/index.js'], app, { NODE_ENV: '', DEV_DB_PASSWORD: 'set' })).toBe(sha('set'));
    expect(await run(process.execPath, ['-e', "const c = require('./db/config').development; c.password = 'x'; console.log(c.password, Object.keys(c).includes('password'))"], app)).toBe('x true');

    // The key file left git; the code that required it parses the stored text, so it starts plainly.
    expect(existsSync(join(clone, 'app/firebase/serviceAccountKey.json'))).toBe(false);
    expect(readFileSync(join(clone, 'app/firebase/admin.js'), 'utf8')).toMatch(/^const serviceAccount = JSON\.parse\(require\("\.\/secret-sweep-secrets\.cjs"\)\.getSecretSync\("prod\/r7\/[a-z0-9-]+", "file"\)\);$/m);
    expect(await run(process.execPath, ['firebase/admin.js'], app)).toBe(`${sha(JSON.stringify(JSON.parse(SA)))} firebase-adminsdk@shop-4821.iam.gserviceaccount.com`);

    const cfg = join(clone, 'pkgs/cfg');
    installDeclaredDeps(cfg);
    expect(await run(process.execPath, ['-e', `${H}console.log(h(require('@acme/cfg').db.password))`], cfg)).toBe(sha(V.exportsPkg));
    const tools = join(clone, 'tools');
    installDeclaredDeps(tools);
    // Its top-level await makes the SDK client in this process: on Node 20 the SDK's NodeVersionSupportWarning
    // would be a new stderr text the program never printed.
    const rotate = await runAsync(process.execPath, ['rotate.mjs'], { cwd: tools, env });
    expect([rotate.code, rotate.stdout.trim(), rotate.stderr]).toEqual([0, sha(V.mjsToken), '']);

    // What compose would interpolate: the root .env's variable and the literal's, under `secret-sweep run`.
    expect(readFileSync(join(clone, 'docker-compose.yml'), 'utf8')).toContain('POSTGRES_PASSWORD: ${PROD_R7_POSTGRES__PASSWORD}\n');
    // A default (`${REDIS_PASSWORD:-…}`) becomes a nested one, which compose expands too.
    expect(readFileSync(join(clone, 'docker-compose.yml'), 'utf8')).toContain('REDIS_PASSWORD: ${REDIS_PASSWORD:-${PROD_R7_REDIS__PASSWORD}}\n');
    const seen = await run(process.execPath, [BIN, 'run', '--', 'sh', '-c', 'printf "%s\\n%s\\n%s" "$DB_PASSWORD" "$PROD_R7_POSTGRES__PASSWORD" "$PROD_R7_REDIS__PASSWORD"'], clone);
    expect(redact(seen)).toBe('<composeEnv>\n<compose>\n<composeDefault>');
    // Shell defaults: fetched only when the variable is unset or empty (named pg#password; the token by its vendor rule, github).
    const backup = readFileSync(join(clone, 'scripts/backup.sh'), 'utf8');
    expect(backup).toMatch(/^PGPASSWORD="\$\{PGPASSWORD:-\$\(aws secretsmanager get-secret-value --secret-id prod\/r7\/pg .*\)\}"; export PGPASSWORD$/m);
    expect(backup).toContain('API_TOKEN=${API_TOKEN:-"$(aws secretsmanager get-secret-value --secret-id prod/r7/github ');
    expect(await run('sh', ['scripts/backup.sh'], clone)).toBe(sha(`${V.shellDefault} ${V.shellToken}`));
    expect(await run('sh', ['scripts/backup.sh'], clone, { PGPASSWORD: 'a', API_TOKEN: 'b', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' })).toBe(sha('a b'));
    // The sourced .env stayed, so the script still runs as it did.
    expect(await run('sh', ['ops/run.sh'], clone)).toBe(sha(V.sourced));

    expectNoValueLeft(clone, ALL, (f) => MANUAL.some(([m]) => m === f));
    await expectIdempotent(clone, 'r7', redact);
  }, 300_000);
});
