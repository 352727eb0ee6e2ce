/**
 * History scrub end to end (issue 13, defect 6), with the real `git filter-repo` (Debian's git-filter-repo):
 * a repository whose history holds values that are no longer in the code (tokens, an AWS key pair, URI and
 * config passwords, PEM keys over several lines, in a string with `\n` escapes, an old value of a line
 * that is still there) plus values at HEAD. A default `migrate --apply` (no --include-history) stores only
 * the HEAD values, yet lists every history-only value in the report with a rotate line and writes it to
 * the replacements file. After the scrub step the report prints, run on a fresh clone, `scan --history`
 * finds nothing and no value (nor any line of a PEM body) is left in any commit.
 *
 * The same repository, as real ones are: a shared bare repository (origin) with branches, a merge, a
 * rename, annotated tags, notes; values written only in an encoded form (base64 in a Kubernetes Secret,
 * XML `&amp;`, URL `%40`, a UTF-16 file, a PEM with CRLF, a .env value with `\"`, a notebook cell's `\\\"`, a key in a file name, gone or still in the tree); a token in a commit
 * message and one in a tag message; a value inside a longer one; a short `password1` beside code named
 * check_password1(). The report's command sequence (mirror clone, filter-repo, scan, mirror push) runs as
 * printed, with bash; then no form of any value is left in the scrubbed mirror nor reachable in origin,
 * and a second migrate on a clone of the scrubbed origin stores nothing and keeps the report.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN, runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { git, migrateTestBed } from '../support/migrate-bed.js';
import { ALNUM, awsKeyId, awsSecretKey, githubToken, npmToken, randomString, stripeKey } from '../support/fake-secrets.js';

const hasFilterRepo = spawnSync('git', ['filter-repo', '--version'], { stdio: 'ignore' }).status === 0;
const hasLfs = spawnSync('git', ['lfs', 'version'], { stdio: 'ignore' }).status === 0;
if (!hasLfs) console.warn('history-scrub-e2e: the Git LFS part is skipped: git-lfs not found (apt-get install -y git-lfs)');

const bed = migrateTestBed();

function write(dir: string, files: Record<string, string | Buffer>): void {
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
  findings: Array<{ rule: string; file: string; fingerprint: string; presentAtHead?: boolean }>;
}

/** git with other people's names and emails (the helper's `-c user.*` lose to these variables). */
function gitAs(dir: string, who: Record<string, string>, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe', env: { ...process.env, ...who } }).toString();
}

