/**
 * Node.js package layouts, migrated with `--apply` against the local Secrets Manager and run from a fresh
 * clone: a workspaces monorepo (CommonJS package with an `exports` map reached by package name, an ES
 * module package with `imports` (#internal) and a JSON import, a knexfile), TypeScript compiled with the
 * real `tsc` under two tsconfigs (ES2020 modules, where top-level await does not compile; nodenext +
 * CommonJS), programs started from the root (`node packages/api/src/index.js`) and from the package folder
 * (`npm start`). Each program prints a hash of the values it uses; the clone must print the same.
 * Files whose reader takes the text literally (JSON read by hand, `.npmrc`, `.properties`) stay as they
 * are and are listed as manual.
 *
 * Deploy step emulated in the clone: `npm ci` at the root of the workspace: every workspace's declared
 * dependencies linked (hoisted) into the root node_modules from this project's node_modules, and the
 * workspaces linked by name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { git, migrateTestBed } from '../support/migrate-bed.js';
import { githubToken, npmToken, password, stripeKey } from '../support/fake-secrets.js';

const bed = migrateTestBed();
const NODE_MODULES = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url)));
const TSC = join(NODE_MODULES, 'typescript', 'bin', 'tsc');

const V = {
  dbPassword: password(811),
  sharedToken: githubToken(812),
  webKey: stripeKey(813),
  internalToken: githubToken(814),
  jsonToken: githubToken(815),
  defaultJsonPassword: password(816),
  knexPassword: password(817),
  tsEsKey: stripeKey(818),
  tsCjsToken: githubToken(819),
  npmrcToken: npmToken(820),
  propsPassword: password(821),
  seedToken: githubToken(822),
};

const pkg = (o: Record<string, unknown>) => JSON.stringify({ version: '1.0.0', private: true, ...o }, null, 2) + '\n';
const HASH_CJS = "const h = (s) => require('node:crypto').createHash('sha256').update(s).digest('hex').slice(0, 12);\n";
const HASH_ESM = "import { createHash } from 'node:crypto';\nconst h = (s) => createHash('sha256').update(s).digest('hex').slice(0, 12);\n";

function repoFiles(): Record<string, string> {
  return {
    'package.json': pkg({ name: 'mono', workspaces: ['packages/*'] }),
    '.gitignore': 'node_modules/\ndist/\n',
    // CommonJS service, started from the root and by `npm start` in its folder.
    'packages/api/package.json': pkg({ name: '@acme/api', main: 'src/index.js', scripts: { start: 'node src/index.js' }, dependencies: { '@acme/shared': '1.0.0' } }),
    'packages/api/src/db.js': `'use strict';\nconst password = '${V.dbPassword}';\nmodule.exports = { password, url: 'postgres://app@db:5432/app' };\n`,
    'packages/api/src/index.js': `${HASH_CJS}const db = require('./db');\nconst { token } = require('@acme/shared/config');\nconst knex = require('../knexfile');\nconsole.log('api', h(db.password), h(token), h(knex.production.connection.password));\n`,
    // An executable script (mode 0755, shebang, no final newline): started as ./bin/seed.js.
    'packages/api/bin/seed.js': `#!/usr/bin/env node\n${HASH_CJS}const SEED_TOKEN = '${V.seedToken}';\nconsole.log('seed', h(SEED_TOKEN));`,
    'packages/api/knexfile.js': `module.exports = {\n  production: {\n    client: 'pg',\n    connection: { host: 'db', user: 'app', password: '${V.knexPassword}' },\n  },\n};\n`,
    // CommonJS library with an exports map, reached by its package name.
    'packages/shared/package.json': pkg({ name: '@acme/shared', exports: { '.': './lib/index.js', './config': './lib/config.js' } }),
    'packages/shared/lib/index.js': "module.exports = { name: 'shared' };\n",
    'packages/shared/lib/config.js': `exports.token = '${V.sharedToken}';\n`,
    // ES module package: exports and imports maps, a JSON import, a config file read by hand.
    'packages/web/package.json': pkg({ name: '@acme/web', type: 'module', exports: { '.': './src/main.js' }, imports: { '#internal/*': './src/internal/*.js' }, scripts: { start: 'node src/main.js' } }),
    'packages/web/src/config.js': `export const stripe = { key: '${V.webKey}' };\nexport default { region: 'eu-west-1' };\n`,
    'packages/web/src/internal/keys.js': `export const internalToken = "${V.internalToken}";\n`,
    'packages/web/src/settings.json': `{\n  "github_token": "${V.jsonToken}"\n}\n`,
    'packages/web/config/default.json': `{\n  "db": { "user": "web", "password": "${V.defaultJsonPassword}" }\n}\n`,
    'packages/web/src/main.js': `${HASH_ESM}import { readFileSync } from 'node:fs';\nimport { stripe } from './config.js';\nimport { internalToken } from '#internal/keys';\nimport settings from './settings.json' with { type: 'json' };\nconst cfg = JSON.parse(readFileSync(new URL('../config/default.json', import.meta.url), 'utf8'));\nconsole.log('web', h(stripe.key), h(internalToken), h(settings.github_token), h(cfg.db.password));\n`,
    // TypeScript, ES modules, module ES2020: top-level await is a compile error there.
    'packages/ts-es/package.json': pkg({ name: '@acme/ts-es', type: 'module' }),
    'packages/ts-es/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ES2020', target: 'ES2019', moduleResolution: 'node', strict: true, outDir: 'dist', rootDir: 'src', skipLibCheck: true, types: ['node'] } }, null, 2) + '\n',
    'packages/ts-es/src/keys.ts': `export const apiKey: string = '${V.tsEsKey}';\n`,
    'packages/ts-es/src/main.ts': `import { createHash } from 'crypto';\nimport { apiKey } from './keys.js';\nconst h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);\nconsole.log('ts-es', h(apiKey));\n`,
    // TypeScript, nodenext, compiled to CommonJS.
    'packages/ts-cjs/package.json': pkg({ name: '@acme/ts-cjs' }),
    'packages/ts-cjs/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'ES2022', strict: true, noUnusedLocals: true, outDir: 'dist', rootDir: 'src', skipLibCheck: true, types: ['node'] } }, null, 2) + '\n',
    'packages/ts-cjs/src/keys.ts': `export const token = "${V.tsCjsToken}";\n`,
    'packages/ts-cjs/src/main.ts': `import { createHash } from 'node:crypto';\nimport { token } from './keys';\nconst h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);\nconsole.log('ts-cjs', h(token));\n`,
    // Readers that never expand ${VAR}.
    '.npmrc': `//registry.npmjs.org/:_authToken=${V.npmrcToken}\n`,
    'jvm/src/main/resources/application.properties': `spring.datasource.username=app\nspring.datasource.password=${V.propsPassword}\n`,
  };
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
    if (f.includes('/bin/')) chmodSync(join(root, f), 0o755);
  }
}

/** `npm ci` of a workspaces root, offline: declared dependencies hoisted from this project, workspaces linked by name. */
function npmCiWorkspaces(root: string): void {
  const link = (target: string, at: string) => {
    mkdirSync(dirname(at), { recursive: true });
    if (!existsSync(at)) symlinkSync(target, at);
  };
  const nm = join(root, 'node_modules');
  for (const p of readdirSync(join(root, 'packages'))) {
    const pj = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    link(join(root, 'packages', p), join(nm, pj.name));
    for (const dep of Object.keys({ ...pj.dependencies, ...pj.devDependencies })) if (existsSync(join(NODE_MODULES, dep))) link(join(NODE_MODULES, dep), join(nm, dep));
  }
  // tsc needs the Node types: a devDependency of the workspace root.
  link(join(NODE_MODULES, '@types'), join(nm, '@types'));
}

