/**
 * The shell rewriter: fixture pairs (test/fixtures/rewrite/sh-*), every output checked with `bash -n`,
 * and (when the AWS CLI and jq are installed) the rewritten script run against the local Secrets
 * Manager server, printing what the original printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ShellRewriter } from '../../../src/migrate/rewrite/shell.js';
import type { SiteRewriteResult } from '../../../src/migrate/rewrite/sites.js';
import { AwsVault } from '../../../src/migrate/vault/aws.js';
import { startSmServer } from '../../support/sm-server.js';
import { casesWith, runCase } from './fixture-pairs.js';

const run = (name: string) => runCase<SiteRewriteResult>(name, () => new ShellRewriter());
const has = (cmd: string) => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0;
const tmp = mkdtempSync(path.join(tmpdir(), 'sweep-sh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fixture pairs', () => {
  for (const name of casesWith('sh-')) {
    it(name, () => {
      // Output, sites left and secrets removed: all-fixtures.test.ts. Here: bash still parses it.
      const { output } = run(name);
      const f = path.join(tmp, `${name}.sh`);
      writeFileSync(f, output);
      expect(spawnSync('bash', ['-n', f], { encoding: 'utf8' }).stderr).toBe('');
    });
  }

  it('a literal in a command line is manual, with the edit to make', () => {
    const { result } = run('sh-manual');
    expect(result.unhandled[0]!.suggestion).toContain('"$(aws secretsmanager get-secret-value --secret-id prod/api');
  });
});

describe.skipIf(!has('aws') || !has('jq'))('end to end with the AWS CLI and jq', () => {
  it('prints what the original printed', { timeout: 300_000 }, async () => {
    const { c, output } = run('sh-script');
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const srv = await startSmServer();
    try {
      const vault = new AwsVault({ endpoint: srv.endpoint, region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
      const values = new Map<string, Record<string, string>>();
      for (const s of c.spec.sites) values.set(s.secretName, { ...values.get(s.secretName), [s.jsonKey]: s.match });
      for (const [name, v] of values) await vault.create({ name, value: JSON.stringify(v) });
      vault.close();
      writeFileSync(path.join(tmp, 'before.sh'), c.input);
      writeFileSync(path.join(tmp, 'after.sh'), output);
      const env = {
        PATH: process.env.PATH ?? '', HOME: tmp, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: srv.endpoint,
      };
      const sh = async (f: string) => (await promisify(execFile)('bash', [path.join(tmp, f)], { env, encoding: 'utf8', timeout: 120_000 })).stdout;
      const original = await sh('before.sh');
      expect(original).toContain(c.spec.sites[0]!.match);
      expect(await sh('after.sh')).toBe(original);
    } finally {
      await srv.stop();
    }
  });
});
