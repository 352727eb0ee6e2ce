/**
 * Env files other than the root `.env` (`.env.production`, `packages/api/.env`), loaded by the program
 * itself the way dotenv does (a variable already in the environment wins): after migrate they hold
 * `sm://` references, which `secret-sweep run` resolves only from the env file it reads. The report's
 * start command for each must make the program, started from a fresh clone, read the same values.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { githubToken, stripeKey } from '../support/fake-secrets.js';

const bed = migrateTestBed();

/** dotenv's rule: load FILE, never overriding a variable the environment already has; print hashes. */
const LOADER = `const { readFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const [file, ...names] = process.argv.slice(2);
for (const line of readFileSync(file, 'utf8').split('\\n')) {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
  if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
}
console.log(names.map((n) => createHash('sha256').update(process.env[n] ?? '').digest('hex').slice(0, 12)).join(' '));
`;

describe('env files other than the root .env', () => {
  it('the start command in the report makes the program read the stored values', async () => {
    const dir = bed.tempDir('ss-envfiles-');
    const files: Record<string, string> = {
      'load.cjs': LOADER,
      '.env.production': `NODE_ENV=production\nSTRIPE_KEY=${stripeKey(7801)}\n`,
      'packages/api/.env': `GITHUB_TOKEN=${githubToken(7802)}\n`,
    };
    commitNewRepo(dir, files);
    const env = { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint };
    const programs = [
      { file: '.env.production', cwd: '.', args: ['load.cjs', '.env.production', 'STRIPE_KEY'] },
      { file: 'packages/api/.env', cwd: '.', args: ['load.cjs', 'packages/api/.env', 'GITHUB_TOKEN'] },
    ];
    const before = await Promise.all(programs.map((p) => runAsync(process.execPath, p.args, { cwd: join(dir, p.cwd), env })));
    const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'web', '--env', 'prod', '--apply', '--yes'], { cwd: dir, env });
    expect(m.code, m.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as { startCommands: Array<{ file: string; start: string }> };
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'migrate');
    const clone = bed.tempDir('ss-envfiles-clone-');
    execFileSync('git', ['clone', '-q', dir, clone], { stdio: 'pipe' });
    for (const [i, p] of programs.entries()) {
      expect(readFileSync(join(clone, p.file), 'utf8')).toContain('sm://');
      const start = report.startCommands.find((s) => s.file === p.file)?.start;
      expect(start, p.file).toMatch(/^secret-sweep run .*-- COMMAND$/);
      // The report's command, run from the repository root as it says.
      const opts = start!.replace(/^secret-sweep run /, '').replace(/ ?-- COMMAND$/, '').split(' ').filter(Boolean);
      const r = await runAsync(process.execPath, [BIN, 'run', ...opts, '--', process.execPath, ...p.args], { cwd: join(clone, p.cwd), env });
      expect({ code: r.code, stdout: r.stdout, file: p.file }).toEqual({ code: 0, stdout: before[i]!.stdout, file: p.file });
    }
  }, 180_000);

  it('an env file that docker compose hands to a container (env_file:) stays as it is and is listed as manual', async () => {
    const dir = bed.tempDir('ss-envfile-compose-');
    const appEnv = `GITHUB_TOKEN=${githubToken(7803)}\nLOG=info\n`;
    const workerEnv = `STRIPE_KEY=${stripeKey(7804)}\n`;
    const files: Record<string, string> = {
      'deploy/app.env': appEnv,
      'deploy/compose.yaml': 'services:\n  app:\n    image: app\n    env_file: app.env\n  worker:\n    image: worker\n    env_file:\n      - path: ../worker/.env.worker\n        required: true\n',
      'worker/.env.worker': workerEnv,
    };
    commitNewRepo(dir, files);
    const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'ops', '--env', 'prod', '--apply', '--yes'],
      { cwd: dir, env: { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint } });
    expect(m.code, m.stderr).toBe(0);
    expect(readFileSync(join(dir, 'deploy/app.env'), 'utf8')).toBe(appEnv);
    expect(readFileSync(join(dir, 'worker/.env.worker'), 'utf8')).toBe(workerEnv);
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as { manual: Array<{ file: string; reason: string }> };
    for (const f of ['deploy/app.env', 'worker/.env.worker']) expect(report.manual.find((x) => x.file === f)?.reason, f).toMatch(/env_file/);
  }, 120_000);
});
