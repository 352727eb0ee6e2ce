/**
 * The configuration a gate trusts (`scan --range A..B`, `scan --ci`): the change under review must not be
 * able to switch off its own scan. So the scan config (`.secret-sweep.yaml`, else `.gitleaks.toml`) is read
 * from the BASE of the range (`git cat-file blob BASE:path`), not from the checked-out head; a base without
 * one gives the defaults, never the head's. Any commit in the range that changes a file the scan trusts
 * (those config files, an explicit `--config` or `--baseline` file inside the repository) becomes a
 * finding of rule `scan-config-changed`, so the gate fails and every report shows it.
 *
 * `--trust-head-config` (the operator's explicit choice) restores reading the head's config; changes are
 * then warned about on stderr instead of reported.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SweepError } from '../errors.js';
import { nodeCrypto } from '../lazy.js';
import { CONFIG_NAMES, configFromText, defaultConfig, type SweepConfig } from '../config/config.js';
import { GITLEAKS_CONFIG_NAMES } from '../config/gitleaks.js';
import { decodeUtf8Strict } from '../config/utf8.js';
import { attachSecret, FILE_START, type Finding } from '../findings/finding.js';
import { openRepo, resolveCommit, resolveRange, type RepoInfo } from '../sources/git/repo.js';
import type { StagedDiff, StagedIndex } from '../sources/git/staged.js';
import { firstGitLine, runGit } from '../sources/git/run.js';
import { CatFile, CatFileExited } from '../sources/git/cat-file.js';
import { treeEntries } from '../sources/git/tree.js';

export const CONFIG_CHANGED_RULE = 'scan-config-changed';

/** A file the gate's result depends on, as a path from the top of the repository. */
export interface TrustedFile {
  path: string;
  kind: 'config' | 'baseline';
  /** Named on the command line (--config, --baseline): used as it is now, not as the base has it. */
  explicit: boolean;
}

/** The base commit of a range: its left side (`A..B`), or the merge base (`A...B`); empty means HEAD, as in git. */
export async function rangeBase(repo: RepoInfo, range: string): Promise<string> {
  const sym = range.indexOf('...');
  if (sym >= 0) {
    const a = await resolveCommit(repo, range.slice(0, sym) || 'HEAD');
    const b = await resolveCommit(repo, range.slice(sym + 3) || 'HEAD');
    const r = await runGit(repo.root, ['merge-base', a, b]);
    const out = r.stdout.toString('utf8').trim();
    if (r.code !== 0 || !/^[0-9a-f]{40,64}$/.test(out)) throw new SweepError(`--range ${range}: no merge base${r.stderr ? `: ${firstGitLine(r.stderr)}` : ''}`);
    return out;
  }
  const dbl = range.indexOf('..');
  if (dbl < 0) throw new SweepError(`--range expects A..B, got ${JSON.stringify(range)}`);
  return resolveCommit(repo, range.slice(0, dbl) || 'HEAD');
}

/**
 * `abs` as a '/'-separated path from the top of the repository, or undefined when it lies outside it.
 * `followLast`: resolve a symlink in the last component (a file the operator named). The config names are
 * looked up as names: a symlink the checked-out tree holds at `.secret-sweep.yaml` must not send the lookup
 * to another file of the base (the change would pick its own config), so their folder alone is resolved.
 */
