/**
 * The plaintext `git filter-repo --replace-text` file (issue 13, defect 9): created exclusively, in a fresh
 * private folder, never through a link; a file or link another user planted at the old fixed path
 * (`$TMPDIR/secret-sweep-<repo>-replacements.txt`) is never written to, and two repositories with the same
 * folder name get different files.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeReports } from '../../src/migrate/report.js';
import { encodedForms, replacementLines } from '../../src/migrate/scrub.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { valueKey, type Plan, type PlanValues } from '../../src/migrate/plan.js';
import { ALNUM, randomString } from '../support/fake-secrets.js';

let work: string;
let savedTmp: string | undefined;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ss-repl-'));
  savedTmp = process.env.TMPDIR;
  // os.tmpdir() reads TMPDIR on each call: the "shared" temp folder of this test.
  process.env.TMPDIR = join(work, 'tmp');
  mkdirSync(process.env.TMPDIR);
});

afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(work, { recursive: true, force: true });
});

function planWith(value: string): { plan: Plan; values: PlanValues } {
  const name = 'prod/app/db';
  const plan: Plan = {
    version: 1, app: 'app', env: 'prod', nameTemplate: '{env}/{app}/{resource}', skipped: [], edits: [], warnings: [],
    secrets: [{
      name, resource: 'db', kind: 'single', action: 'create',
      fields: [{
        key: 'password', secret: true, type: 'string', rule: 'generic-password-assignment', fingerprint: 'f1', redacted: 'x…',
        source: { kind: 'span', file: 'a.py', line: 1, column: 1, endLine: 1, endColumn: value.length },
        locations: [{ file: 'a.py', line: 1, column: 1, endLine: 1, endColumn: value.length, fingerprint: 'f1', historyOnly: false }],
      }],
    }],
  };
  return { plan, values: new Map([[valueKey(name, 'password'), { value, raw: [value] }]]) };
}

function repo(parent: string): string {
  const dir = join(work, parent, 'proj');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const report = (root: string, value: string) => writeReports({ root, ...planWith(value), outcomes: [], backend: 'aws', runId: 'r1' });

describe('the replacements file', () => {
  it('is created 0600 in a fresh 0700 folder, and its path is in the report', () => {
    const value = randomString(ALNUM, 24, 11) + 'q9';
    const root = repo('a');
    const files = report(root, value);
    expect(statSync(files.replacements).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(files.replacements)).mode & 0o777).toBe(0o700);
    expect(dirname(dirname(files.replacements))).toBe(join(work, 'tmp'));
    // The value, and its base64 (letters and digits need no other escape), longest first.
    const b64 = Buffer.from(value).toString('base64').replace(/=+$/, '');
    const forms = [...new Set([b64, b64.replace(/\+/g, '-').replace(/\//g, '_')])].sort();
    expect(readFileSync(files.replacements, 'utf8')).toBe([...forms, value].map((f) => `literal:${f}==>***REMOVED***\n`).join(''));
    // The blob callback beside it (for binary and UTF-16 blobs) holds no value, only the file's path.
    const callback = files.replacements.replace(/\.txt$/, '-binary-blobs.py');
    expect(statSync(callback).mode & 0o777).toBe(0o600);
    expect(readFileSync(callback, 'utf8')).not.toContain(value);
    expect(JSON.parse(readFileSync(files.json, 'utf8')).replacementsFile).toBe(files.replacements);
    expect(readFileSync(files.markdown, 'utf8')).toContain(`git filter-repo --replace-text '${files.replacements}'`);
  });

  it('a file or symlink planted at the old fixed path receives nothing', () => {
    const value = randomString(ALNUM, 24, 12) + 'q9';
    const oldPath = join(work, 'tmp', 'secret-sweep-proj-replacements.txt');
    // Another user's file at the predictable name, and a link from it to a file of theirs.
    const planted = join(work, 'attacker.txt');
    writeFileSync(planted, 'mine\n');
    symlinkSync(planted, oldPath);
    const files = report(repo('a'), value);
    expect(files.replacements).not.toBe(oldPath);
    expect(readFileSync(planted, 'utf8')).toBe('mine\n');
    expect(lstatSync(oldPath).isSymbolicLink()).toBe(true);

    rmSync(oldPath);
    writeFileSync(oldPath, 'planted\n', { mode: 0o666 });
    const again = report(repo('b'), value);
    expect(again.replacements).not.toBe(oldPath);
    expect(readFileSync(oldPath, 'utf8')).toBe('planted\n');
  });

  it('two repositories with the same folder name get different files, each with its own values', () => {
    const v1 = randomString(ALNUM, 24, 13) + 'q9';
    const v2 = randomString(ALNUM, 24, 14) + 'q9';
    const a = report(repo('a'), v1);
    const b = report(repo('b'), v2);
    expect(a.replacements).not.toBe(b.replacements);
    expect(readFileSync(a.replacements, 'utf8')).toContain(v1);
    expect(readFileSync(b.replacements, 'utf8')).toContain(v2);
    expect(readFileSync(a.replacements, 'utf8')).not.toContain(v2);
    // A second run of the same repository does not reuse the first run's file either.
    const a2 = report(repo('a'), v1);
    expect(a2.replacements).not.toBe(a.replacements);
    expect(existsSync(a.replacements)).toBe(true);
  });

  it('holds each value as Python writes it in JSON, URLs, HTML and base64 (python3 itself writes them here)', () => {
    // Non-ASCII, a quote of each kind, a slash, & and <: every escape these encoders make.
    const value = 'p\u00e4ss' + randomString(ALNUM, 8, 13) + `"'/&<` + '\u00fc';
    const py = 'import json,sys,urllib.parse,html,base64; v=sys.argv[1]; print("\\n".join([json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1],'
      + ' urllib.parse.quote(v, safe=""), urllib.parse.quote(v), html.escape(v), base64.b64encode(v.encode()).decode().rstrip("=")]))';
    const written = execFileSync('python3', ['-c', py, value], { encoding: 'utf8' }).trimEnd().split('\n');
    const forms = encodedForms(value);
    expect(written.filter((w) => !forms.has(w))).toEqual([]);
  });

  it.skipIf(spawnSync('git', ['filter-repo', '--version'], { stdio: 'ignore' }).status !== 0)(
    'every line is one git filter-repo reads as meant: values of any printable characters leave no form behind', () => {
      // Any printable character (quotes, backslash, $, %, =, >, space, non-ASCII), and `==>` itself.
      const alphabet = ALNUM + `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~ ` + '\u00e4';
      const vals = Array.from({ length: 12 }, (_, i) => randomString(alphabet, 6 + ((i * 7) % 25), 100 + i));
      vals.push('ab==>' + randomString(ALNUM, 12, 99), randomString(ALNUM, 9, 98));
      const plan: Plan = { ...planWith('x').plan, secrets: vals.map((v, i) => ({ ...planWith(v).plan.secrets[0]!, name: `prod/app/s${i}` })) };
      const values: PlanValues = new Map(vals.map((v, i) => [valueKey(`prod/app/s${i}`, 'password'), { value: v, raw: [v] }]));
      const file = join(work, 'replacements.txt');
      writeFileSync(file, replacementLines(values, plan).join('\n') + '\n');
      const dir = join(work, 'r');
      mkdirSync(dir);
      const g = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' });
      g('init', '-q');
      // Each value between delimiters, in each of its forms; a short one also inside a longer word.
      const text = vals.flatMap((v) => [...encodedForms(v)].map((f) => `k = ${f};`)).join('\n') + `\ncheck_${vals.at(-1)}_ok\n`;
      writeFileSync(join(dir, 'all.txt'), text);
      g('add', '-A');
      g('commit', '-qm', 'x');
      g('filter-repo', '--force', '--quiet', '--replace-text', file);
      const after = g('show', 'HEAD:all.txt').toString();
      const left = vals.flatMap((v) => [...encodedForms(v)]).filter((f) => after.includes(`= ${f};`));
      expect(left).toEqual([]);
      expect(after).toContain(`check_${vals.at(-1)}_ok`);
    });
});
