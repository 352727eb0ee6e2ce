/**
 * Front-end code next to server code, migrated with `--apply` against the local Secrets Manager and run
 * from a fresh clone. A browser cannot fetch from Secrets Manager: a value in code bundled for one (a
 * `'use client'` component, a React component of a Vite package, a file reading `import.meta.env`) or
 * in a `.env` variable the bundler inlines into it (`VITE_*`, `NEXT_PUBLIC_*`) stays, byte for byte,
 * listed as manual with the reason; nothing there becomes an AWS call or an `sm://` text, and no SDK
 * dependency is added to the front-end package. The server code beside it (a plain Node service, a
 * Next.js API route, a server-only `.env.local` variable) is migrated and prints what it printed before.
 *
 * Config files read by other tools (compose, a Kubernetes Secret, Helm values, a workflow, Terraform
 * tfvars, Spring Boot's application.properties/yml): nothing is left that the reader takes literally
 * (an `sm://` text, a `${X}` nobody expands); what stays is listed with the tool's own edit to make.
 *
 * A strict TypeScript package (module nodenext, verbatimModuleSyntax, exactOptionalPropertyTypes, ...):
 * the rewritten sources pass `tsc --noEmit` with the package's own tsconfig, build, and run from dist/;
 * a copy of a migrated value where no rule fires (`private v = "…"`) is listed as manual (the history
 * scrub would otherwise turn it into ***REMOVED*** silently).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { installDeclaredDeps } from '../support/npm-ci.js';
import { workTreeFiles } from '../support/tree.js';
import { githubToken, password, stripeKey } from '../support/fake-secrets.js';

const V = {
  viteEnvKey: stripeKey(9401),
  reactKey: stripeKey(9402),
  metaEnvToken: githubToken(9403),
  nextPublicKey: stripeKey(9404),
  clientKey: stripeKey(9405),
  nextServerKey: stripeKey(9406),
  apiRouteToken: githubToken(9407),
  serverPassword: password(9408),
};
const VALUES = Object.entries(V);
const redact = (s: string) => VALUES.reduce((t, [k, v]) => t.split(v).join(`<${k}>`), s);
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
const pkg = (o: Record<string, unknown>) => JSON.stringify({ version: '1.0.0', private: true, ...o }, null, 2) + '\n';

const FILES: Record<string, string> = {
  '.gitignore': 'node_modules/\ndist/\n.next/\n',
  // A Vite + React single-page app.
  'web/package.json': pkg({ name: 'web', type: 'module', scripts: { build: 'vite build' }, dependencies: { react: '^18.2.0', 'react-dom': '^18.2.0' }, devDependencies: { vite: '^5.0.0' } }),
  'web/.env': `VITE_STRIPE_KEY=${V.viteEnvKey}\n`,
  'web/index.html': '<!doctype html><div id="root"></div><script type="module" src="/src/main.jsx"></script>\n',
  'web/src/App.jsx': `export function App() {\n  const apiKey = "${V.reactKey}";\n  return <div data-key={apiKey} />;\n}\n`,
  'web/src/lib/github.js': `export const githubToken = "${V.metaEnvToken}";\nexport const mode = import.meta.env.MODE;\n`,
  'web/vite.config.js': "export default { server: { port: 5173 } };\n",
  // A Next.js app: a client component, an API route, its .env.local.
  'site/package.json': pkg({ name: 'site', scripts: { start: 'next start' }, dependencies: { next: '14.2.0', react: '^18.2.0', 'react-dom': '^18.2.0' } }),
  'site/.env.local': `NEXT_PUBLIC_STRIPE_KEY=${V.nextPublicKey}\nSTRIPE_SECRET_KEY=${V.nextServerKey}\n`,
  'site/app/pay/page.tsx': `'use client';\nexport default function Pay() {\n  const key = "${V.clientKey}";\n  return <p>{key.length}</p>;\n}\n`,
  'site/pages/api/repos.js': `const token = "${V.apiRouteToken}";\nexport default async function handler(req, res) {\n  res.status(200).json({ n: token.length });\n}\n`,
  // A plain Node service.
  'api/package.json': pkg({ name: 'api', type: 'module', scripts: { start: 'node server.js' } }),
  'api/server.js': `import { createHash } from 'node:crypto';\nconst dbPassword = "${V.serverPassword}";\nconsole.log(createHash('sha256').update(dbPassword).digest('hex').slice(0, 12));\n`,
};

/** The places a browser reads, and the reason migrate must give for each. */
const BROWSER: Array<[file: string, line: number, reason: RegExp]> = [
  ['web/.env', 1, /VITE_STRIPE_KEY: Vite compiles VITE_\* variables into the code it bundles for the browser/],
  ['web/src/App.jsx', 2, /web\/src\/App\.jsx belongs to a front-end package \(its package\.json depends on react-dom\): it is bundled for the browser/],
  ['web/src/lib/github.js', 1, /web\/src\/lib\/github\.js reads import\.meta\.env: a bundler \(Vite\) builds it for the browser/],
  ['site/.env.local', 1, /NEXT_PUBLIC_STRIPE_KEY: Next\.js compiles NEXT_PUBLIC_\* variables/],
  ['site/app/pay/page.tsx', 3, /site\/app\/pay\/page\.tsx is a client component \('use client'\): it runs in the browser/],
];