function inRepo(repo: RepoInfo, abs: string, followLast = true): string | undefined {
  if (repo.bare) return undefined;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const top = real(repo.root);
  // The file may not exist (a config named by the base only): resolve its folder.
  let full: string;
  try {
    if (!followLast) throw new Error('look the name up as it is');
    full = realpathSync(abs);
  } catch {
    full = join(real(resolve(abs, '..')), abs.split(/[\\/]/).pop() ?? '');
  }
  const rel = relative(top, full);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** Only a regular file is read as the gate's config: a symlink would let the change point it elsewhere. */
function checkRegular(path: string, commit: string, mode: string, type = 'blob'): void {
  if (type !== 'blob' || (mode !== '100644' && mode !== '100755'))
    throw new SweepError(`${path} at ${commit.slice(0, 12)} is not a regular file (mode ${mode}): the gate does not follow it`);
}

/**
 * The first of `paths` that `commit` holds, with its blob; undefined when it holds none. Anything git cannot
 * read is exit 2. Each git process costs a pre-commit hook ~15 ms: names at the top of the tree (a hook at
 * the top of its work tree) are read through `cat-file --batch`, the process that reads the staged blobs
 * next (started early, staged.ts); deeper paths through one ls-tree for all the names.
 */
async function firstFileAt(repo: RepoInfo, commit: string, paths: string[]): Promise<{ path: string; data: Buffer } | undefined> {
  if (!paths.some((p) => p.includes('/'))) return firstTopFileAt(repo, commit, paths);
  const ls = await runGit(repo.root, lsTreeArgs(commit, paths));
  if (ls.code !== 0) throw new SweepError(`cannot read ${paths.join(', ')} at ${commit.slice(0, 12)}: ${firstGitLine(ls.stderr) || 'git ls-tree failed'}`);
  const entries = ls.stdout.toString('utf8').split('\0');
  for (const path of paths) {
    const entry = entries.find((e) => e.endsWith(`\t${path}`) && e.slice(e.indexOf('\t') + 1) === path);
    if (!entry) continue;
    const [mode, type, sha] = entry.slice(0, entry.indexOf('\t')).split(' ');
    checkRegular(path, commit, mode!, type);
    const blob = await runGit(repo.root, ['cat-file', 'blob', sha!]);
    if (blob.code !== 0) throw new SweepError(`cannot read ${path} at ${commit.slice(0, 12)}: ${firstGitLine(blob.stderr) || 'git cat-file failed'}`);
    return { path, data: blob.stdout };
  }
  return undefined;
}

/** `names` (no folder) in `commit`'s root tree, read through `cat-file --batch`, which goes back idle for the next reader. */
async function firstTopFileAt(repo: RepoInfo, commit: string, names: string[]): Promise<{ path: string; data: Buffer } | undefined> {
  const reader = new CatFile(repo.root, 'batch');
  const cannot = (why: string) => new SweepError(`cannot read ${names.join(', ')} at ${commit.slice(0, 12)}: ${why}`);
  try {
    const tree = await reader.request(`${commit}^{tree}`);
    if (tree.missing || tree.type !== 'tree' || !tree.data) throw cannot('its tree is not in the object database');
    const entries = treeEntries(tree.data, commit.length / 2);
    for (const name of names) {
      const entry = entries.get(name);
      if (!entry) continue;
      checkRegular(name, commit, entry.mode);
      const blob = await reader.request(entry.sha);
      if (blob.missing || blob.type !== 'blob' || !blob.data) throw cannot(`blob ${entry.sha} of ${name} is not in the object database`);
      return { path: name, data: blob.data };
    }
    return undefined;
  } catch (e) {
    throw e instanceof CatFileExited ? cannot(e.message) : e;
  } finally {
    await reader.release();
  }
}

/** The look-up of `paths` in `commit`'s tree through ls-tree. */
function lsTreeArgs(commit: string, paths: string[]): string[] {
  return ['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', commit, '--', ...paths];
}

/** The names the config is read from, first found wins (at the top of the tree: as they are). */
const CONFIG_FILE_NAMES = [...CONFIG_NAMES, ...GITLEAKS_CONFIG_NAMES];

/**
 * The config as the base commit has it: the first of `.secret-sweep.yaml`, `.secret-sweep.yml`,
 * `.gitleaks.toml` found at the scanned root's place in the base's tree, else the defaults.
 */
export async function configAtBase(repo: RepoInfo, root: string, base: string): Promise<SweepConfig> {
  const paths = CONFIG_FILE_NAMES.map((name) => inRepo(repo, join(root, name), false) ?? name);
  const found = await firstFileAt(repo, base, [...new Set(paths)]);
  if (!found) return defaultConfig();
  const where = `${base.slice(0, 12)}:${found.path}`;
  return configFromText(decodeUtf8Strict(found.data, where), where);
}

/**
 * The files a gate at `root` depends on: the config names at the root (or the --config file instead), and
 * the --baseline file, those inside the repository.
 */
export function trustedFiles(repo: RepoInfo, root: string, explicit: { config?: string; baseline?: string }): TrustedFile[] {
  const out: TrustedFile[] = [];
  const add = (path: string | undefined, kind: TrustedFile['kind'], isExplicit: boolean) => {
    if (path !== undefined && !out.some((f) => f.path === path)) out.push({ path, kind, explicit: isExplicit });
  };
  // An explicit file is read through any symlink: both the link and its target are trusted, so that a change
  // that turns the named file into a link (or edits what it points at) is seen.
  if (explicit.config) for (const follow of [false, true]) add(inRepo(repo, resolve(explicit.config), follow), 'config', true);
  // The names the base's config is read from (configAtBase): at the top of the tree in a bare repository.
  else for (const name of [...CONFIG_NAMES, ...GITLEAKS_CONFIG_NAMES]) add(inRepo(repo, join(root, name), false) ?? name, 'config', false);
  if (explicit.baseline) for (const follow of [false, true]) add(inRepo(repo, resolve(explicit.baseline), follow), 'baseline', true);
  return out;
}

export interface TrustedFileChange {
  file: TrustedFile;
  /** Commits of the range that change it, newest first. */
  commits: Array<{ sha: string; author: string; email: string; date: string }>;
}

/** Which trusted files the commits of `range` change (added, edited or deleted). */
export async function changesInRange(repo: RepoInfo, range: string, files: TrustedFile[]): Promise<TrustedFileChange[]> {
  if (files.length === 0) return [];
  const sel = await resolveRange(repo, range);
  const out: TrustedFileChange[] = [];
  for (const file of files) {
    // --full-history: a change reverted later, or made on a side branch that a merge drops, still counts.
    const r = await runGit(repo.root, ['--literal-pathspecs', 'log', '--full-history', '-z', '--format=%H%x1f%an%x1f%ae%x1f%aI', ...sel.args, '--', file.path]);
    if (r.code !== 0) throw new SweepError(`cannot list the changes to ${file.path} in ${range}: ${firstGitLine(r.stderr) || 'git log failed'}`);
    const commits = r.stdout
      .toString('utf8')
      .split('\0')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [sha, author, email, date] = l.split('\x1f');
        return { sha: sha!, author: author ?? '', email: email ?? '', date: date ?? '' };
      });
    if (commits.length) out.push({ file, commits });
  }
  return out;
}