interface Program { name: string; cwd: string; cmd: string[] }
const PROGRAMS: Program[] = [
  { name: 'api from the root', cwd: '.', cmd: ['node', 'packages/api/src/index.js'] },
  { name: 'api by npm start', cwd: 'packages/api', cmd: ['npm', 'start', '--silent'] },
  { name: 'executable seed script', cwd: 'packages/api', cmd: ['./bin/seed.js'] },
  { name: 'web (ESM) from the root', cwd: '.', cmd: ['node', 'packages/web/src/main.js'] },
  { name: 'web (ESM) by npm start', cwd: 'packages/web', cmd: ['npm', 'start', '--silent'] },
  { name: 'ts-es: tsc then node', cwd: 'packages/ts-es', cmd: ['tsc', 'dist/main.js'] },
  { name: 'ts-cjs: tsc then node', cwd: 'packages/ts-cjs', cmd: ['tsc', 'dist/main.js'] },
];

let orig: string;
let clone: string;
let migrate: { code: number | null; stdout: string; stderr: string };
let second: { code: number | null; stderr: string; writes: number; status: string };
const before = new Map<string, string>();
const after = new Map<string, { code: number | null; stdout: string; stderr: string }>();

async function runProgram(root: string, p: Program): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint };
  const cwd = join(root, p.cwd);
  if (p.cmd[0] === 'tsc') {
    const c = await runAsync(process.execPath, [TSC, '-p', '.'], { cwd, env });
    if (c.code !== 0) return { code: c.code, stdout: '', stderr: `tsc: ${c.stdout}${c.stderr}` };
    return runAsync(process.execPath, [p.cmd[1]!], { cwd, env });
  }
  return runAsync(p.cmd[0]!, p.cmd.slice(1), { cwd, env });
}

