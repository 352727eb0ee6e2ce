/**
 * `secret-sweep migrate [PATH]`: plan (dry run by default), save / load plans, apply with a journal,
 * resume, report. Flags in, exit code out; the work is in src/migrate/.
 */
import { withoutSecrets } from '../../findings/detected-text.js';
import type { CommandModule } from 'yargs';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { SweepError } from '../../errors.js';
import type { Finding } from '../../findings/finding.js';
import { readFileFragment } from '../../sources/read-file.js';
import { buildPlan, formatLocation, valueKey, type Plan, type PlanValues } from '../../migrate/plan.js';
import { loadPlan, savePlan } from '../../migrate/plan-file.js';
import { adoptPriorNames, applyPlan, checkCleanTree, resolveActions, DEFAULT_CONCURRENCY, type Problem, type Resolution } from '../../migrate/apply.js';
import { Journal, Lock, priorState, STATE_DIR, tokenKey } from '../../migrate/journal.js';
import { REPORT_JSON, REPORT_MD, writeReports } from '../../migrate/report.js';
import type { RewriteRunResult } from '../../migrate/rewrite/run-rewriters.js';
import { isVaultError, type Tags, type Vault } from '../../migrate/vault/vault.js';
import { configAndRules, DEFAULT_MAX_FILE_SIZE, resolveRoot } from '../common.js';
import { executeScan } from './scan.js';

export interface MigrateArgs {
  path: string;
  app?: string;
  env?: string;
  'name-template'?: string;
  backend: string;
  region?: string;
  profile?: string;
  'endpoint-url'?: string;
  'kms-key-id'?: string;
  tag?: string[];
  'plan-out'?: string;
  plan?: string;
  apply?: boolean;
  yes?: boolean;
  'allow-dirty'?: boolean;
  'include-history'?: boolean;
  'update-existing'?: boolean;
  'rotation-lambda'?: string;
  'rotation-days'?: number;
  concurrency?: number;
  config?: string;
  debug?: boolean;
}

const PRICE_PER_SECRET = 0.4;
const PRICE_PER_10K_CALLS = 0.05;

function parseTags(list: string[] | undefined): Tags {
  const tags: Tags = {};
  for (const t of list ?? []) {
    const i = t.indexOf('=');
    const k = i > 0 ? t.slice(0, i) : '';
    const v = i > 0 ? t.slice(i + 1) : '';
    if (!k || k.length > 128 || v.length > 256 || k.toLowerCase().startsWith('aws:') || !/^[\p{L}\p{N} _.:/=+\-@]+$/u.test(k) || !/^[\p{L}\p{N} _.:/=+\-@]*$/u.test(v)) {
      throw new SweepError(`--tag ${JSON.stringify(t)}: use key=value (key 1-128, value up to 256 letters, digits, spaces and _.:/=+-@; keys may not start with aws:)`);
    }
    tags[k] = v;
  }
  return tags;
}

async function makeVault(args: MigrateArgs, root: string): Promise<Vault & { close?: () => void }> {
  if (args.backend === 'dotenv') {
    const { DotenvVault } = await import('../../migrate/vault/dotenv.js');
    return new DotenvVault({ root });
  }
  const { AwsVault } = await import('../../migrate/vault/aws.js');
  return new AwsVault({ region: args.region, profile: args.profile, endpoint: args['endpoint-url'] });
}

/** Working-tree findings, plus history-only ones with --include-history. */
async function findingsFor(args: MigrateArgs, root: string): Promise<Finding[]> {
  const res = await executeScan({ path: root, format: 'json', config: args.config, gitignore: true, debug: args.debug }, { forReport: false });
  const findings = res.findings;
  if (args['include-history']) {
    const { config, rules } = configAndRules(root, args.config);
    const { scanHistory } = await import('../../scan/history-scan.js');
    const hist = await scanHistory({
      path: root, specs: rules, progress: false,
      detectorOptions: { allowlist: { regexes: config.allowlist.regexes, stopwords: config.allowlist.stopwords }, salt: config.fingerprintSalt },
      maxFileSize: config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, excludePaths: config.allowlist.paths,
    });
    // Values still in the working tree keep their working-tree location (and gain their history places);
    // values only in history come in as history-only locations (rotate and scrub; nothing to rewrite).
    const atHead = new Map(findings.map((f) => [f.fingerprint, f]));
    for (const h of hist.findings) {
      const head = atHead.get(h.fingerprint);
      if (head) {
        if (h.provenances?.length) head.provenances = h.provenances;
      } else if (h.presentAtHead === false) findings.push(h);
    }
  }
  return findings;
}

