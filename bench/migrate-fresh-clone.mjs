#!/usr/bin/env node
/**
 * Issue 13 closing note: the fresh-clone table. Runs test/migrate/fresh-clone-e2e.test.ts (a legacy
 * repository of small programs, migrated against the local Secrets Manager server, committed, cloned
 * fresh, every program run again) and prints its table: program, start command, same output, stored
 * exactly, value left in the clone, error line.
 *
 * Usage: npm run build && node bench/migrate-fresh-clone.mjs
 * Needs Debian's python3-boto3 and python3-dotenv for /usr/bin/python3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ss-fresh-clone-'));
const table = join(dir, 'table.md');
const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/migrate/fresh-clone-e2e.test.ts', '--reporter=dot'], {
  cwd: root,
  env: { ...process.env, FRESH_CLONE_TABLE: table },
  encoding: 'utf8',
  maxBuffer: 64 << 20,
});
let text = '';
try {
  text = readFileSync(table, 'utf8');
} catch {
  process.stderr.write(`no table was written (vitest exit ${r.status}):\n${r.stdout.slice(-4000)}${r.stderr.slice(-4000)}\n`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(2);
}
rmSync(dir, { recursive: true, force: true });
const rows = text.trim().split('\n').slice(2);
const pass = rows.filter((l) => / \| yes \| yes \| /.test(l)).length;
console.log(`# Fresh clone after \`secret-sweep migrate --apply\`: ${pass} of ${rows.length} pass (same output and value stored exactly)\n`);
console.log(text);
console.log(`Known-broken list matches what fails: ${r.status === 0 ? 'yes' : 'NO (see the test output)'}`);
process.exit(r.status === 0 ? 0 : 1);
