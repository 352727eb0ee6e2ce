/**
 * The .env rewriter (fixture pairs) and the reference syntax `secret-sweep run` resolves.
 */
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../../src/migrate/rewrite/fixer.js';
import { DotenvRewriter } from '../../../src/migrate/rewrite/dotenv.js';
import { parseEnvText, referencesIn, resolveEnv, RunEnvError } from '../../../src/migrate/run-env.js';
import { SweepError } from '../../../src/errors.js';
import { composeInterpolationReason } from '../../../src/migrate/rewrite/compose-dotenv.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedOrUpdate, loadCases } from './rewrite-cases.js';

const rw = new DotenvRewriter();
const cases = loadCases('env-');

describe('.env rewriter fixture pairs', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(rw.appliesTo(c.file)).toBe(true);
      const res = rw.rewrite({ file: c.file, text: c.input, sites: c.sites, backend: c.backend });
      const out = applyEdits(c.input, res.edits, c.file);
      const expected = expectedOrUpdate(c, out);
      expect(expected, `${c.name}: no expected file`).toBeDefined();
      expect(out).toBe(expected);
      expect(res.unhandled.length).toBe(c.unhandled);
      if (res.edits.length === 0) expect(out).toBe(c.input);
    });
  }
  it('the references it writes are what run resolves', () => {
    const c = cases.find((x) => x.name === 'env-basic')!;
    const lines = parseEnvText(c.expected!);
    const byKey = Object.fromEntries(lines.map((l) => [l.key, l.value]));
    expect(byKey.DB_PASSWORD).toBe('sm://prod/etl/db#password');
    expect(byKey.API_TOKEN).toBe('sm://prod/etl/api#token');
    expect(referencesIn(byKey.DATABASE_URL!)).toEqual([{ secretName: 'prod/etl/db', jsonKey: 'password' }]);
  });
  it('knows which files are .env files', () => {
    for (const f of ['.env', 'app/.env', '.env.production', 'config/prod.env']) expect(rw.appliesTo(f)).toBe(true);
    for (const f of ['.env.example', 'env.py', 'environment.yml']) expect(rw.appliesTo(f)).toBe(false);
  });
  it('a percent-encoded URL password stays, and the suggestion keeps the URL (not a reference in its place)', () => {
    const pw = 'Pw' + 'x%23y%26z' + '9';
    const text = `DATABASE_URL=postgres://app:${pw}@db:5432/app\nTOKEN=whole-value-1\n`; // secret-sweep:allow (a stand-in value)
    const col = text.indexOf(pw) + 1;
    const site = { file: '.env', line: 1, column: col, endLine: 1, endColumn: col + pw.length - 1, fingerprint: 'f', rule: 'postgres-uri-password', kind: 'secret' as const, ref: { secretName: 'prod/app/db', jsonKey: 'password' } };
    const res = rw.rewrite({ file: '.env', text, sites: [site], backend: 'aws' });
    expect(res.edits).toEqual([]);
    expect(res.unhandled.map((u) => u.reason)).toEqual(['a percent-encoded value in a URL']);
    const suggestion = res.unhandled[0]!.suggestion!;
    expect(suggestion).toContain('`DATABASE_URL=sm://prod/app/db-database-url`');
    expect(suggestion).toContain('`DATABASE_URL_PASSWORD=sm://prod/app/db#password`');
    expect(suggestion).not.toMatch(/set the value to sm:/);
  });
  it("a compose .env value with `$`: the containers saw other text only where a compose file names the variable", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-compose-env-'));
    try {
      writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    environment:\n      MAIL_PW: ${MAIL_PW}\n');
      expect(composeInterpolationReason('MAIL_PW=ab$cd9', dir, '.env')).toMatch(/so the containers saw other text than the file holds/);
      expect(composeInterpolationReason('MAIL_PWD=ab$cd9', dir, '.env')).toMatch(/no compose file beside it uses MAIL_PWD, while a program loading the \.env itself/);
      expect(composeInterpolationReason("MAIL_PW='ab$cd9'", dir, '.env')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('leaves the dotenv backend to a human', () => {
    const c = cases.find((x) => x.name === 'env-crlf')!;
    const res = rw.rewrite({ file: c.file, text: c.input, sites: c.sites, backend: 'dotenv' });
    expect(res.edits).toEqual([]);
    expect(res.unhandled.length).toBe(1);
  });
});

describe('.env parsing', () => {
  it('reads quotes, export, comments, escapes and multi-line values', () => {
    const text = '# c\nA=1\nexport B = "x y" # note\nC=\'lit $HOME #x\'\nD=plain value # comment\nE="l1\\nl2"\nF="multi\nline"\nG=a#b\n\nbad line\n';
    const got = Object.fromEntries(parseEnvText(text).map((l) => [l.key, l.value]));
    expect(got).toEqual({ A: '1', B: 'x y', C: 'lit $HOME #x', D: 'plain value', E: 'l1\nl2', F: 'multi\nline', G: 'a#b' });
    expect(parseEnvText(text).find((l) => l.key === 'G')!.line).toBe(9);
  });
  it('reads quoted escapes as python-dotenv does (what `run` hands a program that loads the same file)', () => {
    const text = "S='a\\\\b\\'c'\nT=\"a\\'b\\vc\\qd\\\"e\"\nU=next\n";
    const got = Object.fromEntries(parseEnvText(text).map((l) => [l.key, l.value]));
    expect(got).toEqual({ S: "a\\b'c", T: "a'b\vc\\qd\"e", U: 'next' });
  });
});

describe('resolveEnv', () => {
  const secrets: Record<string, string> = {
    'prod/etl/db': JSON.stringify({ username: 'etl', password: 'pw-' + 'abc', port: 5432 }),
    'prod/etl/plain': 'just-text',
  };
  const calls: string[] = [];
  const fetch = async (name: string) => {
    calls.push(name);
    if (!(name in secrets)) throw new SweepError(`secret ${name} not found (GetSecretValue)`);
    return secrets[name]!;
  };
  it('resolves whole values, templates and plain secrets, each secret once', async () => {
    calls.length = 0;
    const env = await resolveEnv({
      PW: 'sm://prod/etl/db#password', PORT: 'sm://prod/etl/db#port', URL: 'pg://etl:${sm://prod/etl/db#password}@h/db',
      PLAIN: 'sm://prod/etl/plain', OTHER: 'x', NOPE: undefined,
    }, fetch);
    expect(env).toEqual({ PW: 'pw-abc', PORT: '5432', URL: 'pg://etl:pw-abc@h/db', PLAIN: 'just-text', OTHER: 'x' });
    expect(calls.sort()).toEqual(['prod/etl/db', 'prod/etl/plain']);
  });
  it('names the variable and the secret, never the value', async () => {
    await expect(resolveEnv({ X: 'sm://prod/etl/missing#k' }, fetch)).rejects.toThrow(/^X: secret prod\/etl\/missing not found/);
    await expect(resolveEnv({ Y: 'sm://prod/etl/db#nokey' }, fetch)).rejects.toThrow(RunEnvError);
    await expect(resolveEnv({ Y: 'sm://prod/etl/db#nokey' }, fetch)).rejects.toThrow(/^Y: secret prod\/etl\/db has no key "nokey"$/);
    await expect(resolveEnv({ Z: 'sm://prod/etl/plain#k' }, fetch)).rejects.toThrow(/not a JSON object/);
  });
});