interface Report {
  manual: Array<{ file: string; line: number; reason: string; suggestion?: string }>;
  edits?: unknown;
}

const bed = migrateTestBed();
let orig: string;
const awsEnv = () => ({ ...TEST_AWS_ENV, AWS_DEFAULT_REGION: TEST_AWS_ENV.AWS_REGION, AWS_ENDPOINT_URL: bed.server().endpoint });
const migrateArgs = ['migrate', '.', '--app', 'shop', '--env', 'prod'];

/** `migrate --apply` of `repo` as `app` (stderr shown through `hide`); its JSON report. */
async function migrateApply(repo: string, app: string, hide: (s: string) => string): Promise<Report> {
  const m = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', app, '--env', 'prod', '--apply', '--yes'], { cwd: repo, env: awsEnv() });
  expect(m.code, hide(m.stderr)).toBe(0);
  return JSON.parse(readFileSync(join(repo, 'secret-sweep-migration.json'), 'utf8')) as Report;
}

describe('front-end code beside server code, migrated and run from a fresh clone', () => {
  beforeAll(() => {
    orig = bed.tempDir('ss-round4-front-');
    commitNewRepo(orig, FILES);
  }, 120_000);

  it('the dry run lists every place a browser reads as manual, with the reason', async () => {
    const r = await runAsync(process.execPath, [BIN, ...migrateArgs], { cwd: orig, env: awsEnv() });
    expect(r.code, redact(r.stderr)).toBe(0);
    for (const [, v] of VALUES) expect(r.stdout + r.stderr).not.toContain(v);
    for (const [file, line, reason] of BROWSER) {
      const row = r.stdout.split('\n').find((l) => l.trim().startsWith(`${file}:${line}:`));
      expect(row, `${file}:${line} listed as manual`).toBeDefined();
      expect(row).toMatch(reason);
    }
  }, 300_000);

  it('--apply leaves the browser files byte for byte, migrates the server code, and a fresh clone runs it; a second run changes nothing', async () => {
    const report = await migrateApply(orig, 'shop', redact);
    for (const [file, line, reason] of BROWSER) {
      const u = report.manual.find((x) => x.file === file && x.line === line);
      expect(u?.reason, `${file}:${line}`).toMatch(reason);
      expect(u?.suggestion).toMatch(/server code/);
      const lineOf = (t: string) => t.split('\n')[line - 1];
      expect(lineOf(readFileSync(join(orig, file), 'utf8')), `${file}:${line} unchanged`).toBe(lineOf(FILES[file]!));
    }
    for (const f of ['web/.env', 'web/src/App.jsx', 'web/src/lib/github.js', 'site/app/pay/page.tsx']) expect(readFileSync(join(orig, f), 'utf8'), f).toBe(FILES[f]);
    // Nothing that a browser loads refers to AWS: no helper, no SDK dependency in the Vite package.
    expect(readFileSync(join(orig, 'web/package.json'), 'utf8')).toBe(FILES['web/package.json']);
    expect(workTreeFiles(orig).filter((f) => /^(web\/|site\/app\/).*secret-sweep-secrets/.test(f))).toEqual([]);
    // The server side is migrated: the API route calls the helper, the server-only variable is a reference.
    expect(readFileSync(join(orig, 'site/pages/api/repos.js'), 'utf8')).not.toContain(V.apiRouteToken);
    expect(readFileSync(join(orig, 'site/.env.local'), 'utf8')).toMatch(/^STRIPE_SECRET_KEY=sm:\/\/\S+$/m);
    expect(readFileSync(join(orig, 'api/server.js'), 'utf8')).not.toContain(V.serverPassword);

    git(orig, 'add', '-A');
    git(orig, 'commit', '-qm', 'migrate secrets to Secrets Manager');
    const clone = bed.tempDir('ss-round4-front-clone-');
    execFileSync('git', ['clone', '-q', '--no-local', orig, clone], { stdio: 'pipe' });
    installDeclaredDeps(join(clone, 'api'));
    const api = await runAsync(process.execPath, ['server.js'], { cwd: join(clone, 'api'), env: awsEnv() });
    expect(api.code, redact(api.stderr)).toBe(0);
    expect(api.stdout.trim()).toBe(sha(V.serverPassword));
    // Next.js keeps a variable the environment already has: under `secret-sweep run` the server gets the value.
    const printKey = "process.stdout.write(require('node:crypto').createHash('sha256').update(process.env.STRIPE_SECRET_KEY).digest('hex').slice(0, 12))";
    const next = await runAsync(process.execPath, [BIN, 'run', '--env-file', '.env.local', '--', process.execPath, '-e', printKey], { cwd: join(clone, 'site'), env: awsEnv() });
    expect(next.code, redact(next.stderr)).toBe(0);
    expect(next.stdout.trim()).toBe(sha(V.nextServerKey));

    const head = git(clone, 'rev-parse', 'HEAD');
    const writes = bed.server().calls.writeCalls();
    const again = await runAsync(process.execPath, [BIN, ...migrateArgs, '--apply', '--yes'], { cwd: clone, env: awsEnv() });
    expect(again.code, redact(again.stderr)).toBe(0);
    expect(bed.server().calls.writeCalls()).toBe(writes);
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(clone, 'status', '--porcelain', '--', 'web', 'site', 'api').split('\n').filter((l) => l && !/node_modules\/$/.test(l))).toEqual([]);
    expect(existsSync(join(clone, 'web', 'secret-sweep-secrets.mjs'))).toBe(false);
  }, 600_000);
});

