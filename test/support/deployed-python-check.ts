/**
 * Checks shared by the deployed-Python red-team rounds (deployed-python-round4/5-e2e): every Python file
 * of a checkout compiles, and a second `migrate --apply` from the fresh clone writes nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN, runAsync } from './cli.js';
import { git } from './migrate-bed.js';
import type { SmServer } from './sm-server.js';
import { workTreeFiles } from './tree.js';

/** Each work-tree file's SHA-256, the migration's own state folder left out. */
export const hashTree = (root: string) => new Map(workTreeFiles(root)
  .filter((f) => !f.startsWith('.secret-sweep/'))
  .map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]));

/** `python` compiles each of `files` (repository-relative to `root`); bytecode goes to `pycDir`. */
export function expectCompiles(python: string, root: string, files: readonly string[], pycDir: string): void {
  const compiled = spawnSync(python, ['-c', 'import os, py_compile, sys\nfor i, f in enumerate(sys.argv[2:]): py_compile.compile(f, cfile=os.path.join(sys.argv[1], "%d.pyc" % i), doraise=True)', pycDir, ...files.map((f) => join(root, f))], { encoding: 'utf8' });
  expect(compiled.status, compiled.stderr).toBe(0);
}

/** A second `migrate --apply` in `clone`: exit 0, no file changed, nothing stored again, the report still there. */
export async function expectSecondMigrateIdle(clone: string, env: Record<string, string>, server: SmServer, redact: (s: string) => string): Promise<void> {
  const tree = hashTree(clone);
  const writes = server.calls.writeCalls();
  const again = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'shop', '--env', 'prod', '--apply', '--yes'], { cwd: clone, env });
  expect(again.code, redact(again.stderr)).toBe(0);
  expect(hashTree(clone)).toEqual(tree);
  expect(server.calls.writeCalls()).toBe(writes);
  expect(git(clone, 'status', '--porcelain')).toBe('');
  expect(existsSync(join(clone, 'secret-sweep-migration.json'))).toBe(true);
}
