/**
 * Repository discovery and validation: is PATH a repository, bare or not, shallow, empty; HEAD; rev
 * parsing for `--history REV...` and `--range A..B`.
 *
 * Discovery is one `git rev-parse` call through child_process: it sits on the `--staged` hot path
 * (a pre-commit hook). Rev parsing goes through the same runGit, with its environment (no replace refs,
 * no grafts: run.ts), so a revision resolves to the commit the scan then walks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SweepError } from '../../errors.js';
import { firstGitLine, runGit } from './run.js';

export interface RepoInfo {
  /** The path the user gave (for messages). */
  input: string;
  /** Work-tree top level; for a bare repository, or PATH inside a git directory, the git directory. Git runs here. */
  root: string;
  /** Absolute git directory. */
  gitDir: string;
  bare: boolean;
  shallow: boolean;
  /** HEAD's commit at discovery; undefined when HEAD is unborn (no commit on the current branch yet). */
  head?: string;
}

export interface HeadInfo {
  /** HEAD's commit, undefined when HEAD is unborn (no commits on the current branch yet). */
  commit?: string;
  /** The branch HEAD points to (refs/heads/...), undefined when detached. */
  branch?: string;
  detached: boolean;
}

/**
 * The one git call of discovery (exported so the pre-commit hook can start it early), HEAD's commit
 * included: `--staged` reads HEAD's config, and a separate call would cost a hook another git start.
 * rev-parse prints as it goes; with an unborn HEAD the last line is missing and it exits 1 (-q: silently).
 */
export const DISCOVERY_ARGS = ['rev-parse', '--absolute-git-dir', '--is-bare-repository', '--is-shallow-repository', '--is-inside-work-tree', '--show-cdup', '-q', '--verify', 'HEAD^{commit}'];

/** Find and validate the repository containing `path`. Throws a one-line SweepError (exit 2). */
export async function openRepo(path: string): Promise<RepoInfo> {
  const abs = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new SweepError(`${path}: no such file or directory`);
  }
  if (!isDir) throw new SweepError(`${path} is not a directory (git modes take a repository path)`);
  const r = await runGit(abs, DISCOVERY_ARGS);
  const lines = r.stdout.toString('utf8').split('\n');
  // Exit 1 with the four answers printed: only HEAD did not resolve (unborn). Anything else is an error.
  const unbornHead = r.code === 1 && r.stderr.trim() === '' && lines.length >= 4 && (lines[1] === 'true' || lines[1] === 'false');
  if (r.code !== 0 && !unbornHead) {
    if (/not a git repository/i.test(r.stderr)) throw new SweepError(`${path} is not a git repository`);
    const reason = firstGitLine(r.stderr) || 'git rev-parse failed';
    throw new SweepError(`${path}: ${reason}${/dubious ownership/i.test(reason) ? ' (it belongs to another user; see git\'s safe.directory)' : ''}`);
  }
  const gitDir = lines[0]!;
  const bare = lines[1] === 'true';
  const shallow = lines[2] === 'true';
  const inWorkTree = lines[3] === 'true';
  // --show-cdup prints a line (empty at the top) only inside a work tree; HEAD's commit comes after it.
  const cdup = inWorkTree ? (lines[4] ?? '') : '';
  const headLine = lines[inWorkTree ? 5 : 4] ?? '';
  const head = !unbornHead && /^[0-9a-f]{40,64}$/.test(headLine) ? headLine : undefined;
  let root: string;
  if (bare) root = gitDir;
  else if (inWorkTree) root = resolve(abs, cdup);
  else {
    // Inside a git directory of a non-bare repository. Git runs from the git directory itself: it finds
    // that repository there. Its parent is not always the work tree: a linked worktree's git directory is
    // .git/worktrees/NAME and a submodule's is .git/modules/NAME, whose parents belong to the superproject.
    root = gitDir;
  }
  return { input: path, root, gitDir, bare, shallow, head };
}

