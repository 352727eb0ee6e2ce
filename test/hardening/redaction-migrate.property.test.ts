/**
 * Redaction, proven by property, for `migrate`: generated secrets of every rule's format
 * (test/support/secret-gen.ts) in a committed repository, some where migrate rewrites them (Python, JS
 * and YAML assignments, `.env` lines), the rest in the rules' own example text in files of many kinds.
 * The BUILT CLI runs, against the local Secrets Manager (test/support/sm-server.ts):
 *
 *   1. a dry run with --debug that saves the plan (--plan-out, outside the repository);
 *   2. `--plan FILE --apply --yes --debug` with a KMS failure injected into one CreateSecret: it stops
 *      with a one-line error and a `run-failed` journal record;
 *   3. the same again: it finishes (secrets stored, code rewritten, report written).
 *
 * No stdout, stderr, plan file, journal, token key, report (Markdown and JSON), or description or tag of a
 * stored secret may hold a secret or a substring of one longer than the redaction prefix (the check of
 * test/support/leak-check.ts). The plan, journal, token key and reports are mode 0600 (the state folder
 * 0700). The one documented exception is the `git filter-repo --replace-text` file: it holds every value
 * in plaintext, is written outside the repository with mode 0600, and both stderr and the report say so.
 * After the run, no rewritten place still holds its value: a value the rewriters did not replace must be
 * listed in the report as left for a human.
 *
 * Size and seed: SWEEP_REDACTION_MIGRATE_SECRETS (default 200, at least one secret of every rule per
 * repository; else a quarter of SWEEP_REDACTION_SECRETS, which `test:stress` raises; up to 250 per
 * repository) and SWEEP_SEED (default random, in the test name).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { secretOf } from '../../src/findings/finding.js';
import { rotateHint } from '../../src/migrate/report.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { grams, leaksIn, type Leak, type Secret } from '../support/leak-check.js';
import { generate, templatesOf, type Template } from '../support/secret-gen.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';

const SEED = Number(process.env.SWEEP_SEED ?? Math.floor(Math.random() * 2 ** 31));
const TOTAL = Number(process.env.SWEEP_REDACTION_MIGRATE_SECRETS ?? Math.max(200, Math.ceil(Number(process.env.SWEEP_REDACTION_SECRETS ?? 600) / 4)));
const PER_REPO = 250;
const REPOS = Math.max(1, Math.ceil(TOTAL / PER_REPO));
const SECRETS_PER_REPO = Math.min(PER_REPO, Math.ceil(TOTAL / REPOS));
/** The dotenv backend leg: one smaller repository. */
const DOTENV_SECRETS = Math.min(PER_REPO, Math.max(40, Math.ceil(TOTAL / 5)));

const AWS_ENV = TEST_AWS_ENV;

