/**
 * What merging a range's head into its base would commit, as commits a range scan can walk.
 *
 * A pull request's commits are not what lands: merging them into the target's tip (a merge commit, a
 * squash, or a rebase that replays them one by one) makes trees that neither side holds. Two requests can
 * each add half of a token on lines git merges without a conflict (a TOML `"""` string continued over a
 * blank line, a notebook's source strings with an empty one between them): each request's own blobs are
 * clean, the target's tip after the second merge holds the token. So for `A..B` where B does not already
 * contain A, the merge of A with B and with each non-merge commit of the range (what a rebase merge
 * replays) is computed with `git merge-tree --write-tree` and recorded as a commit whose parents are A and
 * that commit; the history log's `-c` then lists exactly what the merge itself makes (paths whose content
 * differs from both sides). The commits are objects in the clone's database that no ref points at.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Skipped } from '../source.js';
import type { RepoInfo } from './repo.js';
import { firstGitLine, runGit } from './run.js';

export interface MergeResults {
  /** Commits holding the merge results (parents: the base, then the merged commit). */
  commits: string[];
  /** `^into` when the merge target is not the range's base: its own history is not the change's. */
  exclude: string[];
  /** For the log: which merges were added. */
  note?: string;
  /** The merges could not be computed: the gate did not read what merging would commit. */
  skipped?: Skipped;
}

const IDENT = 'secret-sweep <secret-sweep@merge-result.invalid> 0 +0000';

/**
 * `args` as resolveRange gives them for `A..B` (`^A`, `B`); anything else (`A...B`) adds nothing. `into`: the
 * commit a request merges into when that is not A (GitLab's diff base is the merge base; the target's tip
 * has moved on since).
 */
export async function mergeResults(repo: RepoInfo, args: readonly string[], into?: string): Promise<MergeResults> {
  if (args.length !== 2 || !args[0]!.startsWith('^') || args[1]!.startsWith('^')) return { commits: [], exclude: [] };
  const from = args[0]!.slice(1);
  const base = into ?? from;
  const head = args[1]!;
  const exclude = base === from ? [] : [`^${base}`];
  // B contains the target: merging is a fast-forward, B's own trees are what lands.
  if ((await runGit(repo.root, ['merge-base', '--is-ancestor', base, head])).code === 0) return { commits: [], exclude: [] };
  const listed = await runGit(repo.root, ['rev-list', '--no-merges', `^${from}`, `^${base}`, head, '--']);
  if (listed.code !== 0) return failed(base, head, firstGitLine(listed.stderr));
  const sides = [...new Set([head, ...listed.stdout.toString('utf8').split('\n').filter(Boolean)])];
  // One process for every merge: a line `A C` each; a clean or conflicted merge both write a tree (the
  // conflicted one with markers, which a resolution would start from).
  const merged = await runGit(repo.root, ['merge-tree', '--stdin', '-z', '--name-only', '--no-messages', '--allow-unrelated-histories'], sides.map((c) => `${base} ${c}\n`).join(''));
  if (merged.code !== 0) return failed(base, head, firstGitLine(merged.stderr) || `git merge-tree exited with code ${merged.code}`);
  const trees = mergeTrees(merged.stdout);
  if (trees.length !== sides.length) return failed(base, head, `git merge-tree gave ${trees.length} results for ${sides.length} merges`);
  // The commit objects, written by one `git hash-object` (deterministic: fixed identity and date).
  const dir = mkdtempSync(join(tmpdir(), 'secret-sweep-merge-'));
  try {
    const files = sides.map((c, i) => {
      const f = join(dir, String(i));
      writeFileSync(f, `tree ${trees[i]}\nparent ${base}\nparent ${c}\nauthor ${IDENT}\ncommitter ${IDENT}\n\nsecret-sweep: the merge of ${c} into ${base}\n`);
      return f;
    });
    const hashed = await runGit(repo.root, ['hash-object', '-w', '-t', 'commit', '--no-filters', '--stdin-paths'], files.join('\n') + '\n');
    if (hashed.code !== 0) return failed(base, head, firstGitLine(hashed.stderr) || 'git hash-object failed');
    const commits = hashed.stdout.toString('utf8').split('\n').filter(Boolean);
    if (commits.length !== sides.length) return failed(base, head, 'git hash-object gave too few ids');
    const what = sides.length === 1 ? `${head.slice(0, 12)}` : `${head.slice(0, 12)} and ${sides.length - 1} commit${sides.length === 2 ? '' : 's'} of the range (a rebase merge replays each)`;
    const ids = commits.slice(0, 3).map((c) => c.slice(0, 12)).join(', ') + (commits.length > 3 ? `, … (${commits.length})` : '');
    return { commits, exclude, note: `the merge of ${what} into ${base.slice(0, 12)} is scanned too (what merging commits; findings there name commit${commits.length === 1 ? '' : 's'} ${ids}, made by the scan, with author secret-sweep)` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The tree of each merge in `merge-tree --stdin -z --name-only` output: `status NUL tree NUL [path NUL]... NUL`. */
function mergeTrees(out: Buffer): string[] {
  const toks = out.toString('utf8').split('\0');
  const trees: string[] = [];
  let i = 0;
  while (i + 1 < toks.length && toks[i] !== '') {
    trees.push(toks[i + 1]!);
    i += 2;
    while (i < toks.length && toks[i] !== '') i++; // conflicted paths
    i++; // the empty token ending this merge
  }
  return trees.filter((t) => /^[0-9a-f]{40,64}$/.test(t));
}

function failed(base: string, head: string, why: string): MergeResults {
  return {
    commits: [],
    exclude: [],
    skipped: { path: `(the merge of ${head.slice(0, 12)} into ${base.slice(0, 12)})`, reason: 'unreadable', detail: `what merging would commit could not be computed: ${why}; git 2.39 or later is needed` },
  };
}
