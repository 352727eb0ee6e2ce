/**
 * Property (issue 13, defect 4): the value migrate stores equals, byte for byte, the value the original
 * program read, and the rewritten program reads it back.
 *
 * Random values over the characters real secrets hold (`^ % @ ! $ # & ( ) = + - / \ ' " { } ~` and
 * backtick, non-ASCII, URL-encoded sequences) are written in every syntax a rewriter handles: Python
 * (double, single, raw, f-, escaped), JS (single, double, template, escaped), JSON, YAML (plain, single-
 * and double-quoted), .env (unquoted, single-, double-quoted), shell (single-, double-quoted, escaped
 * word) and a connection URI (percent-encoded password); and a PEM private key in multi-line and escaped
 * literals (Python triple-quoted and escaped, JS template and escaped, JSON, YAML block scalars, .env
 * double-quoted over several lines and with \n escapes). Each value starts with a few letters so the
 * generic password rule finds it, and stops wherever its character class says (often inside the value:
 * that is the defect). One repository per fast-check run, one file per case, migrated once against the
 * local Secrets Manager server. The original program's value is read with the real runtime
 * (/usr/bin/python3, python-dotenv, node, the `yaml` package, sh), the rewritten one the same way
 * (references resolved from the vault; the Node package's declared dependencies installed, as `npm ci` would).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';
import { installDeclaredDeps } from '../support/npm-ci.js';

const PYTHON = '/usr/bin/python3';
const havePython = spawnSync(PYTHON, ['-c', 'import boto3, dotenv'], { encoding: 'utf8' }).status === 0;
// Two repositories by default (the first two of seed 1313; CI time), more with VALUE_PROPERTY_RUNS.
const RUNS = Number(process.env.VALUE_PROPERTY_RUNS ?? 2);
const VALUES_PER_RUN = Number(process.env.VALUE_PROPERTY_VALUES ?? 12);

const HEAD = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const SPECIAL = ['^', '%', '@', '!', '$', '#', '&', '(', ')', '=', '+', '-', '/', '\\', "'", '"', '{', '}', '~', '`', 'é', 'ü', '日', '€', '%40', '%2F', '%25'];

/** A secret: 8 letters/digits (so the rule sees it), then a random mix with at least 3 special characters. */
const secretArb = fc.tuple(
  fc.array(fc.constantFrom(...HEAD), { minLength: 8, maxLength: 8 }),
  fc.array(fc.oneof(fc.constantFrom(...HEAD), fc.constantFrom(...SPECIAL)), { minLength: 6, maxLength: 24 }),
  fc.array(fc.constantFrom(...SPECIAL), { minLength: 3, maxLength: 3 }),
).map(([h, mix, sp]) => {
  const tail = [...mix];
  sp.forEach((c, i) => tail.splice((i * 7) % (tail.length + 1), 0, c));
  return h.join('') + tail.join('') + 'Z9';
});

interface Form {
  id: string;
  file: string;
  /** The file text holding `v`, or undefined when this form cannot hold it. */
  write: (v: string) => string | undefined;
  /** `v` is a PEM private key (with its final newline) instead of a password. */
  pem?: true;
  /** What the program reads, when not `v` itself. */
  reads?: (v: string) => string;
}