const C = {
  composePassword: password(9501),
  composeKey: stripeKey(9502),
  envFilePassword: password(9503),
  k8sKey: stripeKey(9504),
  helmPassword: password(9505),
  workflowKey: stripeKey(9506),
  tfPassword: password(9507),
  springPropsPassword: password(9508),
  springYamlPassword: password(9509),
};
const CVALUES = Object.entries(C);
const credact = (s: string) => CVALUES.reduce((t, [k, v]) => t.split(v).join(`<${k}>`), s);

const CONFIG_FILES: Record<string, string> = {
  'docker-compose.yml': `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${C.composePassword}\n    env_file: ./db.env\n  api:\n    image: node:20\n    environment:\n      - STRIPE_KEY=${C.composeKey}\n`,
  'db.env': `PGADMIN_PASSWORD=${C.envFilePassword}\n`,
  'k8s/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: pay\ntype: Opaque\nstringData:\n  stripe: ${C.k8sKey}\n`,
  'chart/values.yaml': `db:\n  password: ${C.helmPassword}\n`,
  '.github/workflows/deploy.yml': `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      STRIPE_KEY: ${C.workflowKey}\n    steps:\n      - run: echo deploying\n`,
  'infra/main.tf': 'variable "db_password" {\n  type = string\n}\n',
  'infra/prod.tfvars': `db_password = "${C.tfPassword}"\n`,
  'svc/src/main/resources/application.properties': `spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.password=${C.springPropsPassword}\n`,
  'svc/src/main/resources/application.yml': `spring:\n  datasource:\n    password: ${C.springYamlPassword}\n`,
};

/** Files that must stay byte for byte, each with the reason its value stays. */
const LITERAL_READERS: Array<[file: string, reason: RegExp, suggestion: RegExp]> = [
  ['db.env', /docker compose hands this file to a container \(env_file:\)/, /environment:/],
  ['k8s/secret.yaml', /Kubernetes Secret manifest/, /ExternalSecret/],
  ['chart/values.yaml', /Helm renders values\.yaml literally/, /existingSecret/],
  ['.github/workflows/deploy.yml', /workflow- or job-level value/, /aws-secretsmanager-get-secrets/],
  ['infra/prod.tfvars', /\.tfvars file cannot read a data source/, /aws_secretsmanager_secret_version/],
  ['svc/src/main/resources/application.properties', /Spring Boot reads this file from the built jar/, /`spring\.datasource\.password` in svc\/src\/main\/resources\/application\.properties to `\$\{[A-Z0-9_]+\}`.*secret-sweep run -- java -jar.*spring\.config\.import=aws-secretsmanager:/],
  ['svc/src/main/resources/application.yml', /Spring Boot reads this file from the built jar/, /`spring\.datasource\.password` in svc\/src\/main\/resources\/application\.yml to `\$\{[A-Z0-9_]+\}`.*spring\.config\.import=aws-secretsmanager:/],
];

