/**
 * Round 8 of "deployed" Node programs (harness: test/support/deployed-node.ts): programs that load a .env
 * another way than round 7's, each started plainly from a fresh clone after one `migrate --apply`, seeing
 * the exact values; a second migrate writes nothing.
 *
 * - ES modules that call dotenv after their imports: `import dotenv from 'dotenv'` + `dotenv.config()`,
 *   `import { config as loadEnv } from 'dotenv'` + `loadEnv()`, and Node's own `process.loadEnvFile()`.
 * - TypeScript loading dotenv (`import * as dotenv` + `dotenv.config()`, `import 'dotenv/config'`), built
 *   by tsc to dist/ and run there, and run from source file by file (as ts-node does).
 * - NestJS's `ConfigModule.forRoot()` (its own dotenv, not the app's), with `validate`, run from source.
 * - `node --env-file=.env` (no dotenv anywhere) in a package.json script, a Procfile and a Dockerfile's
 *   JSON CMD: the references are quoted (Node's parser ends an unquoted value at `#`) and the same command
 *   line preloads the module that resolves them. Also `tsx [watch] --env-file` (tsx hands both flags to node),
 *   and a package.json written on one line, whose every script gets its own preload.
 * - A repository an earlier version migrated: a loader without resolution, an --env-file script without
 *   the preload and a .env whose `sm://…#KEY` references are unquoted (Node's readers cut them at `#`):
 *   a re-run repairs all three.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { BIN, runAsync } from '../support/cli.js';
import { migrateTestBed } from '../support/migrate-bed.js';
import { installDeclaredDeps } from '../support/npm-ci.js';
import { commitRepo, deployedNodeHarness, NODE_MODULES, pkg, redactor, sha, TS_NODE_REGISTER, TSC } from '../support/deployed-node.js';
import { ALNUM, githubToken, randomString, stripeKey } from '../support/fake-secrets.js';

const bed = migrateTestBed();
const { awsEnv, migrateAndClone, expectIdempotent, expectNoValueLeft } = deployedNodeHarness(bed, 'round8');

/** A password with characters dotenv and Node's parser keep as they are (unquoted, no `#`, quote or `$`). */
const pw = (seed: number) => 'Pw' + randomString(ALNUM, 14, seed) + '9!';
const V = {
  esmToken: githubToken(10800),
  esmPassword: pw(10801),
  nativeKey: stripeKey(10802),
  tsToken: githubToken(10803),
  tsPassword: pw(10804),
  envFilePassword: pw(10805),
  procToken: githubToken(10806),
  babelToken: githubToken(10809),
  nestToken: githubToken(10810),
  nestPassword: pw(10811),
  cliToken: githubToken(10812),
  knexPassword: pw(10813),
  prismaPassword: pw(10814),
  viteSecret: pw(10816),
  nextSecret: pw(10817),
  preloadToken: githubToken(10818),
  wrapPassword: pw(10819),
};
/** In a committed template and a PM2 JSON file only (left for a human, so not in V, which no file may hold after the run). */
const templatePassword = pw(10815);
const pm2Password = pw(10820);
const prismaUrl = `postgresql://app:${V.prismaPassword}@db.internal:5432/app`;
const redact = redactor(V);
const H = "const h = (s) => createHash('sha256').update(String(s)).digest('hex').slice(0, 12);\n";