const work = mkdtempSync(join(tmpdir(), 'sweep-redaction-migrate-'));
let srv: SmServer;
beforeAll(async () => {
  srv = await startSmServer();
});
afterAll(async () => {
  await srv?.stop();
  rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------
// Placements: where a generated secret goes in the repository.

type Kind = 'python' | 'env' | 'javascript' | 'yaml' | 'example';
const KINDS: Kind[] = ['python', 'env', 'javascript', 'yaml', 'example'];

interface Placed extends Secret {
  template: Template;
  kind: Kind;
  file: string;
  /** 1-based line of the assignment (not for `example`). */
  line?: number;
}

/** The line holding `secret` as the value of `name`, in a file of the kind; undefined when it cannot be written plainly there. */
function assignment(kind: Kind, name: string, secret: string): string | undefined {
  if (/[\r\n"'\\`$#\s]/.test(secret)) return undefined;
  switch (kind) {
    case 'python': return `${name} = "${secret}"`;
    case 'javascript': return `const ${name} = "${secret}";`;
    case 'yaml': return `${name.toLowerCase()}: "${secret}"`;
    case 'env': return `${name}=${secret}`;
    default: return undefined;
  }
}

const FILES: Record<Exclude<Kind, 'example'>, { file: (n: number) => string; head: string[] }> = {
  python: { file: (n) => `etl/settings_${n % 4}.py`, head: ['import os', '', 'DEBUG = False'] },
  javascript: { file: (n) => `web/config_${n % 3}.js`, head: ['"use strict";', 'const port = 8080;'] },
  // Ansible variables: a YAML reader that resolves the lookup migrate writes (Helm values stay manual by design).
  yaml: { file: (n) => `deploy/group_vars/web_${n % 3}.yml`, head: ['replicas: 2', 'image: acme/etl:1.4'] },
  env: { file: () => '.env', head: ['NODE_ENV=production', 'PORT=8080'] },
};
const EXAMPLE_EXTS = ['py', 'js', 'ts', 'yaml', 'sh', 'txt', 'go'];

const itemArb = fc.record({
  example: fc.nat(),
  bytes: fc.uint8Array({ minLength: 512, maxLength: 512 }),
  kind: fc.constantFrom(...KINDS),
  file: fc.nat({ max: 29 }),
  ext: fc.constantFrom(...EXAMPLE_EXTS),
});
type Item = typeof itemArb extends fc.Arbitrary<infer T> ? T : never;

interface Repo {
  root: string;
  placed: Placed[];
  benign: string[];
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });

function buildRepo(root: string, items: Item[], byRule: Template[][], count: number, kinds: readonly Kind[] = KINDS): Repo {
  const rules = byRule.map((ts) => ts[0]!.rule);
  const single = new Map(rules.map((r) => [r.id, createDetector([r])]));
  const finds = (ruleId: string, text: string, path: string, secret: string) =>
    single.get(ruleId)!.detect({ text, provenance: { kind: 'file', path } }).some((f) => secretOf(f) === secret);
  const placed: Placed[] = [];
  const files = new Map<string, string[]>();
  const benign: string[] = [root];
  const seen = new Set<string>();
  let special = 0;
  for (let k = 0; k < items.length && placed.length < count; k++) {
    const it = items[k]!;
    const ts = byRule[k % byRule.length]!;
    const t = ts[it.example % ts.length]!;
    // A variant the rule finds in its own example text (a few tries: some formats reject some draws).
    let g = generate(t, it.bytes);
    for (let k2 = 1; k2 <= 8 && !finds(t.rule.id, g.text, t.path ?? 'x.txt', g.secret); k2++) g = generate(t, Uint8Array.from(it.bytes, (b, i) => it.bytes[(i + 37 * k2) % it.bytes.length]! ^ (k2 * 29)));
    if (seen.has(g.secret)) continue;
    const name = `${t.rule.id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${k}`;
    let done = false;
    const kind = kinds.includes(it.kind) ? it.kind : 'example';
    if (kind !== 'example') {
      const line = assignment(kind, name, g.secret);
      const spec = FILES[kind];
      const file = spec.file(it.file);
      if (line && finds(t.rule.id, line, file, g.secret)) {
        const lines = files.get(file) ?? [...spec.head];
        lines.push(line);
        files.set(file, lines);
        placed.push({ secret: g.secret, mask: g.mask, label: t.rule.id, template: t, kind, file, line: lines.length });
        benign.push(file, name, name.toLowerCase(), ...line.split(g.secret));
        done = true;
      }
    }
    if (!done) {
      // The rule's own example text, in a file of the example's name or a random one.
      const path = t.path ?? `misc/file${it.file}.${it.ext}`;
      if (!finds(t.rule.id, g.text, path, g.secret)) continue;
      const file = t.path ? `special${special++}/${t.path}` : path;
      files.set(file, [...(files.get(file) ?? []), ...g.text.split('\n')]);
      placed.push({ secret: g.secret, mask: g.mask, label: t.rule.id, template: t, kind: 'example', file });
      benign.push(file, ...t.text.split(t.secret));
    }
    seen.add(g.secret);
  }
  for (const spec of Object.values(FILES)) benign.push(...spec.head);
  for (const [file, lines] of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), lines.join('\n') + '\n');
  }
  // A Node project: JavaScript with no package.json above it is left manual (the SDK could not be declared).
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'legacy-app', version: '1.0.0', private: true }, null, 2) + '\n');
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'legacy');
  return { root, placed, benign };
}

// ---------------------------------------------------------------------------------------------------------
// Running the built CLI (asynchronously: the Secrets Manager server lives in this process).

