/**
 * Secrets Manager errors met by `migrate --apply` on a Node repository (test/support/sm-server.ts injects
 * them on one operation): each stops the run with exit 2 and one line on stderr naming the secret (no
 * value, no stack trace), and leaves every file of the work tree as committed: nothing leaves the code
 * unless it was stored and read back. The same command, run again without the fault, finishes.
 */
import { describe, expect, it } from 'vitest';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { commitNewRepo, git, migrateTestBed } from '../support/migrate-bed.js';
import { githubToken, password, stripeKey } from '../support/fake-secrets.js';
import type { FaultKind, Operation } from '../support/sm-server.js';

const bed = migrateTestBed();
let seq = 0;

function repo(): { dir: string; values: string[] } {
  const n = ++seq;
  const dir = bed.tempDir('ss-vaulterr-');
  const values = [password(7100 + n), githubToken(7200 + n), stripeKey(7300 + n)];
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'svc', private: true }, null, 2) + '\n',
    'src/db.js': `const password = '${values[0]}';\nmodule.exports = { password };\n`,
    'src/gh.js': `exports.token = "${values[1]}";\n`,
    'src/pay.mjs': `export const stripe = '${values[2]}';\n`,
  };
  commitNewRepo(dir, files);
  return { dir, values };
}

const migrate = (dir: string) => runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'svc', '--env', `e${seq}`, '--apply', '--yes'],
  { cwd: dir, env: { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint } });

const CASES: Array<{ name: string; kind: FaultKind; op: Operation; count: number; says: RegExp }> = [
  { name: 'KMS cannot decrypt on read-back', kind: 'kmsDecrypt', op: 'GetSecretValue', count: 1, says: /KMS|decrypt/i },
  { name: 'access denied on read-back', kind: 'accessDenied', op: 'GetSecretValue', count: 1, says: /access denied/i },
  // The SDK retries LimitExceededException like throttling: only a lasting one stops the run.
  { name: 'account secret limit on create, lasting', kind: 'limit', op: 'CreateSecret', count: 50, says: /limit|maximum/i },
];

describe('vault errors during migrate --apply on a Node repository', () => {
  it.each(CASES.map((c) => [c.name, c]))('%s: exit 2, one line naming the secret, the work tree as committed; a re-run finishes', async (_name, c) => {
    const { dir, values } = repo();
    bed.server().faults.failNext(c.count, c.kind, { op: c.op });
    const r = await migrate(dir);
    bed.server().faults.clear();
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('secret-sweep: ') && !/^secret-sweep: (created|updated|already)/.test(l));
    expect(lines.length, r.stderr).toBe(1);
    expect(lines[0]).toMatch(c.says);
    expect(lines[0]).toMatch(/prod|e\d+\/svc\//);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    for (const v of values) expect(r.stderr + r.stdout).not.toContain(v);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const again = await migrate(dir);
    expect(again.code, again.stderr).toBe(0);
    expect(git(dir, 'status', '--porcelain')).toContain('src/db.js');
  }, 120_000);
});
