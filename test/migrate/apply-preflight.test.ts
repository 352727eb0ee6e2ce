/**
 * Checks before the first write (issue 13, defect 8), with the built CLI against the local Secrets Manager:
 * - a symlinked helper path or `secret-sweep.refs` is refused before any secret is created (not after ten);
 * - a file that is not UTF-8 (latin-1 "José") is left for a human, byte for byte;
 * - with `--backend dotenv`, `.gitignore` covers `.env` before the first value is written to it;
 * - with `--backend dotenv`, a tracked `.env` is ignored and removed from the index, and the report says so.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { git, migrateTestBed } from '../support/migrate-bed.js';
import { ALNUM, githubToken, randomString, stripeKey } from '../support/fake-secrets.js';

const bed = migrateTestBed();

let seq = 0;
function repo(files: Record<string, string | Buffer>, links: Record<string, string> = {}): { dir: string; app: string } {
  const dir = bed.tempDir('ss-preflight-');
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  for (const [f, target] of Object.entries(links)) symlinkSync(target, join(dir, f));
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'legacy');
  return { dir, app: `pf${++seq}${randomString('abcdefghij', 4, seq * 31)}` };
}

const apply = (r: { dir: string; app: string }, ...extra: string[]) =>
  runCliAsync(['migrate', '.', '--app', r.app, '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes', ...extra], { cwd: r.dir, env: TEST_AWS_ENV });

const storedFor = (app: string) => [...bed.server().state.keys()].filter((n) => n.startsWith(`prod/${app}/`));

/** Ten Python files, each with its own token: ten secrets a late refusal would already have created. */
function tenSecrets(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++) files[`etl/job${i}.py`] = `TOKEN_${i} = "${githubToken(500 + i)}"\n`;
  return files;
}