const pyEsc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const jsEsc = (v: string, q: string) => v.replace(/\\/g, '\\\\').split(q).join('\\' + q).replace(/\n/g, '\\n');
const shDq = (v: string) => v.replace(/[\\$`"]/g, (c) => '\\' + c);

const FORMS: Form[] = [
  { id: 'py-double', file: 'py/%.py', write: (v) => `PASSWORD = "${pyEsc(v)}"\n` },
  { id: 'py-single', file: 'py/%.py', write: (v) => `PASSWORD = '${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'\n` },
  { id: 'py-raw', file: 'py/%.py', write: (v) => (v.includes('"') || v.endsWith('\\') || /\\"/.test(v) ? undefined : `PASSWORD = r"${v}"\n`) },
  { id: 'py-f', file: 'py/%.py', write: (v) => `PASSWORD = f"${pyEsc(v).replace(/[{}]/g, (c) => c + c)}"\n` },
  {
    id: 'py-escaped', file: 'py/%.py',
    write: (v) => `PASSWORD = "${[...v].map((c) => (/[A-Za-z0-9]/.test(c) ? c : c.codePointAt(0)! < 256 ? `\\x${c.codePointAt(0)!.toString(16).padStart(2, '0')}` : `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)).join('')}"\n`,
  },
  { id: 'js-single', file: 'js/%.js', write: (v) => `const password = '${jsEsc(v, "'")}';\nmodule.exports = { password };\n` },
  { id: 'js-double', file: 'js/%.js', write: (v) => `const password = "${jsEsc(v, '"')}";\nmodule.exports = { password };\n` },
  { id: 'js-template', file: 'js/%.js', write: (v) => `const password = \`${jsEsc(v, '`').replace(/\$\{/g, '\\${')}\`;\nmodule.exports = { password };\n` },
  {
    id: 'js-escaped', file: 'js/%.js',
    write: (v) => `const password = '${[...v].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`)).join('')}';\nmodule.exports = { password };\n`,
  },
  { id: 'json', file: 'conf/%.json', write: (v) => `{\n  "password": ${JSON.stringify(v)}\n}\n` },
  { id: 'yaml-double', file: 'conf/%.yaml', write: (v) => `password: ${JSON.stringify(v)}\n` },
  { id: 'yaml-single', file: 'conf/%.yaml', write: (v) => `password: '${v.replace(/'/g, "''")}'\n` },
  {
    id: 'yaml-plain', file: 'conf/%.yaml',
    write: (v) => {
      const t = `password: ${v}\n`;
      try {
        return YAML.parse(t)?.password === v ? t : undefined;
      } catch {
        return undefined;
      }
    },
  },
  { id: 'env-unquoted', file: 'env/%/.env', write: (v) => (/[\s'"#\\]|\$\{/.test(v) ? undefined : `PASSWORD=${v}\n`) },
  { id: 'env-single', file: 'env/%/.env', write: (v) => `PASSWORD='${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'\n` },
  { id: 'env-double', file: 'env/%/.env', write: (v) => (/\$\{/.test(v) ? undefined : `PASSWORD="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"\n`) },
  { id: 'sh-single', file: 'sh/%.sh', write: (v) => (v.includes("'") ? undefined : `export PGPASSWORD='${v}'\n`) },
  { id: 'sh-double', file: 'sh/%.sh', write: (v) => `export PGPASSWORD="${shDq(v)}"\n` },
  // Multi-line literals holding a PEM key (issue 13 follow-up): decoded as their reader does, and rewritten.
  { id: 'py-triple-pem', file: 'py/%.py', pem: true, write: (v) => `PASSWORD = """${v}"""\n` },
  { id: 'py-triple-pem-lead', file: 'py/%.py', pem: true, write: (v) => `PASSWORD = '''\n${v}'''\n`, reads: (v) => '\n' + v },
  { id: 'py-escaped-pem', file: 'py/%.py', pem: true, write: (v) => `PASSWORD = "${pyEsc(v)}"\n` },
  { id: 'js-template-pem', file: 'js/%.js', pem: true, write: (v) => `const password = \`${v}\`;\nmodule.exports = { password };\n` },
  { id: 'js-escaped-pem', file: 'js/%.js', pem: true, write: (v) => `const password = '${jsEsc(v, "'")}';\nmodule.exports = { password };\n` },
  { id: 'json-pem', file: 'conf/%.json', pem: true, write: (v) => `{\n  "password": ${JSON.stringify(v)}\n}\n` },
  { id: 'yaml-block-pem', file: 'conf/%.yaml', pem: true, write: (v) => `password: |\n${v.replace(/^(?=.)/gm, '  ')}` },
  { id: 'yaml-block-strip-pem', file: 'conf/%.yaml', pem: true, write: (v) => `password: |-\n${v.replace(/^(?=.)/gm, '    ')}other: 1\n`, reads: (v) => v.replace(/\n$/, '') },
  { id: 'env-double-pem', file: 'env/%/.env', pem: true, write: (v) => `PASSWORD="${v}"\n` },
  { id: 'env-escaped-pem', file: 'env/%/.env', pem: true, write: (v) => `PASSWORD="${v.replace(/\n/g, '\\n')}"\n` },
  {
    id: 'uri', file: 'py/%.py',
    write: (v) => `from urllib.parse import unquote, urlsplit\nDATABASE_URL = "postgresql://etl:${encodeURIComponent(v).replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}@db.internal.example:5432/warehouse"\nPASSWORD = unquote(urlsplit(DATABASE_URL).password)\n`,
  },
];

/**
 * Forms whose reader is known and whose literal is replaced whole: never left manual (escapes and
 * multi-line literals are decoded for storage the way the reader does, then the literal is replaced).
 */
const REWRITTEN = new Set([
  'py-double', 'py-single', 'py-escaped', 'js-single', 'js-double', 'js-escaped', 'env-double', 'uri',
  'py-triple-pem', 'py-triple-pem-lead', 'py-escaped-pem', 'js-template-pem', 'js-escaped-pem', 'env-double-pem', 'env-escaped-pem',
]);

interface Case {
  id: string;
  form: Form;
  file: string;
  value: string;
}

/** Python: each module's PASSWORD (run as a script from its folder); .env: python-dotenv. */
const PY_READER = `import json, os, runpy, sys
from dotenv import dotenv_values
out = {}
for f in sys.argv[1:]:
    if f.endswith(".env"):
        v = dotenv_values(f).get("PASSWORD")
        if v and v.startswith("sm://"):
            # What \`secret-sweep run\` does with an sm://NAME#KEY reference.
            import boto3
            name, _, key = v[5:].partition("#")
            s = boto3.client("secretsmanager", endpoint_url=os.environ.get("AWS_ENDPOINT_URL")).get_secret_value(SecretId=name)["SecretString"]
            v = json.loads(s)[key] if key else s
        out[f] = v
        continue
    sys.path.insert(0, os.path.dirname(os.path.abspath(f)))
    out[f] = runpy.run_path(f, run_name="__main__").get("PASSWORD")
    sys.path.pop(0)
    for m in [m for m in sys.modules if m.startswith("secret_sweep_secrets")]:
        del sys.modules[m]
print(json.dumps(out))
`;

/** Node: CJS modules' password; JSON/YAML: the parsed value, `\${VAR}` expanded from the environment. */
const JS_READER = `const path = require('node:path');
const fs = require('node:fs');
const YAML = require(process.env.YAML_LIB);
const out = {};
const expand = (v) => (typeof v === 'string' ? v.replace(/\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}/g, (m, n) => (n in process.env ? process.env[n] : m)) : v);
for (const f of process.argv.slice(1)) {
  if (f.endsWith('.js')) out[f] = require(path.resolve(f)).password;
  else if (f.endsWith('.json')) out[f] = expand(JSON.parse(fs.readFileSync(f, 'utf8')).password);
  else out[f] = expand(YAML.parse(fs.readFileSync(f, 'utf8')).password);
}
process.stdout.write(JSON.stringify(out));
`;

let srv: SmServer;
const dirs: string[] = [];
let ran = 0;
const tally = { stored: 0, manual: 0, readBack: 0, notFound: 0 };
/** Per form: cases rewritten and read back / left manual / not found. */
const byForm = new Map<string, { readBack: number; manual: number; notFound: number }>();
const count = (form: string, what: 'readBack' | 'manual' | 'notFound') => {
  const t = byForm.get(form) ?? { readBack: 0, manual: 0, notFound: 0 };
  t[what]++;
  byForm.set(form, t);
};

beforeAll(async () => {
  if (havePython) srv = await startSmServer();
});
afterAll(async () => {
  await srv?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (ran) console.log(`value property: ${ran} case(s) in ${RUNS} repositories: ${tally.stored} stored exactly (${tally.readBack} rewritten and read back, ${tally.manual} left in place as manual), ${tally.notFound} not found by any rule`);
  if (ran) console.log(`per form (read back/manual/not found): ${[...byForm].map(([f, t]) => `${f} ${t.readBack}/${t.manual}/${t.notFound}`).join(', ')}`);
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' });

/** Reads each file's value with the real runtimes (async: the Secrets Manager server runs in this process). */
async function readAll(root: string, files: string[], env: Record<string, string>, wrapped: boolean): Promise<Record<string, unknown>> {
  const py = files.filter((f) => f.endsWith('.py') || f.endsWith('.env'));
  const js = files.filter((f) => !py.includes(f) && !f.endsWith('.sh'));
  const sh = files.filter((f) => f.endsWith('.sh'));
  const wrap = (cmd: string, args: string[]): [string, string[]] => (wrapped ? [process.execPath, [BIN, 'run', '--', cmd, ...args]] : [cmd, args]);
  const run = async (cmd: string, args: string[]) => {
    const [c, a] = wrap(cmd, args);
    // Generous: each CommonJS module's getSecretSync starts a process, slow on a loaded 2-core machine.
    const r = await runAsync(c, a, { cwd: root, env, killAfterMs: 400_000 });
    if (r.code !== 0) throw new Error(`${cmd} failed (${r.signal ? `killed by ${r.signal} after ${Math.round(r.ms / 1000)} s` : `exit ${r.code}`}): ${(r.stderr || '').split('\n').filter(Boolean).slice(-3).join(' | ')}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const out: Record<string, unknown> = {};
  if (py.length) Object.assign(out, await run(PYTHON, ['-c', PY_READER, ...py]));
  if (js.length) Object.assign(out, await run(process.execPath, ['-e', JS_READER, ...js]));
  for (const f of sh) {
    const r = await runAsync('sh', ['-c', '. "./$1" && printf %s "$PGPASSWORD"', 'sh', f], { cwd: root, env, killAfterMs: 60_000 });
    out[f] = r.code === 0 ? r.stdout : `<sh failed: ${r.stderr.trim().split('\n').pop()}>`;
  }
  return out;
}

describe.skipIf(!havePython)('migrate stores exactly the value the program read, in every syntax', () => {
  it('random values x every form: stored = original read; rewritten program reads it back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(secretArb, { minLength: VALUES_PER_RUN, maxLength: VALUES_PER_RUN }), async (values) => {
        const root = mkdtempSync(join(tmpdir(), 'ss-values-'));
        dirs.push(root);
        const cases: Case[] = [];
        values.forEach((secret, vi) => {
          for (const form of FORMS) {
            // A key of its own per case: one value in two files would be stored once, hiding a form's result.
            const v = form.pem ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() : secret;
            const text = form.write(v);
            if (text === undefined) continue;
            const id = `${form.id}-${vi}`;
            const file = form.file.replace('%', id.replace(/-/g, '_'));
            mkdirSync(dirname(join(root, file)), { recursive: true });
            writeFileSync(join(root, file), text);
            cases.push({ id, form, file, value: form.reads ? form.reads(v) : v });
          }
        });
        writeFileSync(join(root, 'js', 'package.json'), '{"name":"js","version":"1.0.0","private":true}\n');
        git(root, 'init', '-q');
        git(root, 'add', '-A');
        git(root, 'commit', '-qm', 'legacy');

        // The original programs read exactly the generated values (checks the forms themselves).
        const files = cases.map((c) => c.file);
        const env = { ...TEST_AWS_ENV, AWS_DEFAULT_REGION: TEST_AWS_ENV.AWS_REGION, AWS_ENDPOINT_URL: srv.endpoint, YAML_LIB: createRequire(import.meta.url).resolve('yaml'), PYTHONDONTWRITEBYTECODE: '1' };
        const before = await readAll(root, files, env, false);
        for (const c of cases) expect(before[c.file], `${c.id}: the original program's value`).toBe(c.value);

        // One app per repository: they share the vault.
        const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', `vals${dirs.length}`, '--env', 'prod', '--apply', '--yes', '--concurrency', '16'], { cwd: root, env });
        expect(m.code, m.stderr.split('\n').slice(-3).join('\n')).toBe(0);
        const report = JSON.parse(readFileSync(join(root, 'secret-sweep-migration.json'), 'utf8')) as {
          secrets: Array<{ name: string; values: Array<{ key: string; locations: Array<{ file: string }> }> }>;
          manual: Array<{ file: string; reason?: string }>;
        };
        const storedAt = new Map<string, string>();
        for (const s of report.secrets) {
          const cur = [...srv.state.get(s.name)!.versions.values()].find((v) => v.stages.has('AWSCURRENT'))!.string!;
          const obj = JSON.parse(cur) as Record<string, unknown>;
          for (const v of s.values) for (const l of v.locations) storedAt.set(l.file, String(obj[v.key]));
        }
        const manual = new Set(report.manual.map((x) => x.file));
        for (const c of cases) {
          const got = storedAt.get(c.file);
          if (got === undefined) {
            tally.notFound++;
            count(c.form.id, 'notFound');
            continue;
          }
          // Byte for byte (a mismatch message names the case and lengths, never the value).
          expect(got === c.value, `${c.id}: stored ${got.length} characters, the program read ${c.value.length}`).toBe(true);
          tally.stored++;
          if (manual.has(c.file)) tally.manual++;
          else tally.readBack++;
          count(c.form.id, manual.has(c.file) ? 'manual' : 'readBack');
          // A double-quoted .env value with escapes other than \n reads differently in python-dotenv and in
          // Node's readers: manual (test/migrate/exact-values-e2e.test.ts).
          const readersDiffer = c.form.id === 'env-double' && /["\\]/.test(c.value);
          if (REWRITTEN.has(c.form.id) && !readersDiffer) expect(manual.has(c.file), `${c.id}: left manual (${report.manual.find((x) => x.file === c.file)?.reason})`).toBe(false);
        }
        ran += cases.length;

        // Deployed: `npm ci` installs what js/package.json now declares (the helper's SDK).
        installDeclaredDeps(join(root, 'js'));
        // The rewritten programs read the same values back (helpers and references resolved from the vault).
        const after = await readAll(root, files.filter((f) => storedAt.has(f)), env, true);
        for (const c of cases) {
          if (!storedAt.has(c.file)) continue;
          expect(after[c.file] === c.value, `${c.id}: the rewritten program reads ${String(after[c.file]).length} characters, the original ${c.value.length}`).toBe(true);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.VALUE_PROPERTY_SEED ?? 1313), endOnFailure: true },
    );
  }, 1_500_000);
});