/**
 * A change to a trusted file as a finding: the gate fails, and every report format shows it. `base`: the
 * commit whose version the scan used (a range's base, or HEAD for --staged; undefined: none, the defaults).
 * A staged change (--staged) has no commits yet.
 */
export function configChangeFinding(c: TrustedFileChange, base: string | undefined, where: 'range' | 'index' = 'range'): Finding {
  const newest = c.commits[0];
  const what = c.file.kind === 'baseline' ? 'baseline (accepted findings)' : 'scan config';
  const at = where === 'index' ? 'HEAD' : 'the base';
  const used = c.file.explicit ? 'named on the command line: the scan used it as it is now' : base ? `the scan used the version at ${at} ${base.slice(0, 12)}` : `${at} has none: the scan used the defaults`;
  const shown = `${c.file.path} changed`;
  const f: Finding = {
    rule: CONFIG_CHANGED_RULE,
    description: `${what} changed ${where === 'index' ? 'in the staged changes' : 'in this range'} (${used}); review the change: it can switch off or narrow the scan`,
    file: c.file.path,
    ...FILE_START,
    redacted: shown,
    fingerprint: nodeCrypto().createHash('sha256').update(`${CONFIG_CHANGED_RULE}\0${c.file.path}\0${newest?.sha ?? 'index'}`).digest('hex').slice(0, 32),
    entropy: 0,
    tags: ['scan-config'],
    severity: 'high',
    // A staged config change has no commit yet: no sightings.
    ...(newest
      ? {
          seen: {
            at: { kind: 'git-blob' as const, path: c.file.path, commit: newest.sha, author: newest.author, email: newest.email, date: newest.date },
            places: c.commits.map((x) => ({ kind: 'git-blob' as const, path: c.file.path, commit: x.sha, author: x.author, email: x.email, date: x.date })),
          },
        }
      : {}),
  };
  // No secret here: what --show-secrets prints is the same text.
  return attachSecret(f, shown);
}