const FILES: Record<string, string> = {
  '.gitignore': 'node_modules/\ndist/\n',
  'esm/package.json': pkg({ name: 'esm', type: 'module', dependencies: { dotenv: '^16.0.0' } }),
  'esm/.env': `ESM_TOKEN=${V.esmToken}\nESM_PASSWORD=${V.esmPassword}\nNATIVE_KEY=${V.nativeKey}\n`,
  // A module that reads the variables when called, imported before the load runs.
  'esm/settings.js': 'export const settings = () => ({ token: process.env.ESM_TOKEN, password: process.env.ESM_PASSWORD });\n',
  // The load over several lines, its path built by nested calls.
  'esm/default.js': `import dotenv from 'dotenv';\nimport path from 'node:path';\nimport { createHash } from 'node:crypto';\nimport { settings } from './settings.js';\n\ndotenv.config({\n  path: path.resolve(process.cwd(), '.env'),\n});\n${H}console.log(h(settings().token), h(settings().password));\n`,
  // Without semicolons (\`standard\` style): the added lines follow it.
  'esm/named.mjs': `import { createHash } from 'node:crypto'\nimport { config as loadEnv } from 'dotenv'\n\nconst { error } = loadEnv()\nif (error) throw error\n${H}console.log(h(process.env.ESM_TOKEN))\n`,
  'esm/native.js': `import { createHash } from 'node:crypto';\n\nprocess.loadEnvFile();\n${H}console.log(h(process.env.NATIVE_KEY));\n`,
  // TypeScript compiled to CommonJS in dist/.
  'ts/package.json': pkg({ name: 'ts', scripts: { build: 'tsc -p .', start: 'node dist/index.js' }, dependencies: { dotenv: '^16.0.0' }, devDependencies: { typescript: '^5.0.0', '@types/node': '^20.0.0' } }),
  'ts/tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2020', module: 'commonjs', outDir: 'dist', rootDir: 'src', strict: true, esModuleInterop: true, skipLibCheck: true, types: ['node'] }, include: ['src'] }, null, 2) + '\n',
  'ts/.env': `TS_TOKEN=${V.tsToken}\nTS_PASSWORD=${V.tsPassword}\n`,
  'ts/src/index.ts': "import * as dotenv from 'dotenv';\nimport { createHash } from 'crypto';\nimport { settings } from './settings';\n\ndotenv.config();\nconst h = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);\nconsole.log(h(process.env.TS_TOKEN ?? ''), h(settings().password));\n",
  'ts/src/settings.ts': "export const settings = (): { password: string } => ({ password: process.env.TS_PASSWORD ?? '' });\n",
  // `import 'dotenv/config'` and a module imported after it that reads the variable when imported.
  'ts/src/worker.ts': "import 'dotenv/config';\nimport { token } from './token';\nimport { createHash } from 'crypto';\n\nconsole.log(createHash('sha256').update(token).digest('hex').slice(0, 12));\n",
  'ts/src/token.ts': "export const token: string = process.env.TS_TOKEN ?? '';\n",
  // A build committed as tsc wrote it (a default and a named import of dotenv), which `npm start` runs.
  'ts/lib/config.js': [
    '"use strict";',
    'var __importDefault = (this && this.__importDefault) || function (mod) {',
    '    return (mod && mod.__esModule) ? mod : { "default": mod };',
    '};',
    'Object.defineProperty(exports, "__esModule", { value: true });',
    'const dotenv_1 = __importDefault(require("dotenv"));',
    'const dotenv_2 = require("dotenv");',
    'dotenv_1.default.config();',
    '(0, dotenv_2.config)({ path: ".env" });',
    'exports.default = { password: process.env.TS_PASSWORD };',
    '',
  ].join('\n'),
  // ES module syntax that Babel compiles to CommonJS (@babel/register here; `babel src -d dist` writes every
  // file as .js): the helper it imports must be one that require() loads under the same name after a build.
  'babel/package.json': pkg({ name: 'babel', scripts: { start: 'node -r @babel/register src/index.js', build: 'babel src -d dist' }, dependencies: { dotenv: '^16.0.0' }, devDependencies: { '@babel/cli': '^7.0.0', '@babel/register': '^7.0.0', '@babel/preset-env': '^7.0.0' } }),
  'babel/.babelrc': '{ "presets": ["@babel/preset-env"] }\n',
  'babel/.env': `BABEL_TOKEN=${V.babelToken}\n`,
  'babel/src/config.js': "import dotenv from 'dotenv';\n\ndotenv.config();\n\nexport const token = process.env.BABEL_TOKEN;\n",
  'babel/src/index.js': `import { createHash } from 'crypto';\nimport { token } from './config';\n\n${H}console.log(h(token));\n`,
  // Node's own --env-file, no dotenv: a script, a Procfile (a .env in a subfolder), a Dockerfile's CMD.
  'web/package.json': pkg({ name: 'web', scripts: { start: 'node --env-file=.env app.js', dev: 'tsx watch --env-file=.env app.js' } }),
  // All scripts on one line: each command's own --env-file (the one after `node` is not the next script's).
  // Prisma 6 (its CLI loads .env itself): the schema's variable gets a note naming secret-sweep run.
  'cli/package.json': '{ "name": "cli", "version": "1.0.0", "private": true, "scripts": { "start": "node --env-file=.env main.js", "dev": "tsx --env-file .env main.js", "migrate": "prisma migrate deploy" }, "devDependencies": { "prisma": "^6.0.0" } }\n',
  'cli/.env': `CLI_TOKEN=${V.cliToken}\nDATABASE_URL=${prismaUrl}\n`,
  'cli/main.js': `const { createHash } = require('node:crypto');\n${H}console.log(h(process.env.CLI_TOKEN), h(process.env.DATABASE_URL));\n`,
  'cli/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
  'web/.env': `WEB_PASSWORD=${V.envFilePassword}\n`,
  // A template people copy to .env, holding a real value: manual, with the reason.
  'web/env.sample': `SMTP_PASSWORD=${templatePassword}\n`,
  'web/app.js': `const { createHash } = require('node:crypto');\n${H}console.log(h(process.env.WEB_PASSWORD));\n`,
  // A knexfile whose fallback is written with optional chaining (found in a real Express + knex template).
  'web/knexfile.js': `module.exports = {\n  development: {\n    client: 'pg',\n    connection: {\n      host: process?.env?.DB_HOST ?? 'localhost',\n      password: process?.env?.DB_PASS ?? '${V.knexPassword}',\n    },\n  },\n};\n`,
  // An argument in quotes before the flag (outside a package.json a quote does not end the command).
  'web/Procfile': 'worker: node --title "r8-worker" --env-file config/worker.env worker.js\n',
  'web/config/worker.env': `WORKER_TOKEN=${V.procToken}\n`,
  'web/worker.js': `const { createHash } = require('node:crypto');\n${H}console.log(h(process.env.WORKER_TOKEN));\n`,
  // NestJS: ConfigModule.forRoot() reads .env itself (dotenv's parser), its validate sees the file under
  // process.env; dotenv is not the app's own dependency. @nestjs/* are stood in for after the clone (below).
  'nest/package.json': pkg({ name: 'nest', scripts: { start: 'node dist/main.js' }, dependencies: { '@nestjs/common': '^10.0.0', '@nestjs/config': '^3.0.0' } }),
  'nest/.env': `NEST_TOKEN=${V.nestToken}\nNEST_PASSWORD=${V.nestPassword}\n`,
  'nest/src/app.module.ts': "import { Module } from '@nestjs/common';\nimport { ConfigModule } from '@nestjs/config';\n\nexport const validated: Record<string, unknown> = {};\n\n@Module({\n  imports: [ConfigModule.forRoot({ isGlobal: true, validate: (config: Record<string, unknown>) => Object.assign(validated, config) })],\n})\nexport class AppModule {}\n",
  'nest/src/main.ts': `import { createHash } from 'crypto';\nimport { AppModule, validated } from './app.module';\n\n${H.replace('(s)', '(s: unknown)')}console.log(h(process.env.NEST_TOKEN), h(validated.NEST_PASSWORD), typeof AppModule);\n`,
  // Another file than ./.env: left as it is (a note says to start it under secret-sweep run).
  'nest/src/local.module.ts': "import { ConfigModule } from '@nestjs/config';\n\nexport const local = ConfigModule.forRoot({ envFilePath: '.env.local' });\nexport const expanded = ConfigModule.forRoot({ expandVariables: true });\n",
  // vite.config reading .env with Vite's loadEnv (a dev-server proxy's credential): the object it returns is resolved.
  'vite/package.json': pkg({ name: 'vite-app', type: 'module', scripts: { dev: 'vite' }, devDependencies: { vite: '^8.0.0' } }),
  'vite/.env': `VITE_API_URL=http://localhost:3001\nAPI_SECRET=${V.viteSecret}\n`,
  // Also put into process.env (resolved after), and used in place (a note: it reads the text).
  'vite/vite.config.js': "import { defineConfig, loadEnv } from 'vite'\n\nexport default defineConfig(({ mode }) => {\n  const env = loadEnv(mode, process.cwd(), '')\n  Object.assign(process.env, loadEnv(mode, process.cwd(), ''))\n  return {\n    define: { __API__: JSON.stringify(loadEnv(mode, '.').VITE_API_URL) },\n    server: { proxy: { '/api': { target: 'http://127.0.0.1:9', headers: { Authorization: `Bearer ${env.API_SECRET}`, 'X-Key': process.env.API_SECRET } } } },\n  }\n})\n",
  // Next.js loads its .env files itself, before the project's code: a note names the scripts to start under secret-sweep run.
  'next/package.json': pkg({ name: 'next-app', scripts: { dev: 'next dev', build: 'next build', start: 'next start' }, dependencies: { next: '^15.0.0' } }),
  'next/.env.production': `STRIPE_SECRET_KEY=${V.nextSecret}\n`,
  // dotenv's own preload (`node -r dotenv/config`), no dotenv call in the code: the resolver is preloaded after it.
  // Also dotenv-cli and dotenvx with the default ./.env (checked by hand with dotenv-cli 7 and dotenvx 1; not installed here).
  'pre/package.json': pkg({ name: 'pre', scripts: { start: 'node -r dotenv/config server.js', cli: 'dotenv -- node server.js', dx: 'dotenvx run -- node server.js' }, dependencies: { dotenv: '^16.0.0' } }),
  // Their expansion breaks a reference inside a value: such a .env is left to secret-sweep run, with a note.
  'wrap/package.json': pkg({ name: 'wrap', scripts: { start: 'dotenv -- node server.js' } }),
  'wrap/.env': `DATABASE_URL=postgresql://app:${V.wrapPassword}@db.internal:5432/app\n`,
  'pre/.env': `PRE_TOKEN=${V.preloadToken}\n`,
  'pre/server.js': `const { createHash } = require('node:crypto');\n${H}console.log(h(process.env.PRE_TOKEN));\n`,
  'pre/Dockerfile': 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "-r", "dotenv/config", "server.js"]\n',
  // PM2's JSON ecosystem file (a real Express boilerplate's start script runs it): manual, with the .js conversion PM2 also loads.
  'pm2/ecosystem.config.json': JSON.stringify({ apps: [{ name: 'app', script: 'src/index.js', env: { NODE_ENV: 'production', DB_PASSWORD: pm2Password } }] }, null, 2) + '\n',
  'web/Dockerfile': 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "--env-file=.env", "app.js"]\n',
};