function readTexts(root: string, findings: Finding[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of findings) {
    if (f.presentAtHead === false || files.has(f.file) || f.file === '-') continue;
    const r = readFileFragment(root, f.file, DEFAULT_MAX_FILE_SIZE * 4);
    if ('fragment' in r) files.set(f.file, r.fragment.text);
  }
  return files;
}

/** The plan table: secret name, JSON keys, where found (redacted), action. */
export function renderPlanTable(plan: Plan, opts: { backend: string; vaultNote?: string; rewrites?: RewriteRunResult }): string {
  const rows: string[][] = [];
  for (const s of plan.secrets) {
    const keys = s.fields.map((f) => (f.secret ? `${f.key}*` : f.key)).join(', ');
    const found: string[] = [];
    for (const f of s.fields) {
      if (!f.secret) continue;
      const locs = f.locations.map(formatLocation);
      found.push(`${f.key} ${f.redacted} ${locs.slice(0, 3).join(', ')}${locs.length > 3 ? ` +${locs.length - 3} more` : ''}`);
    }
    const action = s.action + (s.note ? ` (${s.note})` : '');
    rows.push([s.name, keys, action, found[0] ?? '']);
    for (const extra of found.slice(1)) rows.push(['', '', '', extra]);
  }
  const head = ['SECRET', 'KEYS', 'ACTION', 'FOUND AT (redacted)'];
  const w = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd();
  const out = [line(head), ...rows.map(line)];
  const created = plan.secrets.filter((s) => s.action === 'create').length;
  const calls = plan.secrets.length * 2 + plan.secrets.filter((s) => s.action !== 'reuse' && s.action !== 'skip').length * 2;
  out.push('', '* = secret value; the other keys are plain settings found next to it and stored with it.');
  out.push(
    `Cost: ${plan.secrets.length} secret(s) x $${PRICE_PER_SECRET.toFixed(2)} = $${(plan.secrets.length * PRICE_PER_SECRET).toFixed(2)}/month`
    + ` (${created} new), plus $${PRICE_PER_10K_CALLS.toFixed(2)} per 10,000 API calls (this migration: about ${calls} calls, $${((calls / 10000) * PRICE_PER_10K_CALLS).toFixed(4)});`
    + ' list prices, check your region.',
  );
  if (opts.backend === 'dotenv') out.push('(dotenv backend: no AWS cost; values go to a git-ignored .env)');
  out.push(`Code edits: ${plan.edits.length} file(s)${plan.edits.length ? ':' : ''}`);
  for (const e of plan.edits) out.push(`  ${e.summary}`);
  const rw = opts.rewrites;
  if (rw?.generated.length) out.push(`Generated: ${rw.generated.join(', ')}`);
  if (rw?.manual.length) {
    out.push(`Left for you (manual): ${rw.manual.length} place(s):`);
    for (const m of rw.manual) out.push(`  ${m.file}:${m.line}: ${m.secretName}#${m.jsonKey}: ${m.reason}`);
  }
  if (plan.skipped.length) {
    out.push(`Not migrated: ${plan.skipped.length} value(s):`);
    for (const k of plan.skipped) out.push(`  ${formatLocation(k.location)}: ${k.reason}`);
  }
  for (const w2 of plan.warnings) out.push(`warning: ${w2}`);
  if (opts.vaultNote) out.push(`note: ${opts.vaultNote}`);
  return out.join('\n') + '\n';
}

function setActions(plan: Plan, resolutions: Resolution[], problems: Problem[]): void {
  const byName = new Map(resolutions.map((r) => [r.secret.name, r]));
  const bad = new Map(problems.map((p) => [p.name, p.message]));
  for (const s of plan.secrets) {
    const r = byName.get(s.name);
    if (bad.has(s.name)) {
      s.action = /scheduled for deletion/.test(bad.get(s.name)!) ? 'skip' : 'update';
      s.note = /scheduled for deletion/.test(bad.get(s.name)!) ? 'scheduled for deletion: restore it first' : 'different value: needs --update-existing';
    } else if (r) {
      s.action = r.action;
      s.note = r.note;
    }
  }
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const a = await rl.question(question);
    return /^y(es)?$/i.test(a.trim());
  } finally {
    rl.close();
  }
}

