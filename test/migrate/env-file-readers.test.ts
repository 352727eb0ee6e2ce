/**
 * `.env` files read by something other than `secret-sweep run`'s environment: a shell script that sources
 * the file (its text overrides the variable `run` set), a Makefile `include`, a Dockerfile `COPY` (the
 * image holds the file), a package.json script (`env-cmd -f .env`: overrides by default), Node code with
 * `dotenv.config({ override: true })` or `dotenv.parse(readFileSync('.env'))`. An `sm://` reference written
 * there would reach the program as its value, so migrate leaves those values (manual, naming the reader).
 * `node --env-file=.env` and plain `dotenv.config()` keep the environment: their .env is still rewritten.
 * Also: an ES module that CommonJS code require()s (Node 20.19+) gets the synchronous helper, because a
 * top-level await would make the require() throw ERR_REQUIRE_ASYNC_MODULE.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAsync, BIN, TEST_AWS_ENV } from '../support/cli.js';
import { githubToken, password, stripeKey } from '../support/fake-secrets.js';
import { commitNewRepo, migrateTestBed } from '../support/migrate-bed.js';
import { namesEnvFile, shellEnvReads } from '../../src/migrate/rewrite/shell-env-readers.js';
import { jsEnvReads } from '../../src/migrate/rewrite/js-env-readers.js';
import { requiredModulesOf } from '../../src/migrate/rewrite/required-esm.js';

const bed = migrateTestBed();
const pw = (seed: number) => password(seed).replace(/[^A-Za-z0-9]/g, 'x') + 'Rd7';

describe('which command line names an env file', () => {
  it.each([
    ['. ./.env', '.env', 'scripts/deploy.sh', true],
    ['. "$(dirname "$0")/../.env"', '.env', 'scripts/deploy.sh', true],
    ['. "$(dirname "$0")/.env"', 'ops/.env', 'ops/run.sh', true],
    ['. "$(dirname "$0")/.env"', 'api/.env', 'ops/run.sh', false],
    ['COPY .env package.json ./', 'svc/.env', 'svc/Dockerfile', true],
    ['COPY .env package.json ./', 'api/.env', 'svc/Dockerfile', false],
    ['source ${ROOT}/config/prod.env', 'config/prod.env', 'bin/x.sh', true],
    ['echo .env.example', '.env', 'x.sh', false],
    ['include release.env', 'build/release.env', 'build/Makefile', true],
    ['export $(cat /app/.env | xargs)', 'svc/.env', 'svc/start.sh', true],
    // Written, not read: a Makefile's `.env:` recipe, a redirection, `touch`; a copy *from* .env reads it.
    ['\techo "No .env file found" && read answer && if [ $${answer:-N} = y ]; then cp .env.example .env;fi', '.env', 'Makefile', false],
    ['cp -n .env.example ".env" && . ./.env', '.env', 'run.sh', true],
    ['cp .env .env.bak', '.env', 'run.sh', true],
    ['echo "DEBUG=1" >> .env; touch .env', '.env', 'run.sh', false],
    ['echo "$(cat .env)"', '.env', 'run.sh', true],
    ['while read -r l; do echo "$l"; done < .env', '.env', 'run.sh', true],
  ])('%s (%s, in %s): %s', (line, file, src, want) => {
    expect(namesEnvFile(line, file, src)).toBe(want);
  });

  it('node --env-file keeps the environment; a comment reads nothing', () => {
    const reads = shellEnvReads(['.env', 'web/.env'], [
      { file: 'start.sh', text: '#!/bin/sh\n# . ./.env is not needed\nnode --env-file=.env app.js\n' },
      { file: 'web/package.json', text: '{\n  "scripts": {\n    "start": "env-cmd -f .env node server.js"\n  }\n}\n' },
    ]);
    expect(reads.has('.env')).toBe(false);
    expect(reads.get('web/.env')).toMatchObject({ file: 'web/package.json', line: 3 });
  });

  it('Node code: override and parse read the file; plain dotenv.config() does not', () => {
    const reads = jsEnvReads(['api/.env', 'web/.env', 'tool/.env'], [
      { file: 'api/src/index.js', text: 'require("dotenv").config({ override: true });\n' },
      { file: 'web/server.js', text: 'import dotenv from "dotenv";\ndotenv.config();\n' },
      { file: 'tool/cli.mjs', text: 'import fs from "node:fs";\nimport dotenv from "dotenv";\nconst cfg = dotenv.parse(fs.readFileSync(new URL("./.env", import.meta.url)));\n' },
    ]);
    expect(reads.get('api/.env')).toMatchObject({ file: 'api/src/index.js', line: 1 });
    expect(reads.has('web/.env')).toBe(false);
    expect(reads.get('tool/.env')).toMatchObject({ file: 'tool/cli.mjs', line: 3 });
  });
});

describe('migrate leaves a .env that its reader reads literally', () => {
  it('each such .env is manual with its reader named and left byte for byte; a node --env-file one is rewritten', async () => {
    const dir = bed.tempDir('ss-env-readers-');
    const deployToken = githubToken(7407);
    const files: Record<string, string> = {
      '.env': `DB_PASSWORD=${pw(7401)}\n`,
      // The reading line holds a value too: the report names the reader, never quotes its line.
      'scripts/deploy.sh': `#!/bin/sh\nset -e\ncd "$(dirname "$0")/.."\nset -a\nexport $(grep -v '^#' .env | xargs); curl -fsS -H "Authorization: Bearer ${deployToken}" https://deploy.example.invalid\nset +a\n`,
      'build/release.env': `RELEASE_TOKEN=${githubToken(7402)}\n`,
      'build/Makefile': 'include release.env\nexport\n\nrelease:\n\t./publish.sh\n',
      'svc/.env': `STRIPE_KEY=${stripeKey(7403)}\n`,
      'svc/Dockerfile': 'FROM node:20\nWORKDIR /app\nCOPY .env package.json app.js ./\nCMD ["node", "app.js"]\n',
      'svc/package.json': '{"name":"svc","version":"1.0.0","private":true}\n',
      'svc/app.js': 'require("dotenv").config();\nconsole.log(process.env.STRIPE_KEY.length);\n',
      'api/.env': `API_PASSWORD=${pw(7404)}\n`,
      'api/package.json': '{"name":"api","version":"1.0.0","private":true}\n',
      'api/index.js': 'require("dotenv").config({ override: true });\nconsole.log(process.env.API_PASSWORD.length);\n',
      'par/.env': `PAR_PASSWORD=${pw(7408)}\n`,
      'par/package.json': '{"name":"par","version":"1.0.0","private":true}\n',
      'par/index.js': 'const { parsed } = require("dotenv").config();\nconsole.log(parsed.PAR_PASSWORD.length);\n',
      'exp/.env': `EXP_PASSWORD=${pw(7409)}\n`,
      'exp/package.json': '{"name":"exp","version":"1.0.0","private":true}\n',
      'exp/index.js': 'const dotenv = require("dotenv");\nconst dotenvExpand = require("dotenv-expand");\ndotenvExpand.expand(dotenv.config());\nconsole.log(process.env.EXP_PASSWORD.length);\n',
      'web/.env': `WEB_TOKEN=${githubToken(7405)}\n`,
      'web/package.json': '{\n  "name": "web",\n  "private": true,\n  "scripts": {\n    "start": "env-cmd -f .env node server.js"\n  }\n}\n',
      'web/server.js': 'console.log(process.env.WEB_TOKEN.length);\n',
      'node/.env': `NODE_PASSWORD=${pw(7406)}\n`,
      'node/package.json': '{\n  "name": "node-app",\n  "private": true,\n  "scripts": {\n    "start": "node --env-file=.env app.js"\n  }\n}\n',
      'node/app.js': 'console.log(process.env.NODE_PASSWORD.length);\n',
    };
    commitNewRepo(dir, files);
    const dry = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'ops', '--env', 'prod'], { cwd: dir, env: { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint } });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/scripts\/deploy\.sh:5 reads this file itself/);
    expect(dry.stdout + dry.stderr).not.toContain(deployToken);
    const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'ops', '--env', 'prod', '--apply', '--yes'],
      { cwd: dir, env: { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint } });
    expect(m.code, m.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as { manual: Array<{ file: string; reason: string }> };
    const readers: Record<string, RegExp> = {
      '.env': /^scripts\/deploy\.sh:5 reads this file itself with a command that names it/,
      'build/release.env': /^build\/Makefile:1 reads this file itself with make `include`/,
      'svc/.env': /^svc\/Dockerfile:3 reads this file itself with a Dockerfile `COPY`/,
      'api/.env': /^api\/index\.js:1 reads this file itself with dotenv with `override: true`/,
      'web/.env': /^web\/package\.json:5 reads this file itself/,
      'par/.env': /^par\/index\.js:1 reads this file itself with dotenv's `parsed` result/,
      'exp/.env': /^exp\/index\.js:3 reads this file itself with dotenv-expand around the load/,
    };
    for (const [f, re] of Object.entries(readers)) {
      expect(report.manual.find((x) => x.file === f)?.reason, f).toMatch(re);
      expect(readFileSync(join(dir, f), 'utf8'), f).toBe(files[f]);
    }
    expect(JSON.stringify(report.manual)).not.toContain(deployToken);
    expect(report.manual.some((x) => x.file === 'node/.env')).toBe(false);
    // Quoted: Node's readers end an unquoted value at `#` (this repository loads .env files with dotenv too).
    expect(readFileSync(join(dir, 'node/.env'), 'utf8')).toMatch(new RegExp(`^NODE_PASSWORD='${'sm'}://prod/ops/[^#\\s]+#\\S+'\\n$`));
  }, 180_000);
});

describe('ES modules that CommonJS code require()s', () => {
  it('are found directly and through their static imports, relative specifiers only', () => {
    const dir = bed.tempDir('ss-required-esm-');
    commitNewRepo(dir, {
      'mix/index.js': 'const { key } = require("./config.mjs");\nconst lodash = require("lodash");\n',
      'mix/config.mjs': 'export { key } from "./keys.mjs";\nimport "./side.js";\n',
      'mix/keys.mjs': 'export const key = 1;\n',
      'mix/side.js': 'export {};\n',
      'mix/lazy.mjs': 'export const x = 1;\n',
      'mix/other.mjs': 'const m = await import("./lazy.mjs");\n',
    });
    const req = requiredModulesOf(dir);
    expect(Object.fromEntries(req)).toEqual({ 'mix/config.mjs': 'mix/index.js', 'mix/keys.mjs': 'mix/index.js', 'mix/side.js': 'mix/index.js' });
  });
});
