/**
 * Values that sit in Git LFS objects. The commit holds a pointer; the bytes are in each clone's
 * `.git/lfs/objects` and in the host's LFS store, which `git filter-repo` never sees: rewriting the pointer
 * leaves the object where it was. So the scrub first turns those paths back into plain git files
 * (`git lfs migrate export`), which filter-repo then scrubs, and the report names every object of those
 * paths for the user to delete from the host's store (no git command can: see scrub-commands.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lfsPointer } from '../sources/git/lfs.js';

/** As the gate runs git (sources/git/run.ts): a `refs/replace/*` stand-in must not hide the commit that holds the pointer. */
const env = { ...process.env, GIT_NO_REPLACE_OBJECTS: '1' };

export interface LfsValues {
  /** Paths whose LFS object held a value (at any commit). */
  paths: string[];
  /** Every LFS object (sha256 oid) those paths ever pointed at, oldest commit first. */
  oids: string[];
}

/** The LFS pointer each `rev:path` names, by the same order; undefined where it is no pointer or missing. */
function pointers(root: string, specs: readonly string[]): Array<string | undefined> {
  if (specs.length === 0) return [];
  const r = spawnSync('git', ['cat-file', '--batch'], { cwd: root, env, input: specs.map((s) => s + '\n').join(''), maxBuffer: 1 << 30 });
  if (r.status !== 0) return specs.map(() => undefined);
  const out: Array<string | undefined> = [];
  const buf = r.stdout;
  let at = 0;
  for (let i = 0; i < specs.length && at < buf.length; i++) {
    const nl = buf.indexOf(0x0a, at);
    const head = /^[0-9a-f]+ (\w+) (\d+)$/.exec(buf.toString('latin1', at, nl));
    at = nl + 1;
    if (!head) {
      out.push(undefined); // `<spec> missing`
      continue;
    }
    const size = Number(head[2]);
    const body = buf.subarray(at, at + size);
    at += size + 1;
    out.push(head[1] === 'blob' ? lfsPointer(body, false)?.oid : undefined);
  }
  return out;
}

/**
 * Which of `places` (a path at a commit; no commit: HEAD) are LFS pointers, and every object those paths
 * pointed at in any commit of any ref (an older version held the value too, or another one).
 */
export function lfsValues(root: string, places: ReadonlyArray<{ path: string; commit?: string }>): LfsValues {
  const specs = [...new Set(places.filter((p) => !/[\n\0]/.test(p.path) && !p.path.startsWith('(')).map((p) => `${p.commit ?? 'HEAD'}:${p.path}`))];
  const found = pointers(root, specs);
  const paths = [...new Set(specs.filter((_, i) => found[i]).map((s) => s.slice(s.indexOf(':') + 1)))].sort();
  const oids = new Set<string>();
  for (const path of paths) {
    const log = spawnSync('git', ['log', '--all', '--reverse', '--format=%H', '--', path], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    const commits = log.status === 0 ? log.stdout.split('\n').filter(Boolean) : [];
    for (const oid of pointers(root, commits.map((c) => `${c}:${path}`))) if (oid) oids.add(oid);
  }
  return { paths, oids: [...oids] };
}

/**
 * Whether the repository uses Git LFS: this clone has an LFS store (git-lfs made one when it checked out or
 * fetched an object), or the current commit sets up an LFS filter. A history-wide search costs a minute on
 * large repositories; one that used LFS only long ago and was never fetched here gets no fetch step, and
 * the check then stops (exit 2) naming the object to fetch.
 */
export function usesLfs(root: string): boolean {
  const dir = spawnSync('git', ['rev-parse', '--git-common-dir'], { cwd: root, env, encoding: 'utf8' });
  if (dir.status === 0 && existsSync(join(resolve(root, dir.stdout.trim()), 'lfs', 'objects'))) return true;
  const r = spawnSync('git', ['grep', '-q', '-e', 'filter=lfs', 'HEAD', '--', '.gitattributes', '**/.gitattributes'], { cwd: root, env });
  return r.status === 0;
}