beforeAll(async () => {
  orig = bed.tempDir('ss-nodepk-');
  clone = bed.tempDir('ss-nodepk-clone-');
  writeFiles(orig, repoFiles());
  git(orig, 'init', '-q');
  git(orig, 'add', '-A');
  git(orig, 'commit', '-qm', 'legacy');
  npmCiWorkspaces(orig);
  for (const p of PROGRAMS) {
    const r = await runProgram(orig, p);
    if (r.code !== 0) throw new Error(`${p.name} fails before migrating: ${r.stderr}`);
    before.set(p.name, r.stdout);
  }
  execFileSync('git', ['clean', '-qfdX'], { cwd: orig });
  migrate = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'shop', '--env', 'prod', '--apply', '--yes'],
    { cwd: orig, env: { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint } });
  git(orig, 'add', '-A');
  git(orig, 'commit', '-qm', 'migrate', '--allow-empty');
  bed.server().calls.reset();
  const again = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'shop', '--env', 'prod', '--apply', '--yes'],
    { cwd: orig, env: { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint } });
  second = { code: again.code, stderr: again.stderr, writes: bed.server().calls.writeCalls(), status: git(orig, 'status', '--porcelain') };
  execFileSync('git', ['clone', '-q', orig, clone], { stdio: 'pipe' });
  npmCiWorkspaces(clone);
  for (const p of PROGRAMS) after.set(p.name, await runProgram(clone, p));
}, 600_000);


describe('Node packages, migrated and run from a fresh clone', () => {
  it('migrate --apply succeeds', () => {
    expect(migrate.stderr).not.toMatch(/error/i);
    expect(migrate.code).toBe(0);
  });

  it.each(PROGRAMS.map((p) => [p.name]))('%s prints what it printed before', (name) => {
    const r = after.get(name)!;
    const redacted = Object.values(V).reduce((t, v) => t.split(v).join('<value>'), r.stderr);
    expect({ code: r.code, stdout: r.stdout, stderr: r.code === 0 ? '' : redacted.split('\n').slice(-12).join('\n') })
      .toEqual({ code: 0, stdout: before.get(name), stderr: '' });
  });

  it('a second migrate --apply is a no-op: no write call, no file changed', () => {
    expect(second.code, second.stderr).toBe(0);
    expect(second.writes).toBe(0);
    expect(second.status.split('\n').filter((l) => l && !/secret-sweep-migration\.(md|json)$/.test(l))).toEqual([]);
  });

  it('the executable keeps its mode, its shebang first and no final newline', () => {
    const text = readFileSync(join(clone, 'packages/api/bin/seed.js'), 'utf8');
    expect(statSync(join(orig, 'packages/api/bin/seed.js')).mode & 0o777).toBe(0o755);
    expect(text).not.toContain(V.seedToken);
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text.endsWith('\n')).toBe(false);
  });

  it('code that can run a fetch is rewritten: no value is left in it', () => {
    for (const [f, key] of [['packages/api/src/db.js', 'dbPassword'], ['packages/api/knexfile.js', 'knexPassword'], ['packages/shared/lib/config.js', 'sharedToken'],
      ['packages/web/src/config.js', 'webKey'], ['packages/web/src/internal/keys.js', 'internalToken'], ['packages/ts-es/src/keys.ts', 'tsEsKey'], ['packages/ts-cjs/src/keys.ts', 'tsCjsToken']] as const) {
      expect(readFileSync(join(clone, f), 'utf8'), f).not.toContain(V[key]);
    }
  });

  it('files read literally stay byte for byte and are listed as manual in the report', () => {
    const report = JSON.parse(readFileSync(join(orig, 'secret-sweep-migration.json'), 'utf8')) as { manual: Array<{ file: string }> };
    const files = repoFiles();
    for (const f of ['packages/web/src/settings.json', 'packages/web/config/default.json', '.npmrc', 'jvm/src/main/resources/application.properties']) {
      expect(readFileSync(join(clone, f), 'utf8'), f).toBe(files[f]);
      expect(report.manual.map((m) => m.file), f).toContain(f);
    }
  });
});