/** HEAD's commit and branch (detached HEAD is fine; an unborn HEAD has no commit). */
export async function headInfo(repo: RepoInfo): Promise<HeadInfo> {
  const [c, b] = await Promise.all([
    runGit(repo.root, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']),
    runGit(repo.root, ['symbolic-ref', '-q', 'HEAD']),
  ]);
  const commit = c.code === 0 ? c.stdout.toString('utf8').trim() : undefined;
  const branch = b.code === 0 ? b.stdout.toString('utf8').trim() : undefined;
  return { commit, branch, detached: branch === undefined };
}

/** True when no ref and no HEAD points at a commit: there is no history to scan. */
export async function isEmptyRepo(repo: RepoInfo): Promise<boolean> {
  if (repo.head) return false; // HEAD's commit, resolved at discovery: no git call
  const refs = await runGit(repo.root, ['for-each-ref', '--count=1', '--format=%(objectname)']);
  if (refs.code === 0 && refs.stdout.toString('utf8').trim().length > 0) return false;
  const head = await runGit(repo.root, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  return head.code !== 0;
}

/** The boundary commits of a shallow clone (history before them is absent). */
export function shallowBoundary(repo: RepoInfo): string[] {
  const f = resolve(repo.gitDir, 'shallow');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The note shown for a shallow clone, or undefined. */
export function shallowNote(repo: RepoInfo): string | undefined {
  if (!repo.shallow) return undefined;
  const b = shallowBoundary(repo);
  if (b.length === 0) return 'shallow clone: history before the clone depth is not scanned';
  const more = b.length > 1 ? ` (and ${b.length - 1} more boundary commit${b.length > 2 ? 's' : ''})` : '';
  return `shallow clone: history before ${b[0]!.slice(0, 12)}${more} is not scanned`;
}

// ---------------------------------------------------------------------------------------------------
// Rev parsing

/** Resolve one revision to a commit sha, or throw `unknown revision: REV` (exit 2). */
export async function resolveCommit(repo: RepoInfo, rev: string): Promise<string> {
  if (rev.startsWith('-'))
    // Never an option to git. A branch really named like this is reachable by its full name.
    throw new SweepError(`unknown revision: ${JSON.stringify(rev)} (a name starting with "-" is not read as a revision; write refs/heads/${rev} or refs/tags/${rev})`);
  if (rev.length === 0 || /[\0\n]/.test(rev)) throw new SweepError(`unknown revision: ${JSON.stringify(rev)}`);
  const r = await runGit(repo.root, ['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`]);
  const out = r.stdout.toString('utf8').trim();
  if (r.code === 0 && /^[0-9a-f]{40,64}$/.test(out)) {
    if (!/^[0-9a-f]{40,64}$/.test(rev)) await refuseAmbiguousName(repo, rev);
    return out;
  }
  // -q: an unknown name fails silently; anything git says is about the repository (a corrupt object).
  const said = /^(fatal|error):/m.test(r.stderr) ? firstGitLine(r.stderr) : '';
  if (said) throw new SweepError(`${repo.input}: cannot resolve ${rev}: ${said}`);
  throw new SweepError(`unknown revision: ${rev}`);
}

/** Names git looks a refname up as, after `$GIT_DIR/<name>`, in its order (git-rev-parse(1), SPECIFYING REVISIONS). */
const DWIM_REFS = (n: string) => [`refs/${n}`, `refs/tags/${n}`, `refs/heads/${n}`, `refs/remotes/${n}`, `refs/remotes/${n}/HEAD`];

/** Names already checked by refuseAmbiguousName, per repository (a gate resolves each end of its range twice). */
const unambiguous = new Set<string>();

/**
 * A name that several refs answer to resolves to the first in git's order, and a tag comes before a branch
 * or a remote-tracking branch: whoever may push a tag named `main` or `origin/main` at the head would turn
 * `--range origin/main..HEAD` into an empty range that passes. So when git says a name is ambiguous and the
 * refs it could mean name different commits (or it could also be an abbreviated commit id), stop, naming
 * them. Pseudo-refs (`HEAD`, `FETCH_HEAD`, ...) are files in the git directory, which git reads first and
 * a push cannot write: they stand.
 */
async function refuseAmbiguousName(repo: RepoInfo, rev: string): Promise<void> {
  const key = `${repo.gitDir}\0${rev}`;
  if (unambiguous.has(key)) return;
  const r = await runGit(repo.root, ['-c', 'core.warnAmbiguousRefs=true', 'rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`]);
  for (const m of r.stderr.matchAll(/refname '(.+?)' is ambiguous/g)) {
    const name = m[1]!;
    if (/^[A-Z_]*HEAD$/.test(name)) continue;
    const commitOf = async (ref: string) => {
      const c = await runGit(repo.root, ['rev-parse', '-q', '--verify', '--end-of-options', `${ref}^{commit}`]);
      return c.code === 0 ? c.stdout.toString('utf8').trim() : 'not a commit';
    };
    const picked = await commitOf(name);
    const refs = await Promise.all(DWIM_REFS(name).map(async (ref) => ({ ref, exists: (await runGit(repo.root, ['show-ref', '--verify', '-q', ref])).code === 0 })));
    const found = await Promise.all(refs.filter((x) => x.exists).map(async ({ ref }) => ({ ref, commit: await commitOf(ref) })));
    const hexLike = /^[0-9a-f]{4,39}$/i.test(name);
    if (!hexLike && found.every((f) => f.commit === picked)) continue;
    const list = found.map((f) => `${f.ref} (${f.commit.slice(0, 12)})`);
    if (hexLike) list.push('an abbreviated commit id');
    throw new SweepError(`${rev}: the name ${JSON.stringify(name)} is ambiguous: ${list.join(', ')}; git takes the first, and a pushed tag can pick it: write the full ref name or a commit id`);
  }
  unambiguous.add(key);
}

export interface RevSelection {
  /** Arguments for `git log` / `git rev-list`: commit shas, `^sha` exclusions, or `--all`. */
  args: string[];
  /** What was asked for, for notes ("all refs", "A..B"). */
  label: string;
}

/**
 * `--history [REV...]`: no revisions means every ref (and HEAD). Each REV may be a name, `^REV`,
 * `A..B` or `A...B`; every name is checked (unknown revision → SweepError).
 */
export async function resolveRevs(repo: RepoInfo, revs: string[] = []): Promise<RevSelection> {
  if (revs.length === 0) return { args: ['--all'], label: 'all refs' };
  const args: string[] = [];
  for (const rev of revs) {
    const sym = rev.indexOf('...');
    const dbl = rev.indexOf('..');
    if (sym >= 0) {
      const a = await resolveCommit(repo, rev.slice(0, sym) || 'HEAD');
      const b = await resolveCommit(repo, rev.slice(sym + 3) || 'HEAD');
      args.push(`${a}...${b}`);
    } else if (dbl >= 0) {
      const a = await resolveCommit(repo, rev.slice(0, dbl) || 'HEAD');
      const b = await resolveCommit(repo, rev.slice(dbl + 2) || 'HEAD');
      args.push(`^${a}`, b);
    } else if (rev.startsWith('^')) {
      args.push(`^${await resolveCommit(repo, rev.slice(1))}`);
    } else {
      args.push(await resolveCommit(repo, rev));
    }
  }
  return { args, label: revs.join(' ') };
}

/** `--range A..B` (or `A...B`): the commits in B not in A. */
export async function resolveRange(repo: RepoInfo, range: string): Promise<RevSelection> {
  if (!range.includes('..')) throw new SweepError(`--range expects A..B, got ${JSON.stringify(range)}`);
  const sel = await resolveRevs(repo, [range]);
  return { args: sel.args, label: range };
}

/** Variables that make git use another repository or work tree than the one PATH is in. */
const REDIRECTING_VARS = ['GIT_DIR', 'GIT_WORK_TREE'] as const;

export interface EnvironmentRepository {
  /** One line for stderr: which repository is scanned and why. */
  message: string;
  /** The environment names no usable repository: git modes stop (exit 2). */
  failed: boolean;
}

/**
 * When GIT_DIR or GIT_WORK_TREE is set and makes git use another repository (or work tree) than the one
 * `path` is in, say so: a variable left over in a shell or a CI job must not silently move a scan
 * elsewhere. Undefined when none is set, or when they name the repository git finds from `path` anyway
 * (git sets GIT_DIR for hooks in a linked worktree).
 */
export function environmentRepository(path: string): EnvironmentRepository | undefined {
  const set = REDIRECTING_VARS.filter((v) => process.env[v]);
  if (set.length === 0) return undefined;
  const why = set.map((v) => `${v}=${process.env[v]}`).join(' ');
  const withEnv = whereGitLooks(path, process.env);
  const plain = { ...process.env };
  for (const v of REDIRECTING_VARS) delete plain[v];
  const without = whereGitLooks(path, plain);
  if (!withEnv.gitDir) return { message: `${why} in the environment: ${withEnv.error || 'not a git repository'}`, failed: true };
  if (withEnv.gitDir === without.gitDir && withEnv.top === without.top) return undefined;
  const where = (g: { gitDir?: string; top?: string }) => `${g.gitDir}${g.top ? ` with work tree ${g.top}` : ''}`;
  const instead = without.gitDir ? `without them: ${where(without)}` : `${path} alone is not in a repository`;
  return { message: `scanning the repository at ${where(withEnv)}, from ${why} in the environment (${instead})`, failed: false };
}

function whereGitLooks(path: string, env: NodeJS.ProcessEnv): { gitDir?: string; top?: string; error?: string } {
  // rev-parse prints as it goes: the git directory even when --show-toplevel then fails (a bare repository).
  const r = spawnSync('git', ['rev-parse', '--absolute-git-dir', '--show-toplevel'], { cwd: resolve(path), env: { ...env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }, encoding: 'utf8' });
  const [gitDir, top] = (r.stdout ?? '').split('\n');
  return { gitDir: gitDir || undefined, top: top || undefined, error: firstGitLine(r.stderr ?? '') };
}
