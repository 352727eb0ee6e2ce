/**
 * "Every value is stored exactly and the program reads back the identical value", end to end.
 *
 * Value classes (all made at run time: the project scans itself): real-format credentials from
 * test/support/secret-gen.ts, and adversarial passwords with backslashes and both quotes, `$` / `${X}` /
 * `$$` / `%` / `{}`, `#` `=` `:` `@` `/`, leading and trailing spaces and a tab, non-ASCII (é, an emoji),
 * base64 `==` padding, and a 4096-bit RSA key in PEM (multi-line, ~3.2 KB).
 * Placements: the syntax a real program uses, each a small program that prints sha256 of the value it
 * uses (Python literals of every kind and in kwargs, dicts, class attributes, default arguments, bytes;
 * CommonJS string/template/String.raw literals; .env read by python-dotenv and by Node's own --env-file
 * parser, which differ; a notebook cell; shell assignments), in LF, CRLF and BOM files.
 *
 * For each: the original program's hash H1; `migrate --apply` against the local Secrets Manager; the stored
 * JSON key equals the value the program read, byte for byte; the migration committed, a fresh `git clone`
 * runs the rewritten programs with only PATH and the AWS variables (.env programs under `secret-sweep run`):
 * hash H2 = H1. A case the migrator cannot decode exactly may be left manual, never stored wrong; a
 * placement's mustRewrite classes may not be left manual or skipped (a value no rule reports is the
 * rules' business: 'not found' passes). Values left in a python-dotenv .env must still
 * read the same under `secret-sweep run`, but for one known gap: `run` puts `${X}` into the environment
 * unexpanded where python-dotenv expanded it (reported; the value is in no vault). The matrix is printed
 * with EXACT_TABLE=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runWithEnvOnly, TEST_AWS_ENV } from '../support/cli.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';
import { commitNewRepo, git } from '../support/migrate-bed.js';
import { installDeclaredDeps } from '../support/npm-ci.js';
import { generate, templatesOf } from '../support/secret-gen.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { createDetector } from '../../src/detect/detector.js';
import { secretOf } from '../../src/findings/finding.js';

const PYTHON = '/usr/bin/python3';
const havePython = spawnSync(PYTHON, ['-c', 'import boto3, dotenv'], { encoding: 'utf8' }).status === 0;
const onPath = (cmd: string) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd]).status === 0;
const haveShellTools = onPath('aws') && onPath('jq');

const sha = (v: string | Buffer) => createHash('sha256').update(typeof v === 'string' ? Buffer.from(v, 'utf8') : v).digest('hex');
const pick = (alphabet: string, n: number) => [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
const ALNUM = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const B64 = ALNUM + '+/';
/** 16 random letters/digits: enough for the generic password rule to see a password, whatever follows. */
const head = () => pick(ALNUM, 16);