describe('round 8: dotenv called by ES modules and TypeScript, and node --env-file, started plainly', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round8-');
    commitRepo(repo, FILES);
  }, 60_000);

  it('each program sees the exact values from a fresh clone, without secret-sweep run; a second run writes nothing', async () => {
    const { clone, report } = await migrateAndClone(repo, 'r8', redact);
    expect(report.manual.map((m) => `${m.file}:${m.line}: ${m.reason}`).sort()).toEqual([
      expect.stringMatching(/^pm2\/ecosystem\.config\.json:8: PM2 reads this file as plain JSON and hands the app its env values as written/),
      expect.stringMatching(/^web\/env\.sample:1: a template of \.env that no program loads .*whoever copies the file still gets it/),
    ]);
    expect(report.manual.find((m) => m.file === 'pm2/ecosystem.config.json')?.suggestion).toMatch(/^rename pm2\/ecosystem\.config\.json to pm2\/ecosystem\.config\.js with `module\.exports = ` .*`getSecretSync\('prod\/r8\/[^']+', 'password'\)`/);
    expect(readFileSync(join(clone, 'pm2/ecosystem.config.json'), 'utf8')).toBe(FILES['pm2/ecosystem.config.json']);
    expect(readFileSync(join(clone, 'web/env.sample'), 'utf8')).toBe(FILES['web/env.sample']);
    const env = awsEnv();
    const run = async (args: string[], cwd: string) => {
      const r = await runAsync(process.execPath, args, { cwd: join(clone, cwd), env });
      expect(r.code, `${cwd} ${args.join(' ')}: ${redact(r.stderr)}`).toBe(0);
      return r.stdout.trim();
    };

    installDeclaredDeps(join(clone, 'esm'));
    expect(await run(['default.js'], 'esm')).toBe(`${sha(V.esmToken)} ${sha(V.esmPassword)}`);
    expect(await run(['named.mjs'], 'esm')).toBe(sha(V.esmToken));
    expect(readFileSync(join(clone, 'esm/named.mjs'), 'utf8')).toMatch(/^import \{ resolveEnvSync \} from '\.\/secret-sweep-secrets\.mjs'\n[\s\S]*^const \{ error \} = loadEnv\(\)\nresolveEnvSync\(\) \/\/ /m);
    expect(await run(['native.js'], 'esm')).toBe(sha(V.nativeKey));
    expect(readFileSync(join(clone, 'esm/default.js'), 'utf8')).toMatch(/^import \{ resolveEnvSync \} from '\.\/secret-sweep-secrets\.mjs';$[\s\S]*^\}\);\nresolveEnvSync\(\);/m);

    installDeclaredDeps(join(clone, 'ts'), true);
    const tsc = await runAsync(process.execPath, [TSC, '-p', '.'], { cwd: join(clone, 'ts') });
    expect(tsc.code, redact(tsc.stdout)).toBe(0);
    expect(await run(['dist/index.js'], 'ts')).toBe(`${sha(V.tsToken)} ${sha(V.tsPassword)}`);
    expect(await run(['dist/worker.js'], 'ts')).toBe(sha(V.tsToken));
    expect(await run(['-e', "const { createHash } = require('node:crypto');\n" + H + "console.log(h(require('./lib/config').default.password))"], 'ts')).toBe(sha(V.tsPassword));
    const register = join(bed.tempDir('ss-round8-ts-node-'), 'register.cjs');
    writeFileSync(register, TS_NODE_REGISTER);
    expect(await run(['-r', register, 'src/worker.ts'], 'ts')).toBe(sha(V.tsToken));

    // Babel's CommonJS output (stood in for by TypeScript's transpiler, which compiles .mjs too, as @babel/register does).
    expect(readFileSync(join(clone, 'babel/src/config.js'), 'utf8')).toContain("import { resolveEnvSync } from './secret-sweep-secrets.js';\n");
    const babelRegister = join(bed.tempDir('ss-round8-babel-'), 'register.cjs');
    writeFileSync(babelRegister, TS_NODE_REGISTER.replace("require.extensions['.ts'] = ", "require.extensions['.js'] = require.extensions['.mjs'] = "));
    installDeclaredDeps(join(clone, 'babel'));
    expect(await run(['-r', babelRegister, 'src/index.js'], 'babel')).toBe(sha(V.babelToken));

    // NestJS, from source as ts-node runs it, with stand-ins of @nestjs/common and of @nestjs/config's forRoot
    // (read ./.env with its own dotenv, process.env over the file for validate, assign what process.env lacks).
    installDeclaredDeps(join(clone, 'nest'));
    const standIn = (name: string, code: string) => {
      mkdirSync(join(clone, 'nest/node_modules', name), { recursive: true });
      writeFileSync(join(clone, 'nest/node_modules', name, 'package.json'), pkg({ name, main: 'index.js' }));
      writeFileSync(join(clone, 'nest/node_modules', name, 'index.js'), code);
    };
    standIn('@nestjs/common', 'exports.Module = () => (cls) => cls;\n');
    standIn('@nestjs/config', [
      "const dotenv = require('dotenv'); const fs = require('fs'); const { resolve } = require('path');",
      'exports.ConfigModule = { forRoot(o = {}) {',
      "  const file = o.envFilePath || resolve(process.cwd(), '.env');",
      '  let config = !o.ignoreEnvFile && fs.existsSync(file) ? dotenv.parse(fs.readFileSync(file)) : {};',
      '  if (!o.ignoreEnvVars) config = { ...config, ...process.env };',
      '  const out = o.validate ? o.validate(config) : config;',
      "  for (const k of Object.keys(out)) if (!(k in process.env) && typeof out[k] === 'string') process.env[k] = out[k];",
      "  return { module: 'ConfigModule', global: o.isGlobal };",
      '} };',
      '',
    ].join('\n'));
    mkdirSync(join(clone, 'nest/node_modules/@nestjs/config/node_modules'));
    symlinkSync(join(NODE_MODULES, 'dotenv'), join(clone, 'nest/node_modules/@nestjs/config/node_modules/dotenv'));
    expect(readFileSync(join(clone, 'nest/src/app.module.ts'), 'utf8')).toMatch(/^import '\.\/secret-sweep-nest-env'; \/\/ /);
    expect(await run(['-r', register, 'src/main.ts'], 'nest')).toBe(`${sha(V.nestToken)} ${sha(V.nestPassword)} function`);
    expect(readFileSync(join(clone, 'nest/src/local.module.ts'), 'utf8')).toBe(FILES['nest/src/local.module.ts']);
    expect(report.notes).toContainEqual(expect.stringMatching(/^nest\/src\/local\.module\.ts:3: ConfigModule\.forRoot\(\) with its envFilePath reads the sm:\/\/ references .*secret-sweep run/));
    expect(report.notes).toContainEqual(expect.stringMatching(/^nest\/src\/local\.module\.ts:4: ConfigModule\.forRoot\(\) with its expandVariables reads/));

    // --env-file: quoted references, and the preload on the same command line, each run as written.
    expect(readFileSync(join(clone, 'web/.env'), 'utf8')).toMatch(new RegExp(`^WEB_PASSWORD='${'sm'}://prod/r8/[^#']+#[^']+'\\n$`));
    installDeclaredDeps(join(clone, 'web'));
    const scripts = (JSON.parse(readFileSync(join(clone, 'web/package.json'), 'utf8')) as { scripts: { start: string } }).scripts;
    expect(scripts.start).toBe('node --env-file=.env --require ./secret-sweep-env.cjs app.js');
    expect(scripts.dev).toBe('tsx watch --env-file=.env --require ./secret-sweep-env.cjs app.js');
    const argv = (cmd: string) => cmd.split(' ').slice(1);
    expect(await run(argv(scripts.start), 'web')).toBe(sha(V.envFilePassword));
    const proc = readFileSync(join(clone, 'web/Procfile'), 'utf8');
    expect(proc).toBe('worker: node --title "r8-worker" --env-file config/worker.env --require ./config/secret-sweep-env.cjs worker.js\n');
    expect(await run(argv(proc.trim().slice('worker: '.length)), 'web')).toBe(sha(V.procToken));
    const cmd = /^CMD (.*)$/m.exec(readFileSync(join(clone, 'web/Dockerfile'), 'utf8'))![1]!;
    expect(JSON.parse(cmd)).toEqual(['node', '--env-file=.env', '--require', './secret-sweep-env.cjs', 'app.js']);
    expect(await run((JSON.parse(cmd) as string[]).slice(1), 'web')).toBe(sha(V.envFilePassword));
    expect(await run(['-e', `${H}console.log(h(require('./knexfile').development.connection.password))`.replace('const h', "const { createHash } = require('node:crypto');\nconst h")], 'web')).toBe(sha(V.knexPassword));
    installDeclaredDeps(join(clone, 'pre'));
    const preScripts = (JSON.parse(readFileSync(join(clone, 'pre/package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const preStart = preScripts.start!;
    expect(preScripts).toEqual({ start: 'node -r dotenv/config --require ./secret-sweep-env.cjs server.js', cli: 'dotenv -- node --require ./secret-sweep-env.cjs server.js', dx: 'dotenvx run -- node --require ./secret-sweep-env.cjs server.js' });
    expect((JSON.parse(readFileSync(join(clone, 'wrap/package.json'), 'utf8')) as { scripts: unknown }).scripts).toEqual({ start: 'dotenv -- node server.js' });
    expect(report.notes).toContainEqual(expect.stringMatching(/^wrap\/package\.json:6: dotenv-cli \/ dotenvx load wrap\/\.env into the command they start, expanding \$\{…\} first, which breaks .*`secret-sweep run -- <command>`/));
    expect(await run(argv(preStart), 'pre')).toBe(sha(V.preloadToken));
    const preCmd = JSON.parse(/^CMD (.*)$/m.exec(readFileSync(join(clone, 'pre/Dockerfile'), 'utf8'))![1]!) as string[];
    expect(preCmd).toEqual(['node', '-r', 'dotenv/config', '--require', './secret-sweep-env.cjs', 'server.js']);
    expect(await run(preCmd.slice(1), 'pre')).toBe(sha(V.preloadToken));
    const cliPackage = readFileSync(join(clone, 'cli/package.json'), 'utf8');
    expect(cliPackage).toMatch(/^\{ "name": "cli", "version": "1\.0\.0", "private": true, "scripts": \{ "start": "node --env-file=\.env --require \.\/secret-sweep-env\.cjs main\.js", "dev": "tsx --env-file \.env --require \.\/secret-sweep-env\.cjs main\.js", "migrate": "prisma migrate deploy" \}, /);
    installDeclaredDeps(join(clone, 'cli'));
    expect(await run(argv((JSON.parse(cliPackage) as { scripts: { start: string } }).scripts.start), 'cli')).toBe(`${sha(V.cliToken)} ${sha(prismaUrl)}`);
    expect(report.notes).toContainEqual(expect.stringMatching(/^cli\/prisma\/schema\.prisma: DATABASE_URL \(env\("DATABASE_URL"\)\) is a sm:\/\/ reference in cli\/\.env now, which the Prisma CLI before version 7 loads itself .*`secret-sweep run -- npx prisma …` \(package\.json scripts that call it: migrate; /));

    // Vite resolves the config as `vite` / `vite build` do.
    installDeclaredDeps(join(clone, 'vite'), true);
    expect(readFileSync(join(clone, 'vite/vite.config.js'), 'utf8')).toContain("  const env = loadEnv(mode, process.cwd(), '')\n  resolveEnvSync(env) // ");
    expect(readFileSync(join(clone, 'vite/vite.config.js'), 'utf8')).toContain("  Object.assign(process.env, loadEnv(mode, process.cwd(), ''))\n  resolveEnvSync() // ");
    const headers = "const { headers } = (await resolveConfig({ mode: 'production' }, 'serve')).server.proxy['/api'];\n";
    expect(await run(['--input-type=module', '-e', `import { createHash } from 'node:crypto';\nimport { resolveConfig } from 'vite';\n${headers}${H}console.log(h(headers.Authorization), h(headers['X-Key']));`], 'vite'))
      .toBe(`${sha(`Bearer ${V.viteSecret}`)} ${sha(V.viteSecret)}`);
    expect(report.notes).toContainEqual(expect.stringMatching(/^vite\/vite\.config\.js:7: Vite's loadEnv\(\), its result not kept in a variable .*reads the sm:\/\/ references of \.env as text: start the program with `secret-sweep run/));

    expect(report.notes).toContainEqual('next/package.json: Next.js loads next/.env.production itself (next dev, build, start) and would read the sm:// references as text (its variable expansion also breaks a ${sm://…} inside a value): start it under secret-sweep run, which sets the variables first (Next keeps them): `secret-sweep run -- npm run dev`, `secret-sweep run -- npm run build`, `secret-sweep run -- npm run start`');

    expectNoValueLeft(clone, V);
    await expectIdempotent(clone, 'r8', redact);

    // As an earlier version left it: the .env holds references, the code loads it without resolving them;
    // an --env-file script without the preload, its .env's reference unquoted (Node would read `sm://NAME`).
    // A re-run has nothing to migrate: a dry run names those (only them) and what to add; --apply adds
    // it as the first run did; a third run changes nothing.
    const migrated = readFileSync(join(clone, 'esm/native.js'), 'utf8');
    const migratedWeb = { pkg: readFileSync(join(clone, 'web/package.json'), 'utf8'), env: readFileSync(join(clone, 'web/.env'), 'utf8') };
    writeFileSync(join(clone, 'esm/native.js'), FILES['esm/native.js']!);
    writeFileSync(join(clone, 'web/package.json'), migratedWeb.pkg.replaceAll(' --require ./secret-sweep-env.cjs', ''));
    writeFileSync(join(clone, 'web/.env'), migratedWeb.env.replace(/'/g, ''));
    execFileSync('git', ['rm', '-q', 'web/secret-sweep-env.cjs'], { cwd: clone });
    writeFileSync(join(clone, 'web/env.sample'), 'SMTP_PASSWORD=\n'); // as the report asked: nothing is left to migrate
    execFileSync('git', ['rm', '-q', 'pm2/ecosystem.config.json'], { cwd: clone });
    execFileSync('git', ['commit', '-qam', 'as an earlier version migrated it'], { cwd: clone });
    const rerun = (...args: string[]) => runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'r8', '--env', 'prod', ...args], { cwd: clone, env });
    const dry = await rerun();
    expect(dry.code, redact(dry.stderr)).toBe(0);
    expect(dry.stderr.split('\n').filter((l) => /without resolving them|unquoted/.test(l))).toEqual([
      expect.stringMatching(/^secret-sweep: web\/\.env:1: an unquoted sm:\/\/…#KEY reference .*cut at # .*quote it/),
      expect.stringMatching(/^secret-sweep: esm\/native\.js:3: loads a \.env holding sm:\/\/ references .*`secret-sweep run -- <command>`, or add `resolveEnvSync\(\)` where it loads it \(/),
      expect.stringMatching(/^secret-sweep: web\/package\.json:6,7: starts node with --env-file \(or -r dotenv\/config\) .*`--require \.\/secret-sweep-env\.cjs` after that flag/),
    ]);
    expect(readFileSync(join(clone, 'esm/native.js'), 'utf8')).toBe(FILES['esm/native.js']);
    const repair = await rerun('--apply', '--yes');
    expect(repair.code, redact(repair.stderr)).toBe(0);
    expect(repair.stderr).toMatch(/^secret-sweep: 2 file\(s\) loading a \.env an earlier run turned into sm:\/\/ references now resolve them: esm\/native\.js, web\/package\.json; written: web\/secret-sweep-env\.cjs$/m);
    expect(repair.stderr).toMatch(/^secret-sweep: web\/\.env: the sm:\/\/…#KEY references an earlier run left unquoted are quoted/m);
    expect(readFileSync(join(clone, 'esm/native.js'), 'utf8')).toBe(migrated);
    expect(await run(['native.js'], 'esm')).toBe(sha(V.nativeKey));
    expect(readFileSync(join(clone, 'web/package.json'), 'utf8')).toBe(migratedWeb.pkg);
    expect(readFileSync(join(clone, 'web/.env'), 'utf8')).toBe(migratedWeb.env);
    expect(await run(argv(scripts.start), 'web')).toBe(sha(V.envFilePassword));
    execFileSync('git', ['add', '-A'], { cwd: clone });
    execFileSync('git', ['commit', '-qm', 'repaired'], { cwd: clone });
    await expectIdempotent(clone, 'r8', redact);
  }, 300_000);
});
