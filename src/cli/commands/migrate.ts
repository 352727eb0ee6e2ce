/**
 * `secret-sweep migrate [PATH]`: plan (dry run by default), save / load plans, apply with a journal,
 * resume, report. Flags in, a request out (checked), exit code back; the work is in src/migrate/
 * (run-migration.ts).
 */
import type { CommandModule } from 'yargs';
import { createInterface } from 'node:readline/promises';
import { withoutSecrets } from '../../findings/detected-text.js';
import { SweepError } from '../../errors.js';
import { DEFAULT_CONCURRENCY } from '../../migrate/apply.js';
import { runMigration } from '../../migrate/run-migration.js';
import type { MigrateRequest } from '../../migrate/session.js';
import type { Tags } from '../../migrate/vault/vault.js';
import { resolveRoot } from '../common.js';

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
  'update-existing'?: string[];
  'rotation-lambda'?: string;
  'rotation-days'?: number;
  concurrency?: number;
  config?: string;
  debug?: boolean;
  verify?: boolean;
}

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
        .option('include-history', { type: 'boolean', describe: 'Also store values found only in git history (they are always reported, to rotate, and in the replacements file, to scrub)' })
        .option('update-existing', { type: 'string', array: true, describe: 'Store a new version of secret NAME although it holds another value (repeat per secret)' })
        .option('rotation-lambda', { type: 'string', describe: 'Rotation Lambda ARN (with --rotation-days)' })
        .option('rotation-days', { type: 'number', describe: 'Rotate every N days (with --rotation-lambda)' })
        .option('concurrency', { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Vault calls in flight at once' })
        .option('config', { alias: 'c', type: 'string', describe: 'Config file (default: PATH/.secret-sweep.yaml)' })
        .option('verify', { type: 'boolean', describe: 'Ask each credential\'s issuer whether it works; the report lists live ones first (as scan --verify)' })
        .conflicts('plan', 'plan-out')
        .example('$0 migrate . --app etl --env prod', 'dry run: show the plan and its cost')
        .example('$0 migrate . --app etl --env prod --plan-out plan.json', 'save the plan for review')
        .example('$0 migrate . --plan plan.json --apply --yes', 'apply exactly the reviewed plan') as never,
    handler: async (args) => {
      setCode(await runMigrate(args));
    },
  };
}

/** Flags in, request out: every flag checked here, before anything is read. */
export function requestFromArgs(args: MigrateArgs): MigrateRequest {
  const root = resolveRoot(args.path);
  if (Boolean(args['rotation-lambda']) !== (args['rotation-days'] !== undefined)) {
    throw new SweepError('--rotation-lambda and --rotation-days go together');
  }
  const days = args['rotation-days'];
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 1000)) throw new SweepError('--rotation-days must be a whole number from 1 to 1000');
  if (args.backend === 'dotenv' && (args['rotation-lambda'] || args['kms-key-id'])) {
    throw new SweepError('--rotation-lambda and --kms-key-id need --backend aws');
  }
  const update = args['update-existing'] ?? [];
  // A bare flag (yargs gives []) must not read as "overwrite whatever differs".
  if ((args['update-existing'] && update.length === 0) || update.some((n) => typeof n !== 'string' || !n.trim())) {
    throw new SweepError('--update-existing needs the NAME of the secret to overwrite, once per secret (the dry run lists them)');
  }
  return {
    root, app: args.app, env: args.env, nameTemplate: args['name-template'], backend: args.backend,
    region: args.region, profile: args.profile, endpointUrl: args['endpoint-url'], kmsKeyId: args['kms-key-id'],
    tags: parseTags(args.tag), planOut: args['plan-out'], planIn: args.plan,
    apply: args.apply === true, yes: args.yes === true, allowDirty: args['allow-dirty'] === true,
    includeHistory: args['include-history'] === true, updateExisting: update.map(String),
    rotation: args['rotation-lambda'] ? { lambdaArn: args['rotation-lambda'], days: days! } : undefined,
    concurrency: Math.max(1, Math.min(64, Math.floor(args.concurrency ?? DEFAULT_CONCURRENCY))),
    configPath: args.config, debug: args.debug === true, verify: args.verify === true,
  };
}

export async function runMigrate(args: MigrateArgs): Promise<number> {
  const request = requestFromArgs(args);
  const terminal = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  return runMigration(request, {
    out: (s) => process.stdout.write(s),
    err: (line) => process.stderr.write(withoutSecrets(line) + '\n'),
    confirm: terminal ? confirm : undefined,
  });
}