/**
 * Every path the staged changes touch, a rename on both sides (what `git diff --cached --name-only
 * --no-renames` lists): the gate's question whether the index changes a file it trusts.
 */
function stagedPaths(diff: StagedDiff): Set<string> {
  const out = new Set<string>();
  for (const e of diff.entries) {
    out.add(e.path);
    // A rename removes its old path; a copy (not detected with -M alone) would leave it unchanged.
    if (e.oldPath !== undefined && e.status[0] === 'R') out.add(e.oldPath);
  }
  return out;
}

/**
 * `--staged` as a gate: the staged changes are the change under review, so the config is HEAD's (the
 * defaults on an unborn branch), not the work tree's, and a staged change to it is a finding. An untracked
 * or unstaged config never counts. --trust-head-config reads the work tree's config instead, as before.
 * `staged`: the repository (HEAD's commit found by its discovery) and the staged diff, read once for the
 * gate and the scan (each git call costs a pre-commit hook a process start).
 */
export async function stagedGateConfig(opts: { root: string; explicitConfig?: string; trustHead: boolean; headConfig: () => SweepConfig; staged: StagedIndex }): Promise<GateConfig> {
  const { repo, diff } = opts.staged;
  // A --baseline the hook names is used as it is, and staging it is how a developer accepts a finding
  // (`baseline --staged`): not a finding here; the range gate in CI reports the baseline change.
  const files = trustedFiles(repo, opts.root, { config: opts.explicitConfig });
  // Added, edited, deleted, a rename both ways: every path the staged diff lists.
  const touched = stagedPaths(diff);
  const changes: TrustedFileChange[] = files.filter((f) => touched.has(f.path)).map((file) => ({ file, commits: [] }));
  if (opts.trustHead) {
    const warnings = ['--trust-head-config: the scan config is read from the work tree, which the staged change can edit'];
    for (const c of changes) warnings.push(`${c.file.path} is changed in the staged changes and trusted as it is (--trust-head-config)`);
    return { config: opts.headConfig(), findings: [], warnings };
  }
  const head = repo.head;
  const config = opts.explicitConfig ? opts.headConfig() : head ? await configAtBase(repo, opts.root, head) : defaultConfig();
  return { config, findings: changes.map((c) => configChangeFinding(c, head, 'index')), warnings: [] };
}

export interface GateConfig {
  /** The config to scan with (the base's, or the head's with --trust-head-config, or an explicit --config). */
  config: SweepConfig;
  /** Findings for changes to trusted files in the range (empty with --trust-head-config). */
  findings: Finding[];
  /** Lines for stderr (what was trusted, and changes seen with --trust-head-config). */
  warnings: string[];
  /** The commit the gate trusts (a range's base; undefined: none): inline allow markers it already held count (change-markers.ts). */
  base?: string;
}

/**
 * The config of a range scan and the findings for changes to trusted files. `headConfig` loads the config
 * the way a tree scan does (used for an explicit --config, or with --trust-head-config).
 */
export async function gateConfig(opts: {
  root: string;
  range: string;
  explicitConfig?: string;
  explicitBaseline?: string;
  trustHead: boolean;
  headConfig: () => SweepConfig;
  /**
   * Where the config is read instead of the range's base (`--ci`: the tip of the request's target branch,
   * or of the default branch for a push elsewhere; see ciConfigRef). The base is what the platform names,
   * and the change can choose it: a merge request's diff base is the merge base, an old commit of the
   * target whose config may have been laxer; a push's base is the branch's own previous push.
   */
  configAt?: string;
}): Promise<GateConfig> {
  const repo = await openRepo(opts.root);
  const base = await rangeBase(repo, opts.range);
  const files = trustedFiles(repo, opts.root, { config: opts.explicitConfig, baseline: opts.explicitBaseline });
  const changes = await changesInRange(repo, opts.range, files);
  const warnings: string[] = [];
  if (opts.trustHead) {
    warnings.push('--trust-head-config: the scan config is read from the checked-out tree, which the change under review can edit');
    for (const c of changes) warnings.push(`${c.file.path} is changed in this range (${c.commits.length} commit${c.commits.length === 1 ? '' : 's'}, newest ${c.commits[0]!.sha.slice(0, 12)}) and trusted as it is (--trust-head-config)`);
    return { config: opts.headConfig(), findings: [], warnings, base };
  }
  const config = opts.explicitConfig ? opts.headConfig() : await configAtBase(repo, opts.root, opts.configAt ?? base);
  const findings = changes.map((c) => configChangeFinding(c, base));
  return { config, findings, warnings, base };
}

