/**
 * `secret-sweep verify-refs [PATH] [--region R] [--profile P] [--endpoint-url URL]`: find every Secrets
 * Manager reference in the repository and check that each secret and JSON key exists. One line per
 * reference on stdout (`file:line NAME#KEY ok|missing secret|missing key|access denied`); exit 1 when
 * anything is missing, 2 when something could not be checked. The AWS SDK is loaded only here, in the
 * handler, so other commands start fast.
 */
import { withoutSecrets } from '../../findings/detected-text.js';
import type { CommandModule } from 'yargs';
import { resolveRoot } from '../common.js';
import { collectReferences, exitCodeFor, formatChecked, verifyReferences } from '../../migrate/references.js';

export interface VerifyRefsArgs {
  path: string;
  region?: string;
  profile?: string;
  'endpoint-url'?: string;
}

export function verifyRefsCommand(setCode: (c: number) => void): CommandModule<object, VerifyRefsArgs> {
  return {
    command: 'verify-refs [path]',
    describe: 'Check that every Secrets Manager reference in the code (helpers, resolve:, Terraform, .env, shell, Actions) exists',
    builder: (y) =>
      y
        .positional('path', { type: 'string', default: '.', describe: 'Repository folder' })
        .option('region', { type: 'string', describe: 'AWS region (default: AWS_REGION)' })
        .option('profile', { type: 'string', describe: 'AWS profile (default: AWS_PROFILE)' })
        .option('endpoint-url', { type: 'string', describe: 'Secrets Manager endpoint, e.g. http://localhost:4566 for LocalStack' })
        .example('$0 verify-refs .', 'after a migration, in CI: fail when a referenced secret or key is missing')
        .example('$0 verify-refs . --region eu-west-1 --profile prod', 'check against another account') as never,
    handler: async (args) => {
      const root = resolveRoot(args.path ?? '.');
      const { refs, unreadable } = collectReferences(root);
      for (const u of unreadable) process.stderr.write(`secret-sweep: ${withoutSecrets(u)}: could not be read\n`);
      if (refs.length === 0) {
        process.stderr.write('secret-sweep: no Secrets Manager references found\n');
        setCode(0);
        return;
      }
      const { AwsVault } = await import('../../migrate/vault/aws.js');
      const vault = new AwsVault({ region: args.region, profile: args.profile, endpoint: args['endpoint-url'] });
      try {
        const checked = await verifyReferences(refs, vault);
        process.stdout.write(checked.map(formatChecked).join('\n') + '\n');
        const bad = checked.filter((r) => r.status !== 'ok').length;
        const secrets = new Set(refs.map((r) => r.secretName)).size;
        process.stderr.write(`secret-sweep: ${refs.length} reference(s) to ${secrets} secret(s): ${bad === 0 ? 'all resolve' : `${bad} do not resolve`}\n`);
        setCode(exitCodeFor(checked));
      } finally {
        vault.close();
      }
    },
  };
}
