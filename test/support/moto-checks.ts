/**
 * Checks the moto end-to-end migrate tests share: what the emulator holds under a prefix, a hash of a
 * work tree, and what a `git filter-repo --replace-text` scrub leaves in the blobs of every ref.
 */
import { expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeSecretCommand, ListSecretsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { workTreeFiles } from './tree.js';

export const hasFilterRepo = spawnSync('git', ['filter-repo', '--version'], { stdio: 'ignore' }).status === 0;

/** The secrets whose names start with `prefix`, each with its number of versions. */
export async function storedSecrets(sm: SecretsManagerClient, prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await sm.send(new ListSecretsCommand({ NextToken: token, Filters: [{ Key: 'name', Values: [prefix] }] }));
    for (const s of page.SecretList ?? []) {
      const d = await sm.send(new DescribeSecretCommand({ SecretId: s.Name! }));
      out.set(s.Name!, Object.keys(d.VersionIdsToStages ?? {}).length);
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** File -> sha256 of the work tree, without migrate's own git-ignored state (`.secret-sweep/`). */
export function hashTree(root: string, without: readonly string[] = []): Map<string, string> {
  return new Map(workTreeFiles(root)
    .filter((f) => !f.startsWith('.secret-sweep/') && !without.includes(f))
    .map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]));
}

/** The report files a re-run rewrites (its run id and time change). */
export const REPORT_FILES = ['secret-sweep-migration.md', 'secret-sweep-migration.json'];

/**
 * Scrub a `--no-local` clone of `repo` (made in `scratch`) with the replacements file the report names;
 * the values still present in any blob of any ref.
 */
export function valuesLeftAfterScrub(repo: string, scratch: string, replacementsFile: string, values: readonly string[]): string[] {
  const c = join(scratch, 'c');
  execFileSync('git', ['clone', '-q', '--no-local', repo, c], { stdio: 'pipe' });
  execFileSync('git', ['filter-repo', '--replace-text', replacementsFile], { cwd: c, stdio: 'pipe' });
  const blobs = execFileSync('sh', ['-c', 'git rev-list --objects --all | cut -d" " -f1 | git cat-file --batch'], { cwd: c, maxBuffer: 256 << 20 }).toString('latin1');
  return values.filter((v) => blobs.includes(v));
}

/**
 * The end of a moto e2e test: a second `migrate --apply` in the fresh clone writes no secret version and
 * changes no file; the scrub the report prints leaves none of `values` in any blob (skipped, with a
 * warning naming the package, where git filter-repo is missing).
 */
export async function expectRerunAndScrub(o: {
  clone: string;
  repo: string;
  migrateAgain: () => Promise<{ code: number | null; stderr: string }>;
  stored: () => Promise<Map<string, number>>;
  versions: Map<string, number>;
  replacementsFile: string;
  values: readonly string[];
  scratch: () => string;
  label: string;
}): Promise<void> {
  const tree = hashTree(o.clone, REPORT_FILES);
  const again = await o.migrateAgain();
  expect(again.code, again.stderr).toBe(0);
  expect(await o.stored()).toEqual(o.versions);
  expect(hashTree(o.clone, REPORT_FILES)).toEqual(tree);
  if (hasFilterRepo) expect(valuesLeftAfterScrub(o.repo, o.scratch(), o.replacementsFile, o.values)).toEqual([]);
  else console.warn(`${o.label}: history scrub not checked: git filter-repo is missing (apt-get install -y git-filter-repo)`);
}
