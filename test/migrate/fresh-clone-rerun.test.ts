/**
 * A re-run of `migrate --apply` from a fresh clone of the migrated and committed repository (no
 * journal, no token key, no .env: nothing git-ignored travels) changes nothing: no file, no vault write,
 * the same names. Names that depend on what else is in the tree (a second `stripe` gets its file's name
 * as suffix while the first is still there) must come from the committed record, not from this run's
 * findings alone.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCliAsync, TEST_AWS_ENV } from '../support/cli.js';
import { stripeKey, githubToken } from '../support/fake-secrets.js';
import { git, migrateTestBed } from '../support/migrate-bed.js';
import { createHash } from 'node:crypto';
import { workTreeFiles } from '../support/tree.js';

const bed = migrateTestBed();

const hashTree = (root: string) =>
  new Map(workTreeFiles(root).map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]));

const first = stripeKey(701);
const second = stripeKey(702);
const token = githubToken(703);

function writeRepo(dir: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
}

const migrate = (dir: string) => runCliAsync(['migrate', '.', '--app', 'billing', '--env', 'prod', '--endpoint-url', bed.server().endpoint, '--apply', '--yes'],
  { cwd: dir, env: TEST_AWS_ENV });

describe('migrate again from a fresh clone', () => {
  it('keeps every name, writes nothing and changes no file', async () => {
    const dir = bed.tempDir('ss-rerun-');
    writeRepo(dir, {
      // Rewritten: the first stripe key gets the plain name, prod/billing/stripe.
      'app/charge.py': `import stripe\n\nstripe.api_key = "${first}"\nprint(stripe.api_key[:3])\n`,
      // Left manual (Helm values: the reader is a chart): the second key is named after its file while
      // the first is in the tree, and would take prod/billing/stripe once the first is gone.
      'charts/billing/values.yaml': `stripe:\n  apiKey: "${second}"\n`,
      'charts/billing/Chart.yaml': 'apiVersion: v2\nname: billing\nversion: 0.1.0\n',
      'scripts/release.py': `GITHUB_TOKEN = "${token}"\n`,
    });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'legacy');
    const one = await migrate(dir);
    expect(one.code, one.stderr).toBe(0);
    const names = [...bed.server().state.keys()].sort();
    expect(names).toContain('prod/billing/stripe');
    expect(names.length).toBe(3);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'migrate');

    const clone = bed.tempDir('ss-rerun-clone-');
    execFileSync('git', ['clone', '-q', dir, clone], { stdio: 'pipe' });
    const before = hashTree(clone);
    bed.server().calls.reset();
    const again = await migrate(clone);
    const after = hashTree(clone);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f) && !f.startsWith('.secret-sweep/'));
    expect({ code: again.code, err: again.code ? again.stderr.trim().split('\n').pop() : '', writes: bed.server().calls.writeCalls(), changed })
      .toEqual({ code: 0, err: '', writes: 0, changed: [] });
    expect([...bed.server().state.keys()].sort()).toEqual(names);
    // The dry run's summary: the values the first run moved are in history only now; stored, not "not stored".
    const dry = await runCliAsync(['migrate', '.', '--app', 'billing', '--env', 'prod', '--endpoint-url', bed.server().endpoint], { cwd: clone, env: TEST_AWS_ENV });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout + dry.stderr).toMatch(/2 value\(s\) found only in git history were moved to the vault by an earlier run/);
    expect(dry.stdout + dry.stderr).not.toContain('are not stored');
    expect(readFileSync(join(clone, 'charts/billing/values.yaml'), 'utf8')).toContain(second);
  }, 120_000);
});