async function scanHistory(dir: string, ...more: string[]): Promise<{ code: number | null; findings: Scan['findings'] }> {
  const r = await runCliAsync(['scan', '--history', '.', '--format', 'json', '--no-color', ...more], { cwd: dir, env: TEST_AWS_ENV });
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
    // Written only in an encoded form, or where --replace-text alone does not reach (see the file's header).
    const enc = {
      k8s: pw(301), xml: pw(302).slice(0, 10) + '&' + pw(302).slice(10), uri: pw(303).slice(0, 10) + '@' + pw(303).slice(10),
      utf16: pw(304), quoted: pw(305).slice(0, 11) + '"' + pw(305).slice(11), feature: pw(306), renamed: pw(307),
      notebook: pw(312).slice(0, 11) + '"q/' + pw(312).slice(11),
      // Beyond files and messages (see "4b" below): people, an extra commit header, ref names, refs/replace, a submodule URL, an evil merge, LFS.
      author: githubToken(401), email: githubToken(402), header: githubToken(403), tagger: githubToken(404), branch: githubToken(405), branch2: githubToken(412), tagName: githubToken(406),
      replace: githubToken(407), blobRef: githubToken(411), submodule: githubToken(408), merge: githubToken(409), ...(hasLfs ? { lfs: githubToken(410), lfsPath: awsKeyId(413) } : {}), inPath: awsKeyId(313), headPath: awsKeyId(314), note: pw(308), inMsg: githubToken(309), inTag: githubToken(310), short: pw(311).slice(0, 10), weak: 'pass' + 'word1',
    };
    const long = enc.short + 'Zq9x';
    const crlf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\r\n');
    const server = join(bed.tempDir('ss-scrub-origin-'), 'origin.git');
    git(tmpdir(), 'init', '-q', '--bare', '-b', 'main', server);
    git(dir, 'remote', 'add', 'origin', server);
    git(dir, 'checkout', '-q', '-b', 'main');

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
      'k8s/db.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: ${Buffer.from(enc.k8s).toString('base64')}\n`,
      'conf/app.xml': `<config>\n  <password>${enc.xml.replace(/&/g, '&amp;')}</password>\n</config>\n`,
      'conf/db.py': `DATABASE_URL = "postgres://etl:${encodeURIComponent(enc.uri)}@db.internal.example:5432/app"\n`,
      'conf/win.ini': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`[db]\r\npassword = ${enc.utf16}\r\n`, 'utf16le')]),
      'keys/crlf.pem': crlf,
      'old_name.py': `RENAMED_PASSWORD = "${enc.renamed}"\n`,
      'admin.py': `ADMIN_PASSWORD = "${long}"\nSHORT_PASSWORD = "${enc.short}"\n`,
      'weak.py': `DB_PASSWORD = "${enc.weak}"\n`,
      'check.py': `def check_${enc.weak}():\n    return True\n`,
      'svc/.env': `SVC_PASSWORD="${enc.quoted.replace(/"/g, '\\"')}"\n`,
      // A cell's code line as a JSON string, with the value's quote escaped in Python and again in JSON, and `/` as `\/`.
      [`creds/${enc.inPath}.txt`]: 'deploy user\n',
      [`keys/${enc.headPath}.pub`]: 'ssh-ed25519 AAAA\n', // still in the tree: a warning, and the scrub renames it
      '.gitmodules': `[submodule "lib"]\n\tpath = lib\n\turl = https://deploy:${enc.submodule}@git.example.com/acme/lib.git\n`,
      'nb/etl.ipynb': `{"cells":[{"cell_type":"code","source":[${JSON.stringify(`DB_PASSWORD = "${enc.notebook.replace(/"/g, '\\"')}"\n`).replace(/\//g, '\\/')}]}]}\n`,
    });
    if (hasLfs) {
      git(dir, 'lfs', 'install', '--local');
      git(dir, 'lfs', 'track', '*.lfs');
      write(dir, { [`data/${enc.lfsPath}.lfs`]: `token: ${enc.lfs}\n` }); // a key in its name too: the report prints the path
    }
    commit(dir, `legacy (the CI token was ${enc.inMsg})`);
    // A token as the author's name, as the committer's email, and in a header only `git cat-file` shows.
    gitAs(dir, { GIT_AUTHOR_NAME: enc.author, GIT_COMMITTER_EMAIL: `${enc.email}@example.com` }, 'commit', '-q', '--allow-empty', '-m', 'ident');
    const withHeader = git(dir, 'cat-file', 'commit', 'HEAD').replace(/^(committer .*)$/m, `$1\nx-deploy-token ${enc.header}`);
    git(dir, 'update-ref', 'refs/heads/main', execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: dir, input: withHeader }).toString().trim());
    // Ref names, a tagger, and a replacement commit (refs/replace) that holds a value.
    git(dir, 'branch', `leak/${enc.branch}`);
    git(dir, 'branch', `leak/${enc.branch2}`, 'HEAD~1'); // renamed to the same name as the other: must not replace it
    git(dir, 'tag', `rel-${enc.tagName}`);
    gitAs(dir, { GIT_COMMITTER_NAME: enc.tagger }, 'tag', '-a', 'v0', '-m', 'zero');
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: `R = "${enc.replace}"\n` }).toString().trim();
    const tree = execFileSync('git', ['mktree'], { cwd: dir, input: `100644 blob ${blob}\treplaced.py\n` }).toString().trim();
    git(dir, 'replace', git(dir, 'rev-parse', 'HEAD~1').trim(), git(dir, 'commit-tree', tree, '-m', 'stand-in').trim());
    // A tag of a blob no commit holds (filter-repo skips it; the gate refuses such a ref).
    git(dir, 'tag', '-a', 'deploy-key', '-m', 'key', execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: `key = ${enc.blobRef}\n` }).toString().trim());
    git(dir, 'tag', '-a', 'v1', '-m', `release 1, deploy token ${enc.inTag}`);
    git(dir, 'mv', 'old_name.py', 'new_name.py');
    commit(dir, 'rename');
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, { 'feature.py': `FEATURE_PASSWORD = "${enc.feature}"\n` });
    commit(dir, 'feature');
    git(dir, 'checkout', '-q', 'main');
    // An evil merge: the value is only in the merge's own result.
    git(dir, 'merge', '-q', '--no-ff', '--no-commit', 'feature');
    write(dir, { 'evil.py': `EVIL = "${enc.merge}"\n` });
    commit(dir, 'merge feature');
    git(dir, 'notes', 'add', '-m', `db: DB_PASSWORD=${enc.note}`, 'HEAD');
    // 2. The old files are deleted and the .env password changed: those values live only in history now.
    for (const f of ['old_sync.py', '.npmrc', 'deploy/aws.py', 'billing.py', 'settings.py', 'config/app.yaml', 'keys/old.pem', 'sign.py', 'sa.json',
      'k8s/db.yaml', 'conf/app.xml', 'conf/db.py', 'conf/win.ini', 'keys/crlf.pem', 'new_name.py', 'admin.py', 'weak.py', 'feature.py', 'svc/.env', 'nb/etl.ipynb', `creds/${enc.inPath}.txt`, 'evil.py', '.gitmodules', ...(hasLfs ? [`data/${enc.lfsPath}.lfs`] : [])]) rmSync(join(dir, f));
    write(dir, { '.env': `DB_USER=etl\nDB_PASSWORD=${head.envPw}\n`, 'app.py': `STRIPE_KEY = "${head.stripe}"\nprint("hello")\n` });
    commit(dir, 'clean up, new password');
    git(dir, 'push', '-q', 'origin', 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*', 'refs/notes/*:refs/notes/*', 'refs/replace/*:refs/replace/*');
    const lfsStore = () => (hasLfs ? execFileSync('find', [join(server, 'lfs', 'objects'), '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean) : []);
    expect(lfsStore().length).toBe(hasLfs ? 1 : 0);

    // The tag of a blob makes the gate refuse (exit 2); the rest is scanned.
    const before = await scanHistory(dir, '--allow-skips');
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
      scrubCommands: string[];
      hostSteps: string[];
      historyOnly: Array<{ rule: string; fingerprint: string; locations: Array<{ commit?: string; file?: string }>; rotate: string }>;
      secrets: Array<{ values: Array<{ fingerprint: string }> }>;
      inFileNames: Array<{ fingerprint: string; rotate: string }>;
    };
    // The gate's findings and migrate's rotate list, as sets: every value the gate finds is listed to rotate.
    const listed = new Set([...report.historyOnly.map((h) => h.fingerprint), ...report.secrets.flatMap((s) => s.values.map((v) => v.fingerprint)), ...report.inFileNames.map((f) => f.fingerprint)]);
    expect(before.findings.filter((f) => !listed.has(f.fingerprint)).map((f) => `${f.rule} ${f.file}`), 'found by the gate, not in the rotate list').toEqual([]);
    expect(before.findings.filter((f) => f.file === '(commit header)')).toHaveLength(3);
    expect(report.historyOnly.filter((h) => h.locations[0]?.file === '(ref name)'), 'the branches and the tag named after a token').toHaveLength(3);
    expect(report.historyOnly.filter((h) => h.locations[0]?.file === '(ref to a blob)'), 'the tagged blob').toHaveLength(1);
    // Every history-only value of the scan (the two tokens only in messages among them) and the key in a file name.
    expect(historyOnlyBefore.filter((f) => /^\((commit message|message of tag v1)\)$/.test(f.file)).length).toBe(2);
    // Beyond the gate's history-only findings: ref names, the tagged blob (which the gate refuses to walk), and the keys in file names (listed under their own fingerprints).
    expect(report.historyOnly.filter((h) => !historyOnlyBefore.some((f) => f.fingerprint === h.fingerprint)).map((h) => h.locations[0]?.file).sort())
      .toEqual(['(ref name)', '(ref name)', '(ref name)', '(ref to a blob)', 'creds/AKIA….txt', ...(hasLfs ? ['data/AKIA….lfs'] : [])]);
    expect(report.historyOnly ?? [], "the report lists the history-only values").toHaveLength(historyOnlyBefore.length + (hasLfs ? 6 : 5));
    expect(report.historyOnly.filter((h) => h.locations.some((l) => (l as { file?: string }).file?.startsWith('creds/'))).map((h) => h.rule)).toEqual(['aws-access-key-id']);
    expect(report.historyOnly.filter((h) => h.locations.some((l) => /^\((commit message|message of tag v1)\)$/.test((l as { file?: string }).file ?? ''))).length).toBe(2);
    for (const h of report.historyOnly) {
      expect(h.rotate.length).toBeGreaterThan(20);
      expect(h.locations[0]?.commit).toMatch(/^[0-9a-f]{40}$/);
    }
    const md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
    expect(md).toContain('## Only in git history (not stored)');
    expect(md).toMatch(/- keys\/AKIA….pub: the file's name holds a aws-access-key-id value/);
    expect(md).toContain(`git filter-repo --replace-text '${report.replacementsFile}'`);
    const committed = readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8') + md;
    for (const [k, v] of Object.entries({ ...old, ...head, ...enc })) expect(committed.includes(v) ? `${k}: ${committed.slice(committed.indexOf(v) - 60, committed.indexOf(v) + 60)}` : "", k).toBe("");
    const repl = readFileSync(report.replacementsFile, 'utf8');
    for (const v of Object.values(old)) expect(repl).toContain(v);
    expect(statSync(report.replacementsFile).mode & 0o777).toBe(0o600);
    const all = [...Object.values(old), ...Object.values(head), ...Object.values(enc), long];
    expect(all.filter((v) => (r.stdout + r.stderr).includes(v)), 'no value in what migrate printed').toEqual([]);
    // Longest first: the longer value is replaced whole before the shorter one inside it.
    const lines = repl.split('\n');
    expect(lines.findIndex((l) => l.includes(long))).toBeLessThan(lines.findIndex((l) => l.includes(enc.short) && !l.includes(long)));

    // 4. Commit and push the migration; then the report's commands, as printed, with bash (set -e: the scan must exit 0).
    commit(dir, 'secrets to Secrets Manager');
    git(dir, 'push', '-q', 'origin', 'main');
    const work = bed.tempDir('ss-scrub-mirror-');
    const steps = report.scrubCommands.filter((l) => !l.startsWith('shred'));
    expect(md).toContain(['```sh', ...report.scrubCommands, '```'].join('\n'));
    const sh = spawnSync('bash', ['-c', ['set -e', `secret-sweep() { node '${BIN}' "$@"; }`, ...steps].join('\n')], { cwd: work, env: { ...process.env, ...TEST_AWS_ENV } });
    expect(sh.status, sh.stdout.toString() + sh.stderr.toString()).toBe(0);
    const mirror = join(work, 'scrubbed.git');

    const after = await scanHistory(mirror);
    expect(after.findings, JSON.stringify(after.findings.map((f) => `${f.rule} ${f.file}`))).toEqual([]);
    expect(after.code).toBe(0);
    // No value in any encoded form, nor a PEM body line, in any object of the mirror (filter-repo repacked it)
    // nor reachable from any ref of origin (branches, tags, notes), messages included; bytes as latin1.
    const forms = (v: string) => [v, Buffer.from(v).toString('base64').replace(/=+$/, ''), encodeURIComponent(v), JSON.stringify(v).slice(1, -1),
      v.replace(/&/g, '&amp;'), Buffer.from(v, 'utf16le').toString('latin1')];
    const pemLines = [rsa, ec, sa, crlf].flatMap((k) => k.split(/\r?\n/).filter((l) => l.length >= 8 && !l.startsWith('-----')));
    const objects = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: mirror, maxBuffer: 1 << 28 }).toString('latin1');
    const served = execFileSync('bash', ['-c', 'git rev-list --all --objects | cut -d" " -f1 | git cat-file --batch'], { cwd: server, maxBuffer: 1 << 28 }).toString('latin1');
    // Ref names rewritten (the old ones deleted by the mirror push), refs/replace gone.
    expect(git(server, 'for-each-ref', '--format=%(refname)').split('\n').filter(Boolean).sort())
      .toEqual(['refs/heads/feature', 'refs/heads/leak/REMOVED', 'refs/heads/leak/REMOVED-2', 'refs/heads/main', 'refs/notes/commits', 'refs/tags/rel-REMOVED', 'refs/tags/v0', 'refs/tags/v1']);
    // The LFS object that held a value: the mirror's copy is gone, the host's store keeps it, and the report names it for the host.
    const mirrorLfs = hasLfs ? execFileSync('find', [join(mirror, 'lfs'), '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean) : [];
    expect(mirrorLfs.filter((f) => readFileSync(f, 'latin1').includes(enc.lfs ?? '\0'))).toEqual([]);
    const hostOids = lfsStore().map((f) => f.split('/').pop()!);
    expect(hostOids.every((o) => report.hostSteps.some((h) => h.includes(`sha256:${o}`))), report.hostSteps.join('\n')).toBe(true);
    expect(report.hostSteps.some((h) => /GitHub Support/.test(h) && h.includes('refs/pull/*'))).toBe(true);
    const bounded = (text: string, v: string) => new RegExp(`(?<![A-Za-z0-9_])${v}(?![A-Za-z0-9_])`).test(text);
    let left = 0;
    const refNames = (d: string) => git(d, 'for-each-ref', '--format=%(refname)') + (existsSync(join(d, 'packed-refs')) ? readFileSync(join(d, 'packed-refs'), 'latin1') : '');
    for (const [where, text] of [['mirror', objects + refNames(mirror)], ['origin', served + refNames(server)]] as const) {
      // Whole forms, and each value's last 6 characters (the tail a cut value would leave).
      const found = [...all.filter((v) => v !== enc.weak).flatMap((v) => [...forms(v), v.slice(-6)]), ...pemLines].filter((v) => text.includes(v));
      left += found.length;
      expect(found, `left in ${where}`).toEqual([]);
      // The short value is gone where it stands alone, and the code that only contains it is intact.
      expect(bounded(text, enc.weak), where).toBe(false);
      expect(text).toContain(`def check_${enc.weak}():`);
      expect(text).toContain('***REMOVED***');
    }

    // 5. A second migrate, on a clone of the scrubbed origin: nothing to store, and the committed report still says what to rotate.
    const again = join(bed.tempDir('ss-scrub-again-'), 'again');
    git(tmpdir(), 'clone', '-q', server, again);
    const secrets = bed.server().state.size;
    const r2 = await runCliAsync(['migrate', '.', '--app', app, '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'], { cwd: again, env: TEST_AWS_ENV });
    expect(r2.code, r2.stderr).toBe(0);
    expect(bed.server().state.size).toBe(secrets);
    expect(git(again, 'status', '--porcelain')).toBe('');
    expect((JSON.parse(readFileSync(join(again, 'secret-sweep-migration.json'), 'utf8')) as typeof report).historyOnly).toHaveLength(report.historyOnly.length);
    // The history figures, for the issue's closing note.
    console.log(`history scrub: ${before.findings.length} finding(s) in history before (${historyOnlyBefore.length} history-only), ${after.findings.length} after; forms of ${all.length} values left: ${left}`);
  }, 240_000);
});