describe('migrate --apply checks every file before the first vault write', () => {
  it('a symlinked helper path is refused, naming it, with no secret created', async () => {
    const r = repo({ ...tenSecrets(), 'etl/other.py': '# not generated\n' }, { 'etl/secret_sweep_secrets.py': 'other.py' });
    const res = await apply(r);
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toMatch(/secret_sweep_secrets\.py.*symlink|symlink.*secret_sweep_secrets\.py/);
    expect(storedFor(r.app)).toEqual([]);
    expect(readFileSync(join(r.dir, 'etl/other.py'), 'utf8')).toBe('# not generated\n');
  });

  // The references of `${VAR}` files (compose, Helm) go to the committed secret-sweep.refs (no longer to .env,
  // since JS reads the generated helper): a symlinked one would send the write outside the file it names.
  it('a symlinked secret-sweep.refs (where the references of rewritten compose files go) is refused before any secret is created', async () => {
    const files = tenSecrets();
    files['docker-compose.yml'] = `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: "${randomString(ALNUM, 18, 521)}q8"\n`;
    const r = repo({ ...files, 'shared/refs.txt': 'A=1\n' }, { 'secret-sweep.refs': 'shared/refs.txt' });
    const res = await apply(r);
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toMatch(/secret-sweep\.refs.*symlink|symlink.*secret-sweep\.refs/);
    expect(storedFor(r.app)).toEqual([]);
    expect(readFileSync(join(r.dir, 'shared/refs.txt'), 'utf8')).toBe('A=1\n');
    expect(git(r.dir, 'status', '--porcelain')).toBe('');
  });

  it('a latin-1 file is left for a human: every byte stays, the report lists it as manual', async () => {
    const pw = randomString(ALNUM, 18, 77) + 'r7';
    const latin1 = Buffer.concat([Buffer.from('# Autor: Jos'), Buffer.from([0xe9]), Buffer.from(`\nDB_PASSWORD = "${pw}"\nNAME = "Jos`), Buffer.from([0xe9]), Buffer.from('"\n')]);
    const stripe = stripeKey(78);
    const r = repo({ 'etl/legacy.py': latin1, 'etl/app.py': `STRIPE_KEY = "${stripe}"\n` });
    const res = await apply(r);
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(join(r.dir, 'etl/legacy.py')).equals(latin1)).toBe(true);
    expect(readFileSync(join(r.dir, 'etl/app.py'), 'utf8')).not.toContain(stripe);
    const report = JSON.parse(readFileSync(join(r.dir, 'secret-sweep-migration.json'), 'utf8')) as { manual: Array<{ file: string; reason: string }> };
    expect(report.manual).toEqual([expect.objectContaining({ file: 'etl/legacy.py', reason: expect.stringMatching(/not UTF-8/) })]);
  });

  // With --backend dotenv, .env is the vault: it holds values from the first vault write on. Killed right after
  // each of the run's first file writes (.gitignore, .env, .env.example), a .env that holds a value is ignored.
  it('with --backend dotenv, .gitignore covers .env before the first value is written to it', async () => {
    const pw = randomString(ALNUM, 18, 92) + 'm3';
    let held = 0;
    for (let nth = 1; nth <= 3; nth++) {
      const r = repo({ 'app.py': `DB_PASSWORD = "${pw}"\n` });
      const res = await runCliAsync(['migrate', '.', '--app', r.app, '--env', 'prod', '--backend', 'dotenv', '--apply', '--yes'],
        { cwd: r.dir, env: { ...TEST_AWS_ENV, SECRET_SWEEP_TEST_CRASH_AT: `temp-renamed@${nth}` } });
      expect(res.signal, `write ${nth}: ${res.stderr}`).toBe('SIGKILL');
      if (!existsSync(join(r.dir, '.env')) || !readFileSync(join(r.dir, '.env'), 'utf8').includes(pw)) continue;
      held++;
      expect(() => git(r.dir, 'check-ignore', '-q', '--', '.env'), `killed after write ${nth}`).not.toThrow();
      expect(git(r.dir, 'status', '--porcelain', '--', '.env')).toBe('');
    }
    expect(held).toBeGreaterThan(0); // some stop had the value in .env, or the check above is moot
  });

  // A place left for a human keeps its value, so a re-run finds it again; with its file changes not yet
  // committed, that re-run changes no file, so the dirty tree is no reason to refuse it (the fault loop found it).
  it('a re-run of a finished, uncommitted migration with a manual place left changes nothing and exits 0', async () => {
    const pw = randomString(ALNUM, 18, 93) + 'z4';
    const r = repo({
      'etl/job.py': `TOKEN = "${githubToken(530)}"\n`,
      'config/settings.yaml': `warehouse:\n  host: db.internal.example\n  user: etl\n  password: ${pw}\n`,
    });
    const first = await apply(r);
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(join(r.dir, 'config/settings.yaml'), 'utf8')).toContain(pw); // left for a human
    expect(git(r.dir, 'status', '--porcelain')).not.toBe('');
    const before = git(r.dir, 'status', '--porcelain');
    const again = await apply(r);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing changed/);
    expect(git(r.dir, 'status', '--porcelain')).toBe(before);
  });

  it('with --backend dotenv, a tracked .env is ignored first and untracked, and the report says so', async () => {
    const pw = randomString(ALNUM, 18, 91) + 'k2';
    const r = repo({ '.env': `DB_USER=etl\nDB_PASSWORD=${pw}\n`, 'app.py': 'import os\nprint(os.environ.get("DB_USER"))\n', 'job.py': `TOKEN = "${githubToken(531)}"\n` });
    const res = await apply(r, '--backend', 'dotenv');
    expect(res.code, res.stderr).toBe(0);
    expect(git(r.dir, 'ls-files', '--', '.env')).toBe('');
    expect(() => git(r.dir, 'check-ignore', '-q', '--', '.env')).not.toThrow();
    // The staged change removes .env from the index; a `git commit -a` now cannot commit the values.
    expect(git(r.dir, 'status', '--porcelain', '--', '.env')).toMatch(/^D  \.env$/m);
    expect(readFileSync(join(r.dir, '.env'), 'utf8')).toContain(pw); // still on disk: it is the vault now
    const md = readFileSync(join(r.dir, 'secret-sweep-migration.md'), 'utf8');
    expect(md).toMatch(/\.env was tracked by git.*git rm --cached \.env/);
    // job.py now reads os.environ: it starts with the .env loaded, which the report says (not "no change").
    expect(readFileSync(join(r.dir, 'job.py'), 'utf8')).toMatch(/os\.environ/);
    expect(md).toMatch(/Start commands change: .*`secret-sweep run -- COMMAND`/);
    expect(md).not.toContain('fetches its secrets itself');
    expect(res.stderr).toMatch(/\.env was tracked by git/);
  });
});