export function migrateCommand(setCode: (c: number) => void): CommandModule<object, MigrateArgs> {
  return {
    command: 'migrate [path]',
    describe: 'Move the credentials found into AWS Secrets Manager (dry run unless --apply)',
    builder: (y) =>
      y
        .positional('path', { type: 'string', default: '.', describe: 'Repository to migrate' })
        .option('app', { type: 'string', describe: 'Application name, {app} in secret names' })
        .option('env', { type: 'string', describe: 'Environment, {env} in secret names (prod, dev, ...)' })
        .option('name-template', { type: 'string', default: '{env}/{app}/{resource}', describe: 'Secret names' })
        .option('backend', { type: 'string', choices: ['aws', 'dotenv'], default: 'aws', describe: 'Where secrets go' })
        .option('region', { type: 'string', describe: 'AWS region (default: AWS_REGION / profile)' })
        .option('profile', { type: 'string', describe: 'AWS profile' })
        .option('endpoint-url', { type: 'string', describe: 'Secrets Manager endpoint (LocalStack, tests)' })
        .option('kms-key-id', { type: 'string', describe: 'KMS key for new secrets' })
        .option('tag', { type: 'string', array: true, describe: 'Extra tag key=value for new secrets (repeatable)' })
        .option('plan-out', { type: 'string', describe: 'Save the plan (no secret values) to FILE for review' })
        .option('plan', { type: 'string', describe: 'Apply exactly this saved plan' })
        .option('apply', { type: 'boolean', describe: 'Write to the vault (default: dry run)' })
        .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' })
        .option('allow-dirty', { type: 'boolean', describe: 'Apply even with uncommitted changes' })
        .option('include-history', { type: 'boolean', describe: 'Also migrate values found only in git history' })
        .option('update-existing', { type: 'boolean', describe: 'Store a new version when a secret exists with another value' })
        .option('rotation-lambda', { type: 'string', describe: 'Rotation Lambda ARN (with --rotation-days)' })
        .option('rotation-days', { type: 'number', describe: 'Rotate every N days (with --rotation-lambda)' })
        .option('concurrency', { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Vault calls in flight at once' })
        .option('config', { alias: 'c', type: 'string', describe: 'Config file (default: PATH/.secret-sweep.yaml)' })
        .conflicts('plan', 'plan-out')
        .example('$0 migrate . --app etl --env prod', 'dry run: show the plan and its cost')
        .example('$0 migrate . --app etl --env prod --plan-out plan.json', 'save the plan for review')
        .example('$0 migrate . --plan plan.json --apply --yes', 'apply exactly the reviewed plan') as never,
    handler: async (args) => {
      setCode(await runMigrate(args));
    },
  };
}

export async function runMigrate(args: MigrateArgs): Promise<number> {
  const root = resolveRoot(args.path);
  const err = (s: string) => process.stderr.write(withoutSecrets(s) + '\n');
  if (Boolean(args['rotation-lambda']) !== (args['rotation-days'] !== undefined)) {
    throw new SweepError('--rotation-lambda and --rotation-days go together');
  }
  const days = args['rotation-days'];
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 1000)) throw new SweepError('--rotation-days must be a whole number from 1 to 1000');
  if (args.backend === 'dotenv' && (args['rotation-lambda'] || args['kms-key-id'])) {
    throw new SweepError('--rotation-lambda and --kms-key-id need --backend aws');
  }
  const concurrency = Math.max(1, Math.min(64, Math.floor(args.concurrency ?? DEFAULT_CONCURRENCY)));
  const userTags = parseTags(args.tag);
  const { config, rules } = configAndRules(root, args.config);
  if (args.apply) await removeTempsOfKilledRuns(root, err);

  let plan: Plan;
  let values: PlanValues;
  if (args.plan) {
    ({ plan, values } = await loadPlan(resolve(args.plan), {
      root, rules,
      detector: { allowlist: { regexes: config.allowlist.regexes, stopwords: config.allowlist.stopwords }, salt: config.fingerprintSalt },
    }));
    for (const [flag, v, p] of [['--app', args.app, plan.app], ['--env', args.env, plan.env]] as const) {
      if (v !== undefined && v !== p) throw new SweepError(`${flag} ${v} differs from the plan's ${p}: make a new plan, or drop ${flag}`);
    }
  } else {
    if (!args.app || !args.env) throw new SweepError('--app and --env are required (they name the secrets: {env}/{app}/{resource})');
    const findings = await findingsFor(args, root);
    ({ plan, values } = buildPlan({
      findings, files: readTexts(root, findings), app: args.app, env: args.env,
      nameTemplate: args['name-template'], salt: config.fingerprintSalt,
    }));
  }

  // After an unfinished run: the names and keys it stored its values under (dry run and apply alike).
  const earlier = priorState(Journal.read(root));
  if (earlier.stored.size) {
    for (const r of adoptPriorNames(plan, values, earlier, tokenKey(root))) {
      err(`secret-sweep: ${r.to}: an unfinished run stored ${r.from === r.to ? 'these values under other keys' : `the values this run alone would call ${r.from}`} there; the code keeps referring to it`);
    }
  }

  if (plan.secrets.length === 0) {
    err(`secret-sweep: nothing to migrate in ${root}${plan.skipped.length ? ` (${plan.skipped.length} value(s) skipped)` : ''}`);
    if (args['plan-out']) savePlan(args['plan-out'], plan);
    if (args.apply) finishInterrupted(root, plan, args, err);
    return 0;
  }

  const { runRewriters } = await import('../../migrate/rewrite/run-rewriters.js');
  const rewriteOpts = { root, plan, backend: args.backend, region: args.region ?? process.env.AWS_REGION };
  const vault = await makeVault(args, root);
  try {
    let preview: RewriteRunResult | undefined;
    if (!args.apply || args['plan-out']) {
      // The code edits this plan makes, computed in memory (nothing written).
      preview = await runRewriters({ ...rewriteOpts, write: false });
      plan.edits = preview.edits;
    }
    if (!args.apply) {
      // Dry run: read-only checks against the vault (Describe/Get), nothing written anywhere.
      let vaultNote: string | undefined;
      try {
        const { resolutions, problems } = await resolveActions(plan, values, vault, {
          updateExisting: args['update-existing'], concurrency, tokenKey: randomBytes(32),
        });
        setActions(plan, resolutions, problems);
      } catch (e) {
        if (!isVaultError(e)) throw e;
        vaultNote = `could not check the vault, so every action says create: ${e.oneLine()}`;
      }
      process.stdout.write(`Plan for app ${plan.app}, env ${plan.env}: ${plan.secrets.length} secret(s), backend ${args.backend}\n\n`);
      process.stdout.write(renderPlanTable(plan, { backend: args.backend, vaultNote, rewrites: preview }));
      if (args['plan-out']) {
        savePlan(args['plan-out'], plan);
        err(`secret-sweep: plan saved to ${args['plan-out']} (no secret values)`);
      }
      err('secret-sweep: dry run, nothing was written. Apply with --apply.');
      return 0;
    }

    if (args['plan-out']) savePlan(args['plan-out'], plan);
    if (!args.yes) {
      if (!process.stdin.isTTY || !process.stderr.isTTY) {
        throw new SweepError('--apply without --yes needs a terminal to confirm: add --yes (nothing was written)');
      }
      const ok = await confirm(`Store ${plan.secrets.length} secret(s) for ${plan.env}/${plan.app} in ${args.backend}? [y/N] `);
      if (!ok) {
        err('secret-sweep: nothing was written.');
        return 0;
      }
    }

    // Preconditions before any write.
    if (!args['allow-dirty']) {
      const ours = [REPORT_MD, REPORT_JSON];
      for (const p of [args.plan, args['plan-out']]) {
        if (!p) continue;
        const rel = relative(root, resolve(p));
        if (!rel.startsWith('..') && !isAbsolute(rel)) ours.push(rel.split('\\').join('/'));
      }
      if (args.backend === 'dotenv') ours.push('.env', '.env.example', '.gitignore');
      // Files an interrupted run already rewrote are its changes: the resumed run finishes them.
      ours.push(...priorState(Journal.read(root)).touched);
      await checkCleanTree(root, ours);
    }
    const lock = Lock.acquire(root);
    let journal: Journal | undefined;
    try {
      const prior = priorState(Journal.read(root));
      journal = Journal.open(root);
      if (prior.interrupted) err(`secret-sweep: resuming after an interrupted run (${prior.interrupted.run}, stopped after ${prior.interrupted.lastStep})`);
      const { outcomes } = await applyPlan({
        plan, values, vault, journal, tokenKey: tokenKey(root), prior,
        updateExisting: args['update-existing'], kmsKeyId: args['kms-key-id'], tags: userTags,
        rotation: args['rotation-lambda'] ? { lambdaArn: args['rotation-lambda'], days: days! } : undefined,
        concurrency,
        log: (l) => err(`secret-sweep: ${l}`),
      });
      // Every secret is written and read back: now the code. Each file write is journaled; a killed run
      // resumes with the files whose values are still there (the rewritten ones have none left).
      const j = journal;
      const rewrites = await runRewriters({
        ...rewriteOpts, write: true,
        onGenerated: (file) => j.append({ step: 'file-generated', file }),
        onBeforeWrite: (file) => j.append({ step: 'file-begin', file }),
        onFileWritten: (file, rewriter) => j.append({ step: 'file-rewritten', file, rewriter }),
      });
      plan.edits = rewrites.edits;
      const files = writeReports({
        root, plan, values, outcomes, backend: args.backend, region: args.region ?? process.env.AWS_REGION, runId: journal.run, rewrites,
        earlier: [...prior.verified].map(([name, v]) => ({ name, ...v })),
      });
      journal.append({ step: 'report-written' });
      journal.append({ step: 'run-done', detail: `${outcomes.length} secret(s)` });
      const n = (a: string) => outcomes.filter((o) => o.action === a).length;
      err(`secret-sweep: ${n('created')} created, ${n('updated')} updated, ${n('reused')} already there; report: ${relative(process.cwd(), files.markdown) || files.markdown}`);
      err(`secret-sweep: ${rewrites.edits.length} file(s) rewritten${rewrites.generated.length ? `, ${rewrites.generated.length} generated (${rewrites.generated.join(', ')})` : ''}`
        + `${rewrites.manual.length ? `; ${rewrites.manual.length} place(s) left for you, listed in the report` : ''}`);
      err(`secret-sweep: ${files.replacements} holds the values in PLAINTEXT for \`git filter-repo --replace-text\`; delete it when done. Rotate every value (see the report).`);
      return 0;
    } finally {
      journal?.close();
      lock.release();
    }
  } finally {
    (vault as { close?: () => void }).close?.();
  }
}