/** Value classes: name -> a new value. */
function valueClasses(): Record<string, string> {
  const bs = '\\';
  const dq = '"';
  const sq = "'";
  const out: Record<string, string> = {
    plain: head() + pick(ALNUM, 8),
    quotes: head() + bs + dq + sq + 'x' + bs + 'n' + pick(ALNUM, 4) + bs + bs + 'q',
    dollar: head() + '$' + 'X' + '$$' + '%s%%' + '{}' + '{0}' + pick(ALNUM, 4),
    // `${X}` reads as a template placeholder to the detector: found or not, never stored wrong.
    interp: head() + '$' + '{X}' + pick(ALNUM, 4),
    punct: head() + '#' + '=' + ':' + '@' + '/' + '?' + '&' + ';' + ' #c' + pick(ALNUM, 4),
    spaces: head() + ' a\tb ' + pick(ALNUM, 4) + '  ',
    'lead-space': '  ' + head() + pick(ALNUM, 4),
    backslash: head() + bs + 'x' + bs + bs + 'n' + bs + 't' + pick(ALNUM, 4),
    unicode: head() + '\u00e9' + '\u{1F600}' + '\u00fc\u65e5' + pick(ALNUM, 4),
    b64pad: head() + pick(B64, 22) + '==',
    pem: generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  // Real formats: one generated secret per rule, for a few rules whose secret fits on one line.
  const rules = loadBuiltinRules();
  for (const id of REAL_RULES) {
    const t = templatesOf(rules.filter((r) => r.id === id))[0];
    if (!t) throw new Error(`no template for rule ${id}`);
    const det = createDetector([t.rule]);
    for (let k = 0; k < 20; k++) {
      const g = generate(t, randomBytes(512));
      if (det.detect({ text: g.text, provenance: { kind: 'file', path: t.path ?? 'x.txt' } }).some((f) => secretOf(f) === g.secret) && !/\s/.test(g.secret)) {
        out[`real:${id}`] = g.secret;
        break;
      }
    }
    if (!out[`real:${id}`]) throw new Error(`no generated secret for ${id}`);
  }
  return out;
}
const REAL_RULES = ['github-pat-classic', 'stripe-secret-key', 'slack-bot-token', 'aws-secret-access-key'];

type Runner = 'py' | 'js' | 'nb' | 'env-py' | 'env-node' | 'sh';

interface Placement {
  id: string;
  runner: Runner;
  /** The file (relative to the runner's folder), `%` = the case id. */
  file: string;
  /** The file text for `v`, or undefined when this syntax cannot hold `v` the way programs write it. */
  write: (v: string) => string | undefined;
  /** Must be rewritten (never left manual) for values in these classes ('*': all). */
  mustRewrite?: (cls: string) => boolean;
}

/**
 * Classes the scanner does not report as a password (a `${X}` placeholder, spaces): checked never to be
 * stored wrong, not required to be rewritten.
 */
const UNREPORTED = /^(interp|spaces|lead-space)$/;
const always = (c: string) => !UNREPORTED.test(c);
const noPem = (c: string) => c !== 'pem' && always(c);

// --- Python literal writers
const pyQuote = (v: string, q: string) => v.replace(/\\/g, '\\\\').split(q).join('\\' + q).replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const pyD = (v: string) => `"${pyQuote(v, '"')}"`;
const pyS = (v: string) => `'${pyQuote(v, "'")}'`;
const cps = (v: string) => [...v];
const pyEsc = (v: string) => `"${cps(v).map((c) => {
  if (/[A-Za-z0-9]/.test(c)) return c;
  const n = c.codePointAt(0)!;
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : n < 0x10000 ? `\\u${n.toString(16).padStart(4, '0')}` : `\\U${n.toString(16).padStart(8, '0')}`;
}).join('')}"`;
const pyBytes = (v: string) => `b"${[...Buffer.from(v, 'utf8')].map((b) => (/[A-Za-z0-9 #=:@/?&;%{}$'-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')}"`;
const PY_H = 'import hashlib\n\ndef h(x):\n    print(hashlib.sha256(x if isinstance(x, bytes) else x.encode("utf-8")).hexdigest())\n\n\n';
const py = (body: string | undefined) => (body === undefined ? undefined : PY_H + body);
const crlf = (t: string | undefined) => t?.replace(/\n/g, '\r\n');
const bom = (t: string | undefined) => (t === undefined ? undefined : '\ufeff' + t);

// --- JS writers
const jsQuote = (v: string, q: string) => v.replace(/\\/g, '\\\\').split(q).join('\\' + q).replace(/\n/g, '\\n').replace(/\r/g, '\\r');
// ES modules (the package is "type": "module": the rewritten code awaits the helper in process); one
// CommonJS placement (.cjs: the helper's synchronous fetch, a child process per secret).
const JS_H = "import { createHash } from 'node:crypto';\nconst h = (x) => console.log(createHash('sha256').update(x, 'utf8').digest('hex'));\n";
const CJS_H = "const { createHash } = require('node:crypto');\nconst h = (x) => console.log(createHash('sha256').update(x, 'utf8').digest('hex'));\n";
const js = (expr: string | undefined, head = JS_H) => (expr === undefined ? undefined : `${head}const password = ${expr};\nh(password);\n`);

// --- .env writers (the two readers differ: Node's parser has no escapes but \n in double quotes, and
// a `#` anywhere in an unquoted value starts a comment)
const envLine = (name: string, v: string, form: string, reader: 'py' | 'node'): string | undefined => {
  const edgeSpace = /^\s|\s$/.test(v);
  switch (form) {
    case 'unquoted':
      if (edgeSpace || /\t/.test(v) || /^['"`]/.test(v) || /[\n\\]/.test(v) || (reader === 'py' ? /\s#/.test(v) : /#/.test(v))) return undefined;
      return `${name}=${v}`;
    case 'single':
      if (reader === 'node') return /['\n]/.test(v) ? undefined : `${name}='${v}'`;
      return v.includes('\n') ? undefined : `${name}='${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'double':
      if (reader === 'node') return /["]|\\n/.test(v) ? undefined : `${name}="${v.replace(/\n/g, '\\n')}"`;
      return `${name}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
    case 'double-multiline':
      if (!v.includes('\n') || /["\\]/.test(v)) return undefined;
      return `${name}="${v}"`;
    case 'export-comment':
      if (reader === 'node') return /['\n]/.test(v) ? undefined : `export ${name}='${v}' # rotated yearly`;
      return v.includes('\n') ? undefined : `export ${name}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"  # rotated yearly`;
    default:
      throw new Error(form);
  }
};

/** What the reader makes of the value written by envLine: python-dotenv expands `${X}` (unset here) in every form. */
const envReads = (v: string, reader: 'py' | 'node') => (reader === 'py' ? v.replace(/\$\{X\}/g, '') : v);

// --- shell
const shDq = (v: string) => v.replace(/[\\$`"]/g, (c) => '\\' + c);

const PLACEMENTS: Placement[] = [
  { id: 'py-double', runner: 'py', file: '%.py', write: (v) => py(`PASSWORD = ${pyD(v)}\nh(PASSWORD)\n`), mustRewrite: always },
  { id: 'py-single', runner: 'py', file: '%.py', write: (v) => py(`PASSWORD = ${pyS(v)}\nh(PASSWORD)\n`), mustRewrite: always },
  { id: 'py-raw', runner: 'py', file: '%.py', write: (v) => (/["\n]|\\$/.test(v) ? undefined : py(`PASSWORD = r"${v}"\nh(PASSWORD)\n`)) },
  { id: 'py-triple', runner: 'py', file: '%.py', write: (v) => (/\\|"/.test(v) ? undefined : py(`PASSWORD = """${v}"""\nh(PASSWORD)\n`)) },
  { id: 'py-escapes', runner: 'py', file: '%.py', write: (v) => py(`PASSWORD = ${pyEsc(v)}\nh(PASSWORD)\n`) },
  { id: 'py-concat', runner: 'py', file: '%.py', write: (v) => (v.includes('\n') ? undefined : py(`PASSWORD = ${pyD(cps(v).slice(0, 18).join(''))} ${pyD(cps(v).slice(18).join(''))}\nh(PASSWORD)\n`)) },
  { id: 'py-concat-paren', runner: 'py', file: '%.py', write: (v) => (v.includes('\n') ? undefined : py(`PASSWORD = (\n    ${pyD(cps(v).slice(0, 18).join(''))}\n    ${pyD(cps(v).slice(18).join(''))}\n)\nh(PASSWORD)\n`)) },
  { id: 'py-bytes', runner: 'py', file: '%.py', write: (v) => (v.includes('\n') ? undefined : py(`PASSWORD = ${pyBytes(v)}\nh(PASSWORD)\n`)) },
  { id: 'py-fstring', runner: 'py', file: '%.py', write: (v) => py(`PASSWORD = f${pyD(v).replace(/[{}]/g, (c) => c + c)}\nh(PASSWORD)\n`) },
  { id: 'py-kwargs', runner: 'py', file: '%.py', write: (v) => py(`def connect(**kw):\n    h(kw["password"])\n\n\nconnect(host="db.internal", password=${pyD(v)})\n`), mustRewrite: noPem },
  { id: 'py-dict', runner: 'py', file: '%.py', write: (v) => py(`CONFIG = {"user": "app", "password": ${pyD(v)}}\nh(CONFIG["password"])\n`), mustRewrite: noPem },
  { id: 'py-class', runner: 'py', file: '%.py', write: (v) => py(`class Settings:\n    password = ${pyD(v)}\n\n\nh(Settings.password)\n`), mustRewrite: noPem },
  { id: 'py-default-arg', runner: 'py', file: '%.py', write: (v) => py(`def connect(password=${pyD(v)}):\n    h(password)\n\n\nconnect()\n`) },
  { id: 'py-crlf', runner: 'py', file: '%.py', write: (v) => crlf(py(`PASSWORD = ${pyD(v)}\nh(PASSWORD)\n`)), mustRewrite: always },
  { id: 'py-bom', runner: 'py', file: '%.py', write: (v) => bom(py(`PASSWORD = ${pyD(v)}\nh(PASSWORD)\n`)), mustRewrite: always },
  { id: 'js-single', runner: 'js', file: '%.js', write: (v) => js(`'${jsQuote(v, "'")}'`), mustRewrite: always },
  { id: 'js-double', runner: 'js', file: '%.js', write: (v) => js(`"${jsQuote(v, '"')}"`), mustRewrite: always },
  { id: 'js-template', runner: 'js', file: '%.js', write: (v) => js(`\`${v.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``) },
  { id: 'js-escapes', runner: 'js', file: '%.js', write: (v) => js(`'${cps(v).map((c) => (/[A-Za-z0-9]/.test(c) ? c : c.codePointAt(0)! < 0x100 ? `\\x${c.codePointAt(0)!.toString(16).padStart(2, '0')}` : c.codePointAt(0)! < 0x10000 ? `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}` : `\\u{${c.codePointAt(0)!.toString(16)}}`)).join('')}'`), mustRewrite: noPem },
  { id: 'js-string-raw', runner: 'js', file: '%.js', write: (v) => (/`|\$\{|\\$|\n/.test(v) ? undefined : js(`String.raw\`${v}\``)) },
  { id: 'js-object', runner: 'js', file: '%.js', write: (v) => `${JS_H}const config = { user: 'app', password: '${jsQuote(v, "'")}' };\nh(config.password);\n`, mustRewrite: noPem },
  { id: 'js-cjs', runner: 'js', file: '%.cjs', write: (v) => js(`'${jsQuote(v, "'")}'`, CJS_H), mustRewrite: always },
  { id: 'js-crlf', runner: 'js', file: '%.js', write: (v) => crlf(js(`'${jsQuote(v, "'")}'`)), mustRewrite: always },
  { id: 'js-bom', runner: 'js', file: '%.js', write: (v) => bom(js(`'${jsQuote(v, "'")}'`)), mustRewrite: always },
  { id: 'nb-cell', runner: 'nb', file: '%.ipynb', write: (v) => notebook([`import hashlib\nPASSWORD = ${pyD(v)}`, 'print(hashlib.sha256(PASSWORD.encode("utf-8")).hexdigest())']) },
];
/** .env forms × the two readers × LF/CRLF/BOM files: one .env per (reader, file kind) holding every (form, class) as its own variable. */
const ENV_FORMS = ['unquoted', 'single', 'double', 'double-multiline', 'export-comment'];
const ENV_FILES = { py: ['lf', 'crlf', 'bom'], node: ['lf', 'crlf'] } as const;
/** Shell scripts: one per form, every class its own variable (each read back with one `aws` call). */
const SH_FORMS: Record<string, (name: string, v: string) => string | undefined> = {
  'sh-single': (n, v) => (v.includes("'") ? undefined : `export ${n}='${v}'`),
  'sh-double': (n, v) => `export ${n}="${shDq(v)}"`,
};
/** CRLF and BOM files: the classes whose bytes a line ending or a BOM could disturb. */
const FILE_VARIANT_CLASSES = /^(plain|quotes|interp|spaces|unicode|pem)$/;
const SH_CLASSES = /^(plain|quotes|dollar|backslash|unicode|pem)$/;

function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((c) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: c.split(/(?<=\n)/) })),
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1) + '\n';
}

/** Runs every Python program in one interpreter (stdout captured per file), notebooks cell by cell. */
const PY_RUNNER = `import contextlib, io, json, os, runpy, sys
out = {}
for f in sys.argv[1:]:
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            if f.endswith(".ipynb"):
                with open(f, encoding="utf-8") as fh:
                    nb = json.load(fh)
                ns = {"__name__": "__main__"}
                sys.path.insert(0, os.path.dirname(os.path.abspath(f)))
                for c in nb["cells"]:
                    if c["cell_type"] == "code":
                        exec(compile("".join(c["source"]), f, "exec"), ns)
                sys.path.pop(0)
            else:
                sys.path.insert(0, os.path.dirname(os.path.abspath(f)))
                runpy.run_path(f, run_name="__main__")
                sys.path.pop(0)
        out[f] = buf.getvalue().strip()
    except BaseException as e:
        out[f] = "error: " + type(e).__name__ + ": " + str(e).splitlines()[0][:200] if str(e) else "error: " + type(e).__name__
print(json.dumps(out))
`;

/** Every CommonJS program in one process, console.log captured per file. */
const JS_RUNNER = `const path = require('node:path');
const { pathToFileURL } = require('node:url');
(async () => {
  const out = {};
  const log = console.log;
  for (const f of process.argv.slice(1)) {
    const lines = [];
    console.log = (...a) => lines.push(a.join(' '));
    try { await import(pathToFileURL(path.resolve(f)).href); out[f] = lines.join('\\n').trim(); } catch (e) { out[f] = 'error: ' + String(e && e.message || e).split('\\n')[0].slice(0, 200); }
    console.log = log;
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

/** .env programs: print NAME=sha256 for each PW_* variable (python-dotenv's load_dotenv; Node's --env-file). */
const ENV_PY = 'import hashlib, os\nfrom dotenv import load_dotenv\nload_dotenv()\nfor k in sorted(os.environ):\n    if k.startswith("PW_"):\n        print(k + "=" + hashlib.sha256(os.environ[k].encode("utf-8", "surrogateescape")).hexdigest())\n';
const ENV_NODE = "const { createHash } = require('node:crypto');\nfor (const k of Object.keys(process.env).sort()) if (k.startsWith('PW_')) console.log(k + '=' + createHash('sha256').update(process.env[k], 'utf8').digest('hex'));\n";

interface Case {
  id: string;
  placement: string;
  cls: string;
  runner: Runner;
  /** Folder (relative to the repository) and file in it. */
  dir: string;
  file: string;
  /** For .env cases, the variable. */
  envVar?: string;
  value: string;
  mustRewrite: boolean;
}

type Exec = Awaited<ReturnType<typeof runWithEnvOnly>>;
const exec = runWithEnvOnly;

/** Each case's printed hash (or an error text). `wrapEnv`: start .env programs under `secret-sweep run`. */
async function hashes(root: string, cases: Case[], env: Record<string, string>, wrapEnv: boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const t0 = Date.now();
  const lap = (what: string) => process.env.EXACT_TABLE && console.log(`${what}: ${Date.now() - t0} ms`);
  const parse = (r: Exec, what: string) => {
    if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${r.stderr.split('\n').filter(Boolean).slice(-3).join(' | ')}`);
    return JSON.parse(r.stdout) as Record<string, string>;
  };
  const py = cases.filter((c) => c.runner === 'py' || c.runner === 'nb');
  if (py.length) {
    const r = parse(await exec(PYTHON, ['-c', PY_RUNNER, ...py.map((c) => `${c.dir}/${c.file}`)], root, { ...env, PYTHONDONTWRITEBYTECODE: '1' }), 'python');
    for (const c of py) out.set(c.id, r[`${c.dir}/${c.file}`] ?? 'missing');
    lap('python');
  }
  const jsCases = cases.filter((c) => c.runner === 'js');
  if (jsCases.length) {
    const r = parse(await exec(process.execPath, ['-e', JS_RUNNER, ...jsCases.map((c) => `${c.dir}/${c.file}`)], root, env), 'node');
    for (const c of jsCases) out.set(c.id, r[`${c.dir}/${c.file}`] ?? 'missing');
    lap('node');
  }
  const wrap = (cmd: string, args: string[]): [string, string[]] => (wrapEnv ? [process.execPath, [BIN, 'run', '--', cmd, ...args]] : [cmd, args]);
  for (const dir of [...new Set(cases.filter((c) => c.runner.startsWith('env-')).map((c) => c.dir))]) {
    const node = dir.includes('node');
    const [cmd, args] = node ? wrap(process.execPath, ['--env-file=.env', 'read.js']) : wrap(PYTHON, ['read.py']);
    const r = await exec(cmd, args, join(root, dir), env);
    const got = new Map(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    for (const c of cases.filter((x) => x.dir === dir)) out.set(c.id, got.get(c.envVar!) ?? `error: exit ${r.code}: ${r.stderr.split('\n').filter(Boolean).pop() ?? ''}`);
  }
  lap('.env');
  const SH_READ = '. "./$1"; shift; for n; do eval "v=\\${$n}"; printf "%s=" "$n"; printf %s "$v" | sha256sum | cut -d" " -f1; done';
  await Promise.all([...new Set(cases.filter((x) => x.runner === 'sh').map((c) => c.file))].map(async (file) => {
    const mine = cases.filter((x) => x.runner === 'sh' && x.file === file);
    const r = await exec('sh', ['-c', SH_READ, 'sh', file, ...mine.map((c) => c.envVar!)], join(root, 'sh'), env);
    const got = new Map(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    for (const c of mine) out.set(c.id, got.get(c.envVar!) ?? `error: exit ${r.code}: ${r.stderr.split('\n').filter(Boolean).pop() ?? ''}`);
  }));
  lap('shell');
  return out;
}

function buildRepo(root: string, classes: Record<string, string>): Case[] {
  const files: Record<string, string> = {};
  const cases: Case[] = [];
  for (const p of PLACEMENTS) {
    for (const [cls, v] of Object.entries(classes)) {
      if (/-(crlf|bom|cjs)$/.test(p.id) && !FILE_VARIANT_CLASSES.test(cls)) continue;
      const text = p.write(v);
      if (text === undefined) continue;
      const slug = `${p.id}_${cls}`.replace(/[^A-Za-z0-9]+/g, '_');
      const dir = p.runner === 'js' ? 'js' : p.runner === 'nb' ? 'notebooks' : 'py';
      const file = p.file.replace('%', slug);
      files[`${dir}/${file}`] = text;
      cases.push({ id: `${p.id} × ${cls}`, placement: p.id, cls, runner: p.runner, dir, file, value: v, mustRewrite: p.mustRewrite?.(cls) ?? false });
    }
  }
  for (const reader of ['py', 'node'] as const) {
    for (const kind of ENV_FILES[reader]) {
      const dir = `env-${reader}-${kind}`;
      const lines = ['APP_ENV=production'];
      ENV_FORMS.forEach((form, fi) => Object.entries(classes).forEach(([cls, v], ci) => {
        const name = `PW_${fi}_${ci}_PASSWORD`;
        const line = kind === 'lf' || FILE_VARIANT_CLASSES.test(cls) ? envLine(name, v, form, reader) : undefined;
        if (line === undefined) return;
        lines.push(line);
        const placement = `env-${reader}-${form}${kind === 'lf' ? '' : `-${kind}`}`;
        cases.push({ id: `${placement} × ${cls}`, placement, cls, runner: `env-${reader}`, dir, file: '.env', envVar: name, value: envReads(v, reader), mustRewrite: false });
      }));
      let text = lines.join('\n') + '\n';
      if (kind === 'crlf') text = text.replace(/\n/g, '\r\n');
      if (kind === 'bom') text = '\ufeff' + text;
      files[`${dir}/.env`] = text;
      files[`${dir}/${reader === 'py' ? 'read.py' : 'read.js'}`] = reader === 'py' ? ENV_PY : ENV_NODE;
      if (reader === 'node') files[`${dir}/package.json`] = JSON.stringify({ name: dir, version: '1.0.0', private: true }) + '\n';
      else files[`${dir}/requirements.txt`] = 'python-dotenv\n';
    }
  }
  if (haveShellTools) {
    for (const [form, write] of Object.entries(SH_FORMS)) {
      const lines = ['#!/bin/sh', 'set -e'];
      Object.entries(classes).forEach(([cls, v], ci) => {
        const name = `PW_${ci}_PASSWORD`;
        const line = SH_CLASSES.test(cls) ? write(name, v) : undefined;
        if (line === undefined) return;
        lines.push(line);
        cases.push({ id: `${form} × ${cls}`, placement: form, cls, runner: 'sh', dir: 'sh', file: `${form}.sh`, envVar: name, value: v, mustRewrite: false });
      });
      files[`sh/${form}.sh`] = lines.join('\n') + '\n';
    }
  }
  files['js/package.json'] = '{"name":"js","version":"1.0.0","private":true,"type":"module"}\n';
  files['py/requirements.txt'] = 'boto3\n';
  files['.gitignore'] = 'node_modules/\n__pycache__/\n';
  commitNewRepo(root, files);
  return cases;
}

let srv: SmServer;
const dirs: string[] = [];
beforeAll(async () => {
  if (havePython) srv = await startSmServer();
});
afterAll(async () => {
  await srv?.stop();
  if (!process.env.EXACT_KEEP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!havePython)('every value is stored exactly and the rewritten program reads the identical value', () => {
  it('placements x value classes: H1 (original) = stored = H2 (rewritten, fresh clone)', async () => {
    const classes = valueClasses();
    const root = mkdtempSync(join(tmpdir(), 'ss-exact-'));
    const clone = root + '-clone';
    dirs.push(root, clone);
    const cases = buildRepo(root, classes);
    const awsEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, ...TEST_AWS_ENV, AWS_ENDPOINT_URL: srv.endpoint };

    // The placements themselves: each original program uses exactly the value.
    const h1 = await hashes(root, cases, awsEnv, false);
    const badForm = cases.filter((c) => h1.get(c.id) !== sha(c.value)).map((c) => `${c.id}: ${h1.get(c.id)?.startsWith('error') ? h1.get(c.id) : 'another value'}`);
    expect(badForm, 'the original programs read the generated values').toEqual([]);

    const tm = Date.now();
    const m = await exec(process.execPath, [BIN, 'migrate', '.', '--app', 'exact', '--env', 'prod', '--apply', '--yes'], root, { ...process.env, ...awsEnv, HOME: process.env.HOME ?? root, NO_COLOR: '1' } as Record<string, string>);
    expect(m.code, m.stderr.split('\n').slice(-4).join('\n')).toBe(0);
    if (process.env.EXACT_TABLE) console.log(`migrate: ${Date.now() - tm} ms`);
    const report = JSON.parse(readFileSync(join(root, 'secret-sweep-migration.json'), 'utf8')) as {
      secrets: Array<{ name: string; values: Array<{ key: string; locations: Array<{ file: string; line: number }> }> }>;
      manual: Array<{ file: string; line?: number; reason?: string }>;
      skipped?: Array<{ file?: string; location?: { file: string; line: number }; reason?: string }>;
    };

    // Stored: per file (and line, for .env) the JSON key's value.
    const stored = new Map<string, string>();
    for (const s of report.secrets) {
      const cur = [...srv.state.get(s.name)!.versions.values()].find((x) => x.stages.has('AWSCURRENT'))!.string!;
      const obj = JSON.parse(cur) as Record<string, unknown>;
      for (const v of s.values) for (const l of v.locations) stored.set(`${l.file}:${l.line}`, String(obj[v.key]));
    }
    const lineOf = (c: Case) => {
      if (!c.envVar) return undefined;
      const text = readFileSync(join(root, c.dir, c.file), 'utf8');
      return text.split('\n').findIndex((l) => l.includes(c.envVar!)) + 1;
    };
    const storedFor = (c: Case) => {
      const f = `${c.dir}/${c.file}`;
      const l = lineOf(c);
      if (l) return stored.get(`${f}:${l}`);
      const hits = [...stored].filter(([k]) => k.startsWith(f + ':'));
      return hits.length ? hits.map(([, v]) => v).find((v) => v === c.value) ?? hits[0]![1] : undefined;
    };
    const skippedFor = (c: Case) => (report.skipped ?? []).filter((x) => x.location?.file === `${c.dir}/${c.file}` && (!c.envVar || x.location.line === lineOf(c)));
    const manualFor = (c: Case) => report.manual.filter((x) => x.file === `${c.dir}/${c.file}` && (!c.envVar || x.line === lineOf(c)));

    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'migrate', '--allow-empty');
    git(process.cwd(), 'clone', '-q', root, clone);
    installDeclaredDeps(join(clone, 'js'));
    for (const c of cases.filter((x) => x.runner === 'env-node')) installDeclaredDeps(join(clone, c.dir));
    // Values left in a .env read by python-dotenv: its program, now started under `secret-sweep run`
    // (which puts the file's variables in the environment first), still reads them as before. (Node's
    // readers differ from python-dotenv on escapes; `run` reads the file as python-dotenv does.)
    const migrated = cases.filter((c) => storedFor(c) !== undefined || c.runner === 'env-py');
    const h2 = await hashes(clone, migrated, awsEnv, true);

    // A case migrated and not manual must have left its file (its .env line).
    const rewritten = (c: Case) => {
      const was = readFileSync(join(root, c.dir, c.file), 'utf8');
      const now = git(root, 'show', `HEAD~1:${c.dir}/${c.file}`);
      if (!c.envVar) return was !== now;
      const line = (t: string) => t.split('\n').find((l) => l.includes(c.envVar! + '='));
      return line(was) !== line(now);
    };
    const rows: string[] = [];
    const wrong: string[] = [];
    for (const c of cases) {
      const st = storedFor(c);
      const man = manualFor(c);
      const got = h2.get(c.id);
      let status: string;
      if (st === undefined && got !== undefined && got !== sha(c.value) && c.cls === 'interp') status = 'known: `run` passes ${X} unexpanded, python-dotenv expanded it';
      else if (st === undefined && got !== undefined && got !== sha(c.value)) status = `READS WRONG, left in place (${got.startsWith('error') ? got : 'another value'})`;
      else if (st === undefined) status = man.length ? `manual (${man[0]!.reason})` : skippedFor(c).length ? `skipped (${skippedFor(c)[0]!.reason})` : 'not found';
      else if (st !== c.value) status = `STORED WRONG (${st.length} chars, program read ${c.value.length})`;
      else if (got !== sha(c.value)) status = `READS WRONG (${got?.startsWith('error') ? got : 'another value'})`;
      else if (!man.length && !rewritten(c)) status = 'STILL IN THE CODE (stored, not rewritten, not listed as manual)';
      else status = man.length ? 'stored, left manual' : 'ok';
      if (status.startsWith('STORED') || status.startsWith('READS') || (c.mustRewrite && status !== 'ok' && status !== 'not found')) wrong.push(`${c.id}: ${status}`);
      rows.push(`${c.id}: ${status}`);
    }
    if (process.env.EXACT_TABLE) console.log(rows.join('\n'));
    expect(wrong).toEqual([]);
  }, 600_000);
});