interface Run {
  label: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

async function cli(label: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  const r = await runCliAsync(args, { cwd, env: { ...AWS_ENV, FORCE_COLOR: '', ...env }, killAfterMs: 120_000 });
  return { label, ...r };
}

const mode = (p: string) => statSync(p).mode & 0o777;

/**
 * Every string value under these keys, anywhere in a JSON document: tool-made ids and HMACs. Also the
 * values of a journal record's `fields` map (JSON key -> keyed digest of the value).
 */
function toolValues(doc: unknown, keys: Set<string>, into: string[] = []): string[] {
  if (Array.isArray(doc)) for (const v of doc) toolValues(v, keys, into);
  else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      if (typeof v === 'string' && keys.has(k)) into.push(v);
      else if (k === 'fields' && v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((d) => typeof d === 'string' && /^[0-9a-f]{16,}$/.test(d))) into.push(...(Object.values(v) as string[]));
      else toolValues(v, keys, into);
    }
  }
  return into;
}
const TOOL_KEYS = new Set(['fingerprint', 'token', 'versionId', 'arn', 'run', 'resumes']);

// ---------------------------------------------------------------------------------------------------------

describe('redaction property: migrate (built CLI, local Secrets Manager)', () => {
  const rules = loadBuiltinRules();
  const templates = templatesOf(rules);
  const byRule = rules.map((r) => templates.filter((t) => t.rule === r)).filter((ts) => ts.length > 0);
  const ruleText = rules.flatMap((r) => [r.id, r.description, ...r.tags, ...r.references, rotateHint(r.id)]);
  // The words migrate prints whatever the values (report prose, notes, hints): its own source text. A
  // random hex or lower-case window can spell one ("added", "faced"), which is not a leak.
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const toolText = [
    ...readdirSync(join(src, 'migrate'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(src, 'migrate', f), 'utf8')),
    readFileSync(join(src, 'cli', 'commands', 'migrate.ts'), 'utf8'),
  ];

  it(`${TOTAL} generated secrets in ${REPOS} repositor${REPOS === 1 ? 'y' : 'ies'}, seed ${SEED}: plan, journal, report and output never hold one; the filter-repo file is the 0600 exception`, async () => {
    let repoNo = 0;
    const kinds = new Map<Kind, number>();
    const covered = new Set<string>();
    let rewrittenPlaces = 0;
    let manualPlaces = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(itemArb, { minLength: SECRETS_PER_REPO * 2, maxLength: SECRETS_PER_REPO * 2 }), async (items) => {
        const n = repoNo++;
        const root = join(work, `repo${n}`);
        const out = join(work, `out${n}`);
        mkdirSync(root);
        mkdirSync(out);
        const repo = buildRepo(root, items, byRule, SECRETS_PER_REPO);
        for (const p of repo.placed) {
          kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
          covered.add(p.label);
        }
        const app = `redact${n}`;
        const plan = join(out, 'plan.json');
        // The filter-repo file goes to os.tmpdir(): here, `out`.
        const env = { TMPDIR: out };
        const endpoint = ['--endpoint-url', srv.endpoint];

        const dry = await cli('dry run --debug --plan-out', ['migrate', '.', '--app', app, '--env', 'prod', ...endpoint, '--plan-out', plan, '--debug'], root, env);
        expect(dry.code, dry.stderr.slice(-500)).toBe(0);
        expect(dry.stdout).toMatch(/SECRET\s+KEYS\s+ACTION/);
        const planDoc = JSON.parse(readFileSync(plan, 'utf8')) as { secrets: unknown[] };
        expect(planDoc.secrets.length).toBeGreaterThan(repo.placed.length / 4);

        srv.faults.failNext(1, 'kmsEncrypt', { op: 'CreateSecret' });
        const failed = await cli('apply --debug (KMS failure)', ['migrate', '.', '--plan', plan, ...endpoint, '--apply', '--yes', '--debug'], root, env);
        srv.faults.clear();
        expect(failed.code, failed.stderr.slice(-500)).toBe(2);
        expect(failed.stderr).toMatch(/KMS could not encrypt/);

        const applied = await cli('apply --debug (re-run)', ['migrate', '.', '--plan', plan, ...endpoint, '--apply', '--yes', '--debug'], root, env);
        expect(applied.code, applied.stderr.slice(-800)).toBe(0);

        // Files the tool wrote that describe secrets: 0600 (the state folder 0700).
        const state = join(root, '.secret-sweep');
        const journal = join(state, 'journal.jsonl');
        const tokenKey = join(state, 'token-key');
        const reportMd = join(root, 'secret-sweep-migration.md');
        const reportJson = join(root, 'secret-sweep-migration.json');
        expect(mode(state), '.secret-sweep/').toBe(0o700);
        for (const f of [plan, journal, tokenKey, reportMd, reportJson]) expect(mode(f), f).toBe(0o600);
        expect(existsSync(join(state, 'lock')), 'lock released').toBe(false);
        const stateFiles = readdirSync(state).filter((f) => !['.gitignore', 'journal.jsonl', 'token-key'].includes(f));
        expect(stateFiles, 'nothing else in .secret-sweep/').toEqual([]);

        // The filter-repo replacements file: the documented exception, outside the repository, 0600, said so.
        const report = JSON.parse(readFileSync(reportJson, 'utf8')) as {
          replacementsFile: string; replacementsNote: string; secrets: unknown[];
          manual: Array<{ file: string; line: number }>;
        };
        const replacements = report.replacementsFile;
        expect(replacements.startsWith(out + '/'), replacements).toBe(true);
        expect(mode(replacements)).toBe(0o600);
        expect(report.replacementsNote).toMatch(/PLAINTEXT/);
        expect(readFileSync(reportMd, 'utf8')).toMatch(/It holds every migrated value in plaintext/);
        expect(applied.stderr).toContain(`${replacements} holds the values in PLAINTEXT`);

        // The leak check over every other output.
        const journalText = readFileSync(journal, 'utf8');
        expect(journalText).toMatch(/"step":"run-failed".*KMS/);
        const scrub = [
          ...toolValues(planDoc, TOOL_KEYS),
          ...toolValues(report, TOOL_KEYS),
          ...journalText.trim().split('\n').flatMap((l) => toolValues(JSON.parse(l), TOOL_KEYS)),
          readFileSync(tokenKey, 'utf8').trim(),
        ].filter((s) => s.length >= 5);
        const stored = [...srv.state.values()].filter((s) => s.name.startsWith(`prod/${app}/`));
        expect(stored.length).toBe(report.secrets.length);
        const vaultText: Array<[string, string]> = stored.map((s) => [`vault: ${s.name} description and tags`, [s.description ?? '', ...[...s.tags].flat()].join('\n')]);
        const places: Array<[string, Array<[string, string]>]> = [
          ...[dry, failed, applied].map((r) => [r.label, [['stdout', r.stdout], ['stderr', r.stderr]]] as [string, Array<[string, string]>]),
          ['files', [[plan, readFileSync(plan, 'utf8')], [journal, journalText], [tokenKey, readFileSync(tokenKey, 'utf8')], [reportMd, readFileSync(reportMd, 'utf8')], [reportJson, readFileSync(reportJson, 'utf8')]]],
          ['vault', vaultText],
        ];
        const benignGrams = new Set<string>();
        for (const s of [...ruleText, ...toolText, ...repo.benign, `sm://prod/${app}/`]) grams(s, benignGrams);
        const leaks: Leak[] = places.flatMap(([run, p]) => leaksIn(run, p, repo.placed, benignGrams, scrub));
        expect(leaks.slice(0, 20), `${leaks.length} leak(s) (seed ${SEED})`).toEqual([]);

        // The check is live: the replacements file, checked the same way, holds most of the values.
        const control = leaksIn('replacements', [[replacements, readFileSync(replacements, 'utf8')]], repo.placed, benignGrams, scrub);
        expect(new Set(control.map((l) => l.rule)).size).toBeGreaterThan(new Set(repo.placed.map((p) => p.label)).size * 0.5);

        // The rewritten places no longer hold their values; a value still there is listed as left for a human.
        const manual = new Set(report.manual.map((m) => `${m.file}:${m.line}`));
        for (const p of repo.placed) {
          if (p.kind === 'example') continue;
          const text = readFileSync(join(root, p.file), 'utf8');
          if (text.includes(p.secret)) {
            manualPlaces++;
            expect(manual.has(`${p.file}:${p.line}`), `${p.file}:${p.line} (${p.label}) still holds its value and is not listed as manual`).toBe(true);
          } else rewrittenPlaces++;
        }
        rmSync(root, { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: REPOS, endOnFailure: true },
    );
    console.log(`redaction property (migrate): seed ${SEED}: ${[...kinds].map(([k, v]) => `${v} ${k}`).join(', ')} of ${covered.size}/${rules.length} rules in ${REPOS} repositor${REPOS === 1 ? 'y' : 'ies'}; rules not placed: ${rules.map((r) => r.id).filter((id) => !covered.has(id)).join(' ') || 'none'}; assignments rewritten: ${rewrittenPlaces}, left for a human (listed): ${manualPlaces}`);
    // Most assignments are rewritten (the rewriters are exercised, not only the leak check).
    expect(rewrittenPlaces).toBeGreaterThan((rewrittenPlaces + manualPlaces) / 2);
  }, 300_000);

  it(`--backend dotenv: ${DOTENV_SECRETS} generated secrets, seed ${SEED}: the values go only to the git-ignored 0600 .env (and the filter-repo file)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(itemArb, { minLength: DOTENV_SECRETS * 2, maxLength: DOTENV_SECRETS * 2 }), async (items) => {
        const root = join(work, 'dotenv-repo');
        const out = join(work, 'dotenv-out');
        mkdirSync(root);
        mkdirSync(out);
        // No .env of the user's: the backend creates it.
        const repo = buildRepo(root, items, byRule, DOTENV_SECRETS, KINDS.filter((k) => k !== 'env'));
        const app = 'redactenv';
        const env = { TMPDIR: out };
        const dry = await cli('dotenv dry run --debug', ['migrate', '.', '--app', app, '--env', 'prod', '--backend', 'dotenv', '--debug'], root, env);
        expect(dry.code, dry.stderr.slice(-500)).toBe(0);
        const applied = await cli('dotenv apply --debug', ['migrate', '.', '--app', app, '--env', 'prod', '--backend', 'dotenv', '--apply', '--yes', '--debug'], root, env);
        expect(applied.code, applied.stderr.slice(-800)).toBe(0);

        const dotenv = join(root, '.env');
        const example = join(root, '.env.example');
        const journal = join(root, '.secret-sweep', 'journal.jsonl');
        const reportMd = join(root, 'secret-sweep-migration.md');
        const reportJson = join(root, 'secret-sweep-migration.json');
        for (const f of [dotenv, journal, join(root, '.secret-sweep', 'token-key'), reportMd, reportJson]) expect(mode(f), f).toBe(0o600);
        expect(git(root, 'check-ignore', '-q', '--', '.env').length, '.env is git-ignored').toBe(0);
        const report = JSON.parse(readFileSync(reportJson, 'utf8')) as { replacementsFile: string; secrets: unknown[] };
        expect(report.replacementsFile.startsWith(out + '/')).toBe(true);
        expect(mode(report.replacementsFile)).toBe(0o600);

        const journalText = readFileSync(journal, 'utf8');
        const scrub = [...toolValues(report, TOOL_KEYS), ...journalText.trim().split('\n').flatMap((l) => toolValues(JSON.parse(l), TOOL_KEYS))].filter((s) => s.length >= 5);
        const benignGrams = new Set<string>();
        for (const s of [...ruleText, ...toolText, ...repo.benign]) grams(s, benignGrams);
        const places: Array<[string, Array<[string, string]>]> = [
          ...[dry, applied].map((r) => [r.label, [['stdout', r.stdout], ['stderr', r.stderr]]] as [string, Array<[string, string]>]),
          ['files', [[example, readFileSync(example, 'utf8')], [journal, journalText], [reportMd, readFileSync(reportMd, 'utf8')], [reportJson, readFileSync(reportJson, 'utf8')]]],
        ];
        const leaks: Leak[] = places.flatMap(([run, p]) => leaksIn(run, p, repo.placed, benignGrams, scrub));
        expect(leaks.slice(0, 20), `${leaks.length} leak(s) (seed ${SEED})`).toEqual([]);
        // The .env is the vault here: it holds the values (the control that the check sees them).
        const control = leaksIn('.env', [[dotenv, readFileSync(dotenv, 'utf8')]], repo.placed, benignGrams, scrub);
        expect(new Set(control.map((l) => l.rule)).size).toBeGreaterThan(new Set(repo.placed.map((p) => p.label)).size * 0.5);
        rmSync(root, { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: 1, endOnFailure: true },
    );
  }, 120_000);
});