/**
 * `--ci` with no base commit (a new branch, a tag, a scheduled run): the whole history of the head is
 * scanned, and the checked-out config is the change's own. The config comes from the default branch
 * instead (`origin/<default>`, fetched when allowed and missing; `origin/HEAD` when the platform names
 * none), and changes to it between there and the head are findings. Without one: the built-in defaults.
 */
export async function wholeHistoryConfig(opts: {
  root: string;
  head: string;
  defaultBranch?: string;
  fetch: boolean;
  explicitConfig?: string;
  explicitBaseline?: string;
  headConfig: () => SweepConfig;
}): Promise<GateConfig & { note: string }> {
  const repo = await openRepo(opts.root);
  const ref = opts.defaultBranch ? `refs/remotes/origin/${opts.defaultBranch}` : 'refs/remotes/origin/HEAD';
  if (await originTip(repo.root, opts.defaultBranch, opts.fetch)) {
    const g = await gateConfig({ root: opts.root, range: `${ref}..${opts.head}`, explicitConfig: opts.explicitConfig, explicitBaseline: opts.explicitBaseline, trustHead: false, headConfig: opts.headConfig });
    return { ...g, note: `no base commit: the config is read from the default branch ${ref.replace('refs/remotes/', '')}` };
  }
  const config = opts.explicitConfig ? opts.headConfig() : defaultConfig();
  return { config, findings: [], warnings: [], note: 'no base commit and no default branch in the clone: the built-in defaults apply (not the checked-out config, which the change can edit)' };
}

/**
 * `--ci` on a range: the commit whose config the gate trusts, when it should not be the range's base.
 * A pull/merge request: the tip of its target branch (`origin/<target>`). A push to a branch other than the
 * default one: the tip of the default branch (the pushed branch's previous tip, the base, is whatever was
 * pushed there before, config edits included). Fetched when missing and allowed. Undefined (the base's
 * config, as before) for a push to the default branch, or when the branch is not in the clone.
 */
export async function ciConfigRef(root: string, ci: { range?: string; request?: { target?: string }; push?: { branch?: string }; defaultBranch?: string }, fetch: boolean): Promise<{ sha: string; name: string } | undefined> {
  if (ci.range === undefined) return undefined;
  let branch: string | undefined;
  if (ci.request) branch = ci.request.target;
  else if (ci.push && ci.defaultBranch && ci.push.branch !== ci.defaultBranch) branch = ci.defaultBranch;
  if (!branch) return undefined;
  const sha = await originTip(root, branch, fetch);
  return sha ? { sha, name: `origin/${branch}` } : undefined;
}

/** The commit of `origin/<branch>` (`origin/HEAD` when no branch is named), fetched once when missing and `fetch`. */
export async function originTip(root: string, branch: string | undefined, fetch: boolean): Promise<string | undefined> {
  const ref = branch ? `refs/remotes/origin/${branch}` : 'refs/remotes/origin/HEAD';
  const tip = async () => {
    const r = await runGit(root, ['rev-parse', '-q', '--verify', '--end-of-options', `${ref}^{commit}`]);
    const out = r.stdout.toString('utf8').trim();
    return r.code === 0 && /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  };
  const sha = await tip();
  if (sha || !fetch || !branch) return sha;
  await runGit(root, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--end-of-options', 'origin', `+refs/heads/${branch}:${ref}`]);
  return tip();
}
