/**
 * A Node script with no package.json above it in the repository: the helper's SDK
 * (@aws-sdk/client-secrets-manager) cannot be declared anywhere, so a fresh clone could not install it
 * and the migrated script would fail. It stays as it is, listed as manual with the reason; it runs from
 * a fresh clone exactly as before.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { git, migrateTestBed } from '../support/migrate-bed.js';
import { githubToken } from '../support/fake-secrets.js';

const bed = migrateTestBed();

describe('a Node script outside any package', () => {
  it('is left as it is, listed as manual, and still runs from a fresh clone', async () => {
    const dir = bed.tempDir('ss-nopkg-');
    const token = githubToken(7701);
    const script = `const { createHash } = require('node:crypto');\nconst TOKEN = '${token}';\nconsole.log(createHash('sha256').update(TOKEN).digest('hex').slice(0, 12));\n`;
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts', 'sync.js'), script);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'legacy');
    const env = { ...TEST_AWS_ENV, AWS_ENDPOINT_URL: bed.server().endpoint };
    const before = await runAsync(process.execPath, ['scripts/sync.js'], { cwd: dir, env });
    const r = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'ops', '--env', 'prod', '--apply', '--yes'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'scripts', 'sync.js'), 'utf8')).toBe(script);
    expect(existsSync(join(dir, 'scripts', 'secret-sweep-secrets.cjs'))).toBe(false);
    const report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8')) as { manual: Array<{ file: string; reason: string }> };
    expect(report.manual.find((m) => m.file === 'scripts/sync.js')?.reason).toMatch(/no package\.json/);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'migrate');
    const clone = bed.tempDir('ss-nopkg-clone-');
    execFileSync('git', ['clone', '-q', dir, clone], { stdio: 'pipe' });
    const after = await runAsync(process.execPath, ['scripts/sync.js'], { cwd: clone, env });
    expect({ code: after.code, stdout: after.stdout }).toEqual({ code: 0, stdout: before.stdout });
  }, 120_000);
});