/**
 * Before an apply reads the work tree: a run killed in the middle of a write leaves its temp file next to
 * the file (an untracked file that would fail the clean-tree check; for `.env`, one holding values).
 * Remove those of the files unfinished runs began to write, and of the files every run writes.
 */
async function removeTempsOfKilledRuns(root: string, err: (s: string) => void): Promise<void> {
  if (!existsSync(join(root, STATE_DIR))) return;
  const { removeStaleTemps } = await import('../../migrate/rewrite/fixer.js');
  const files = new Set([...priorState(Journal.read(root)).touched, '.env', '.env.example', '.gitignore', REPORT_MD, REPORT_JSON]);
  const removed = await removeStaleTemps(root, files);
  if (removed.length) err(`secret-sweep: removed ${removed.length} temp file(s) a killed run left: ${removed.join(', ')}`);
}

/**
 * `migrate --apply` found nothing left to migrate. When an earlier run was killed after its last
 * secret (its rewrites are what removed the values), close it in the journal so it is not resumed again.
 */
function finishInterrupted(root: string, plan: Plan, args: MigrateArgs, err: (s: string) => void): void {
  if (!existsSync(join(root, STATE_DIR))) return;
  // The lock also refuses a run in progress, and clears one left by a killed run.
  const lock = Lock.acquire(root);
  const prior = priorState(Journal.read(root));
  if (!prior.interrupted) {
    lock.release();
    return;
  }
  const journal = Journal.open(root);
  try {
    err(`secret-sweep: resuming after an interrupted run (${prior.interrupted.run}, stopped after ${prior.interrupted.lastStep}): its secrets are stored and its code already rewritten`);
    journal.append({ step: 'run-start', pid: process.pid, detail: '0 secret(s)', resumes: prior.interrupted.run });
    if (prior.interrupted.lastStep !== 'report-written') {
      // Killed after its last rewrite, before its report: write the report from what the journal knows.
      writeReports({
        root, plan, values: new Map(), outcomes: [], backend: args.backend, region: args.region ?? process.env.AWS_REGION,
        runId: journal.run, earlier: [...prior.verified].map(([name, v]) => ({ name, ...v })),
      });
      journal.append({ step: 'report-written' });
    }
    journal.append({ step: 'run-done', detail: 'nothing left to migrate' });
  } finally {
    journal.close();
    lock.release();
  }
}

export { valueKey };