describe('config files read by other tools: what migrate writes is what the tool reads, the rest is a precise manual step', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round4-config-');
    commitNewRepo(repo, CONFIG_FILES);
  }, 120_000);

  it('--apply: compose gets ${VAR} that `secret-sweep run` fills with the exact value; the literal readers stay byte for byte, each with its edit', async () => {
    const report = await migrateApply(repo, 'ops', credact);
    for (const [file, reason, suggestion] of LITERAL_READERS) {
      expect(readFileSync(join(repo, file), 'utf8'), `${file} unchanged`).toBe(CONFIG_FILES[file]);
      const u = report.manual.find((x) => x.file === file);
      expect(u?.reason, file).toMatch(reason);
      expect(u?.suggestion, file).toMatch(suggestion);
    }
    // Compose interpolates ${VAR} from its environment: under `secret-sweep run` each is the value it replaced.
    const compose = readFileSync(join(repo, 'docker-compose.yml'), 'utf8');
    const vars = [...compose.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((x) => x[1]!);
    expect(vars.length).toBe(2);
    const print = `process.stdout.write(JSON.stringify([${vars.map((v) => `process.env.${v}`).join(', ')}].map((s) => require('node:crypto').createHash('sha256').update(s).digest('hex'))))`;
    const r = await runAsync(process.execPath, [BIN, 'run', '--', process.execPath, '-e', print], { cwd: repo, env: awsEnv() });
    expect(r.code, credact(r.stderr)).toBe(0);
    const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(JSON.parse(r.stdout)).toEqual([sha256(C.composePassword), sha256(C.composeKey)]);
    // Nothing else got a reference its reader would take literally.
    for (const f of Object.keys(CONFIG_FILES).filter((f) => f !== 'docker-compose.yml')) {
      expect(readFileSync(join(repo, f), 'utf8'), f).not.toMatch(/sm:\/\/|\$\{[A-Z0-9_]+\}/);
    }
  }, 600_000);
});

const T = { dbPassword: password(9601), token: githubToken(9602) };
const TS_FILES: Record<string, string> = {
  '.gitignore': 'node_modules/\ndist/\n',
  'svc/package.json': pkg({ name: 'svc', type: 'module', scripts: { build: 'tsc', start: 'node dist/index.js' }, devDependencies: { typescript: '^5.0.0', '@types/node': '^20.0.0' } }),
  'svc/tsconfig.json': JSON.stringify({ compilerOptions: {
    target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, outDir: 'dist', rootDir: 'src', noUnusedLocals: true, noUnusedParameters: true,
    noImplicitReturns: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, verbatimModuleSyntax: true, isolatedModules: true, skipLibCheck: true, types: ['node'],
  }, include: ['src'] }, null, 2) + '\n',
  'svc/src/config.ts': `export const config = { dbPassword: "${T.dbPassword}", githubToken: "${T.token}" };\n`,
  // A field name no rule reads as a credential (`pw` is one since session 10): the copy is found only as a leftover.
  'svc/src/pool.ts': `export class Pool {\n  private v = "${T.dbPassword}";\n  secret(): string {\n    return this.v;\n  }\n}\n`,
  'svc/src/index.ts': `import { createHash } from "node:crypto";\nimport { config } from "./config.js";\nconst h = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 12);\nconsole.log(h(config.dbPassword), h(config.githubToken));\n`,
};

/** `npm ci` of the package, offline, devDependencies included (the build runs tsc). */
const installAll = (dir: string) => installDeclaredDeps(dir, true);

describe('strict TypeScript (nodenext): type-checked, built and run from a fresh clone; a copy no rule reported is listed', () => {
  let repo: string;
  beforeAll(() => {
    repo = bed.tempDir('ss-round4-ts-');
    commitNewRepo(repo, TS_FILES);
  }, 120_000);

  it('tsc --noEmit and the build pass with the package\'s own tsconfig; dist/ prints the same; pool.ts is manual', async () => {
    const report = await migrateApply(repo, 'svc', (x) => x);
    expect(readFileSync(join(repo, 'svc/src/config.ts'), 'utf8')).not.toContain(T.dbPassword);
    const left = report.manual.filter((x) => x.file === 'svc/src/pool.ts');
    expect(left.map((x) => x.line)).toEqual([2]);
    expect(left[0]!.reason).toMatch(/still holds the value stored in \S+ \(key password\), at a place no rule reported.*\*\*\*REMOVED\*\*\*/);
    expect(left[0]!.suggestion).toMatch(/sm:\/\/\S+#password/);

    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'migrate');
    const clone = bed.tempDir('ss-round4-ts-clone-');
    execFileSync('git', ['clone', '-q', '--no-local', repo, clone], { stdio: 'pipe' });
    const svc = join(clone, 'svc');
    installAll(svc);
    const tsc = join(svc, 'node_modules', 'typescript', 'bin', 'tsc');
    const check = await runAsync(process.execPath, [tsc, '-p', '.', '--noEmit'], { cwd: svc });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const build = await runAsync(process.execPath, [tsc, '-p', '.'], { cwd: svc });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(existsSync(join(svc, 'dist', 'secret-sweep-secrets.js'))).toBe(true);
    const run = await runAsync(process.execPath, ['dist/index.js'], { cwd: svc, env: awsEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(`${sha(T.dbPassword)} ${sha(T.token)}`);
  }, 600_000);
});
