/**
 * History scrub end to end (issue 13, defect 6), with the real `git filter-repo` (Debian's git-filter-repo):
 * a repository whose history holds values that are no longer in the code (tokens, an AWS key pair, URI and
 * config passwords, PEM keys over several lines, in a string with `\n` escapes, an old value of a line
 * that is still there) plus values at HEAD. A default `migrate --apply` (no --include-history) stores only
 * the HEAD values, yet lists every history-only value in the report with a rotate line and writes it to
 * the replacements file. After the scrub step the report prints, run on a fresh clone, `scan --history`
 * finds nothing and no value (nor any line of a PEM body) is left in any commit.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { git, migrateTestBed } from '../support/migrate-bed.js';
import { ALNUM, awsKeyId, awsSecretKey, githubToken, npmToken, randomString, stripeKey } from '../support/fake-secrets.js';

const hasFilterRepo = spawnSync('git', ['filter-repo', '--version'], { stdio: 'ignore' }).status === 0;

const bed = migrateTestBed();

function write(dir: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
}

function commit(dir: string, msg: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', msg);
}

const pw = (seed: number) => randomString(ALNUM, 18, seed) + 'x7';

interface Scan {
  findings: Array<{ rule: string; file: string; presentAtHead?: boolean }>;
}

async function scanHistory(dir: string): Promise<{ code: number | null; findings: Scan['findings'] }> {
  const r = await runCliAsync(['scan', '--history', '.', '--format', 'json', '--no-color'], { cwd: dir, env: TEST_AWS_ENV });
  expect([0, 1], r.stderr).toContain(r.code);
  return { code: r.code, findings: (JSON.parse(r.stdout) as Scan).findings };
}

describe.skipIf(!hasFilterRepo)('history scrub with git filter-repo', () => {
  it('every history-only value is reported and scrubbed: scan --history of the result finds none', async () => {
    const dir = bed.tempDir('ss-scrub-');
    git(dir, 'init', '-q');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const old = {
      ghp: githubToken(101), gho: githubToken(102, 'gh' + 'o_'), npm: npmToken(103), awsId: awsKeyId(104), awsKey: awsSecretKey(105),
      stripe: stripeKey(106), dbPw: pw(107), uriPw: pw(108), yamlPw: pw(109), envOld: pw(110),
    };
    const head = { envPw: pw(201), stripe: stripeKey(202) };

    // 1. The legacy state: every value committed.
    write(dir, {
      'old_sync.py': `GITHUB_TOKEN = "${old.ghp}"\nOAUTH = "${old.gho}"\n`,
      '.npmrc': `//registry.npmjs.org/:_authToken=${old.npm}\n`,
      'deploy/aws.py': `AWS_ACCESS_KEY_ID = "${old.awsId}"\nAWS_SECRET_ACCESS_KEY = "${old.awsKey}"\n`,
      'billing.py': `STRIPE_KEY = "${old.stripe}"\n`,
      'settings.py': `DB_PASSWORD = "${old.dbPw}"\nDATABASE_URL = "postgres://etl:${old.uriPw}@db.internal.example:5432/app"\n`,
      'config/app.yaml': `db:\n  host: db.internal.example\n  password: "${old.yamlPw}"\n`,
      'keys/old.pem': rsa,
      'sign.py': `KEY = """${ec}"""\n`,
      'sa.json': JSON.stringify({ type: 'service_account', private_key: sa }, null, 2) + '\n',
      '.env': `DB_USER=etl\nDB_PASSWORD=${old.envOld}\n`,
      'app.py': 'print("hello")\n',
    });
    commit(dir, 'legacy');
    // 2. The old files are deleted and the .env password changed: those values live only in history now.
    for (const f of ['old_sync.py', '.npmrc', 'deploy/aws.py', 'billing.py', 'settings.py', 'config/app.yaml', 'keys/old.pem', 'sign.py', 'sa.json']) rmSync(join(dir, f));
    write(dir, { '.env': `DB_USER=etl\nDB_PASSWORD=${head.envPw}\n`, 'app.py': `STRIPE_KEY = "${head.stripe}"\nprint("hello")\n` });
    commit(dir, 'clean up, new password');

    const before = await scanHistory(dir);
    const historyOnlyBefore = before.findings.filter((f) => f.presentAtHead === false);
    expect(historyOnlyBefore.length).toBeGreaterThanOrEqual(12);

    // 3. A default migrate: stores the HEAD values only, reports and lists everything.
    const app = 'scrub';
    const r = await runCliAsync(['migrate', '.', '--app', app, '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'], { cwd: dir, env: TEST_AWS_ENV });
    expect(r.code, r.stderr).toBe(0);
    expect([...bed.server().state.keys()].every((n) => n.startsWith(`prod/${app}/`))).toBe(true);
    const stored = JSON.stringify([...bed.server().state.values()].map((s) => [...s.versions.values()].map((v) => v.string)));
    expect(stored).toContain(head.envPw);
    for (const v of Object.values(old)) expect(stored).not.toContain(v);

    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as {
      replacementsFile: string;
      historyOnly: Array<{ rule: string; locations: Array<{ commit?: string }>; rotate: string }>;
    };
    expect(report.historyOnly ?? [], "the report lists the history-only values").toHaveLength(historyOnlyBefore.length);
    for (const h of report.historyOnly) {
      expect(h.rotate.length).toBeGreaterThan(20);
      expect(h.locations[0]?.commit).toMatch(/^[0-9a-f]{40}$/);
    }
    const md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
    expect(md).toContain('## Only in git history (not stored)');
    expect(md).toContain(`git filter-repo --replace-text '${report.replacementsFile}'`);
    for (const v of [...Object.values(old), ...Object.values(head)]) expect(md).not.toContain(v);
    const repl = readFileSync(report.replacementsFile, 'utf8');
    for (const v of Object.values(old)) expect(repl).toContain(v);

    // 4. Commit the migration; the scrub step the report prints, on a fresh clone.
    commit(dir, 'secrets to Secrets Manager');
    const clone = join(bed.tempDir('ss-scrub-clone-'), 'clone');
    git(tmpdir(), 'clone', '-q', '--no-local', dir, clone);
    execFileSync('git', ['filter-repo', '--replace-text', report.replacementsFile], { cwd: clone, stdio: 'pipe' });

    const after = await scanHistory(clone);
    expect(after.findings, JSON.stringify(after.findings.map((f) => `${f.rule} ${f.file}`))).toEqual([]);
    expect(after.code).toBe(0);
    // No value, and no line of a PEM body, in any commit of any ref.
    const all = git(clone, 'log', '-p', '--all', '--format=%H');
    const pemLines = [rsa, ec, sa].flatMap((k) => k.split('\n').filter((l) => l.length >= 8 && !l.startsWith('-----')));
    const left = [...Object.values(old), ...Object.values(head), ...pemLines].filter((v) => all.includes(v));
    expect(left).toEqual([]);
    expect(all).toContain('***REMOVED***');
    // The history figures, for the closing note.
    console.log(`history scrub: ${before.findings.length} finding(s) in history before (${historyOnlyBefore.length} history-only), ${after.findings.length} after; values left: ${left.length}`);
  }, 240_000);
});
