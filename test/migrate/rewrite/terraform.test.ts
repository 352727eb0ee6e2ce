/**
 * The Terraform rewriter: fixture pairs (test/fixtures/rewrite/tf-*); every output scans cleanly as HCL
 * with balanced blocks and, where the terraform binary is installed, parses with `terraform fmt -`.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scanHcl, TerraformRewriter, dataReference } from '../../../src/migrate/rewrite/terraform.js';
import type { SiteRewriteResult } from '../../../src/migrate/rewrite/sites.js';
import { casesWith, runCase } from './fixture-pairs.js';

const HAS_TERRAFORM = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const run = (name: string, rw = new TerraformRewriter()) => runCase<SiteRewriteResult>(name, () => rw);

describe('fixture pairs', () => {
  for (const name of casesWith('tf-')) {
    it(name, () => {
      // Output, sites left and secrets removed: all-fixtures.test.ts. Here: it is still HCL.
      const { c, output } = run(name);
      expect(scanHcl(output).error).toBeUndefined();
      if (HAS_TERRAFORM && c.spec.file.endsWith('.tf')) {
        const r = spawnSync('terraform', ['fmt', '-no-color', '-'], { input: output, encoding: 'utf8' });
        expect(r.stderr).not.toMatch(/Error/);
        expect(r.status).toBe(0);
      }
    });
  }

  it('adds one data source per secret and references its JSON key', () => {
    const { output } = run('tf-main');
    expect(output.match(/data "aws_secretsmanager_secret_version" "prod_orders_db"/g)).toHaveLength(1);
    expect(output).toContain(`password = ${dataReference({ secretName: 'prod/orders/db', jsonKey: 'password' })} # from the old wiki`);
    expect(output).toContain('${urlencode(jsondecode(data.aws_secretsmanager_secret_version.prod_orders_db.secret_string)["password"])}');
  });

  // Issue 13, defect 10: a provider's credentials never become a data source (for aws, of itself).
  it('provider blocks are manual with the profile / environment / assume_role edit; resources are still rewritten', () => {
    const { result, output } = run('tf-provider');
    expect(output).toContain('access_key = "fake-tf-key-id-0130"');
    expect(output).not.toMatch(/access_key\s*=\s*jsondecode|secret_key\s*=\s*jsondecode|token\s*=\s*jsondecode/);
    expect(output).toContain('password = jsondecode(data.aws_secretsmanager_secret_version.prod_etl_orders.secret_string)["password"]');
    expect(output).not.toContain('"prod_etl_aws"');
    const aws = result.unhandled.filter((u) => u.ref.secretName === 'prod/etl/aws');
    expect(aws).toHaveLength(2);
    expect(aws[0]!.reason).toContain('a cycle');
    expect(aws[0]!.suggestion).toContain('`profile = "NAME"`');
    expect(aws[0]!.suggestion).toContain('AWS_ACCESS_KEY_ID=sm://prod/etl/aws#aws_access_key_id and AWS_SECRET_ACCESS_KEY=sm://prod/etl/aws#aws_secret_access_key');
    expect(aws[0]!.suggestion).toContain('assume_role');
    expect(result.unhandled.find((u) => u.ref.secretName === 'prod/etl/github')!.suggestion).toContain('provider "github"');
  });

  it('reuses a data source a sibling file of the module declares', () => {
    const sibling = 'data "aws_secretsmanager_secret_version" "prod_db" {\n  secret_id = "prod/db"\n}\n';
    const { output } = run('tf-crlf', new TerraformRewriter({ siblings: () => [sibling] }));
    expect(output).not.toContain('data "aws_secretsmanager_secret_version"');
    expect(output).toContain('password = jsondecode(');
  });

  it('keeps CRLF and the file indentation in the added block', () => {
    const { output } = run('tf-crlf');
    expect(output.replace(/\r\n/g, '')).not.toContain('\n');
    expect(output).toContain('\r\n    secret_id = "prod/db"\r\n');
  });

  it('the scanner rejects what it does not understand', () => {
    expect(scanHcl('a = "x\n').error).toMatch(/unclosed string/);
    expect(scanHcl('b {\n').error).toMatch(/unbalanced/);
    expect(scanHcl('c = <<EOT\nno end\n').error).toMatch(/heredoc/);
    expect(scanHcl('d = "${"nested"}" # "\n').error).toBeUndefined();
  });
});
