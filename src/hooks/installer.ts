/**
 * Pre-commit hook installers: one interface, one file per kind (husky, plain git, pre-commit framework).
 *
 * Every installer edits the user's files conservatively: it never overwrites a hook, it adds one block
 * between marker lines (or one entry, for the pre-commit framework), and uninstall removes exactly those
 * bytes, so a pre-existing hook comes back byte-for-byte.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { SweepError } from '../errors.js';

export type HookKind = 'husky' | 'git' | 'pre-commit';

/** Where the repository is and how its hooks are wired. */
export interface RepoContext {
  /** The top of the work tree (where git runs pre-commit hooks). */
  top: string;
  /** The folder git runs hooks from: `git rev-parse --git-path hooks` (core.hooksPath and worktrees included). */
  hooksDir: string;
  /** core.hooksPath as configured, if set. */
  hooksPath?: string;
}

export interface InstallOptions {
  force: boolean;
  /**
   * A fixed shell command that runs secret-sweep (e.g. `node tools/secret-sweep.js`), instead of the default
   * look-up ($SECRET_SWEEP_BIN, then ./node_modules/.bin/secret-sweep, then secret-sweep on PATH).
   */
  command?: string;
}

export interface HookResult {
  /** What was done, one line per message, for the user. */
  messages: string[];
  /** What could not be done though the rest was (stderr). */
  warnings?: string[];
  changed: boolean;
}

export interface HookInstaller {
  readonly kind: HookKind;
  /** Does the repository already use this kind of hook manager? */
  detect(repo: RepoContext): boolean;
  /** Is secret-sweep's block/entry present? */
  installed(repo: RepoContext): boolean;
  install(repo: RepoContext, opts: InstallOptions): HookResult;
  uninstall(repo: RepoContext): HookResult;
}

// ---------------------------------------------------------------------------------------------------------
// The repository

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SweepError('git is not installed or not on PATH');
    return undefined;
  }
}

export function repoContext(path: string): RepoContext {
  // git started in a missing folder fails with ENOENT too, which would read as "git is not installed".
  if (!existsSync(path)) throw new SweepError('no such file or folder', path);
  const top = git(path, ['rev-parse', '--show-toplevel']);
  if (!top) throw new SweepError('not inside a git work tree (run `git init` first, or pass the repository path)', path);
  const hooksPath = git(top, ['config', '--get', 'core.hooksPath']) || undefined;
  // Run from the top: git prints .git/hooks relative to the cwd, and a relative core.hooksPath is relative
  // to the top of the work tree (where hooks run).
  const dir = git(top, ['rev-parse', '--git-path', 'hooks']);
  if (!dir) throw new SweepError('cannot find the hooks folder (`git rev-parse --git-path hooks` failed)', top);
  return { top, hooksPath, hooksDir: isAbsolute(dir) ? dir : resolve(top, dir) };
}

// ---------------------------------------------------------------------------------------------------------
// The shell snippet every kind runs

/** Default file that `secret-sweep baseline` writes; the hook passes it to the scan when it exists. */
export const BASELINE_FILE = '.secret-sweep-baseline';

/** The git hooks secret-sweep installs: `pre-commit` scans the staged changes, `commit-msg` the message. */
export type HookStage = 'pre-commit' | 'commit-msg';
export const HOOK_STAGES: readonly HookStage[] = ['pre-commit', 'commit-msg'];

/**
 * POSIX sh that runs `secret-sweep scan --staged` (the `commit-msg` hook: `scan --commit-msg "$1"`, the
 * message file git passes) and, when it finds something (exit 1), says how to
 * proceed. The guidance lives here, not in the scanner, so the scanner's output stays machine-friendly.
 * Variables are prefixed and unset so the snippet can sit at the top of someone else's hook; it changes
 * no options and never exits on success.
 */
export function hookSnippet(command?: string, stage: HookStage = 'pre-commit'): string {
  return stage === 'pre-commit' ? stagedSnippet(command) : messageSnippet(command);
}

/** Finds the secret-sweep to run and defines `__ss_run`; exits 2 when there is none. */
function runnerLines(command?: string): string[] {
  const find = command
    ? [`__ss_run() { ${command} "$@"; }`]
    : [
        'if [ -n "${SECRET_SWEEP_BIN:-}" ]; then __ss_bin=$SECRET_SWEEP_BIN',
        'elif [ -x ./node_modules/.bin/secret-sweep ]; then __ss_bin=./node_modules/.bin/secret-sweep',
        'elif command -v secret-sweep >/dev/null 2>&1; then __ss_bin=secret-sweep',
        'else',
        '  echo "secret-sweep: not found (install it from the secret-sweep repository, not the npm registry: see its docs/ci-and-hooks.md; or set SECRET_SWEEP_BIN): commit not checked." >&2',
        '  echo "  To commit without the check (not recommended): git commit --no-verify" >&2',
        '  exit 2',
        'fi',
        '__ss_run() { "$__ss_bin" "$@"; }',
      ];
  return find;
}

function stagedSnippet(command?: string): string {
  return scanSnippet(command, '--staged', [
    'secret-sweep: commit blocked: the staged changes add the credential(s) listed above.',
    'How to proceed:',
    '  - Remove it from the file (read it from the environment or a secret manager), `git add`, commit again.',
    '    If it is a real credential, rotate it: it has left your machine if it was ever pushed.',
    '  - A false positive or a test value: put `secret-sweep:allow` in a comment on that line.',
    `  - Accept everything found now: secret-sweep baseline -o ${BASELINE_FILE}  (the hook then reports only new findings)`,
  ], 'the scan');
}

/** The commit-msg hook's: a token pasted into a message is pushed and cloned with the commit (docs/gate.md, round 10). */
function messageSnippet(command?: string): string {
  return scanSnippet(command, '--commit-msg "$1"', [
    'secret-sweep: commit blocked: the commit message holds the credential(s) listed above.',
    'How to proceed:',
    '  - Write the message without it (git keeps what you wrote in .git/COMMIT_EDITMSG:',
    '    git commit -e -F .git/COMMIT_EDITMSG). If it is a real credential, rotate it.',
    `  - Accept everything found now: secret-sweep baseline -o ${BASELINE_FILE}`,
  ], 'the scan of the commit message');
}

/** `scan MODE` with the baseline when there is one; on exit 1 the guidance `blocked`, on any other failure one line. */
function scanSnippet(command: string | undefined, mode: string, blocked: string[], what: string): string {
  return [
    ...runnerLines(command),
    `__ss_bl=; [ -f ${BASELINE_FILE} ] && __ss_bl=${BASELINE_FILE}`,
    '__ss_rc=0',
    `__ss_run scan ${mode} \${__ss_bl:+--baseline "$__ss_bl"} || __ss_rc=$?`,
    'if [ "$__ss_rc" -eq 1 ]; then',
    "  cat >&2 <<'__SS_EOF'",
    '',
    ...blocked,
    '  - Bypass the check (not recommended): git commit --no-verify',
    '__SS_EOF',
    '  exit 1',
    'elif [ "$__ss_rc" -ne 0 ]; then',
    `  echo "secret-sweep: ${what} failed (exit $__ss_rc, see above): commit not checked. Bypass (not recommended): git commit --no-verify" >&2`,
    '  exit "$__ss_rc"',
    'fi',
    'unset __ss_bin __ss_bl __ss_rc',
    'unset -f __ss_run 2>/dev/null || true',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Marker blocks in shell hooks

export const BEGIN = '# >>> secret-sweep >>>';
export const END = '# <<< secret-sweep <<<';
export const SHEBANG = '#!/bin/sh\n';

/** How the block came into the file; recorded on the begin line so uninstall can undo exactly that. */
/** `converted`: a flow-style `repos: [...]` rewritten as a block list; the original lines are kept in the block. */
export type BlockOrigin = 'inserted' | 'created' | 'chained' | 'converted';

export interface Block {
  start: number;
  end: number;
  origin: BlockOrigin;
  /** For `chained`: the file name the user's hook was moved to. */
  chainedTo?: string;
}

export function beginLine(origin: BlockOrigin, chainedTo?: string): string {
  return `${BEGIN} ${origin}${chainedTo ? ` ${chainedTo}` : ''} (added by \`secret-sweep hook install\`; \`secret-sweep hook uninstall\` removes it)\n`;
}

/** The block (begin line through end line, newline included) text. */
export function shellBlock(origin: BlockOrigin, opts: { command?: string; chainedTo?: string; stage?: HookStage }): string {
  let body = hookSnippet(opts.command, opts.stage);
  // The user's hook, moved aside by --force; git skips a hook that is not executable, and so do we.
  if (opts.chainedTo) body += `__ss_h="$(dirname -- "$0")/${opts.chainedTo}"; if [ -x "$__ss_h" ]; then exec "$__ss_h" "$@"; fi\n`;
  return beginLine(origin, opts.chainedTo) + body + END + '\n';
}

/** Find our block: the begin marker line through the end marker line (either may be indented, for YAML). */
export function findBlock(text: string): Block | undefined {
  const re = /^[ \t]*# >>> secret-sweep >>> (inserted|created|chained|converted)(?: (\S+))? \(.*$/m;
  const m = re.exec(text);
  if (!m) return undefined;
  const endRe = /^[ \t]*# <<< secret-sweep <<<[ \t]*$/m;
  const after = endRe.exec(text.slice(m.index));
  if (!after) return undefined;
  let end = m.index + after.index + after[0].length;
  if (text[end] === '\n') end++;
  return { start: m.index, end, origin: m[1] as BlockOrigin, chainedTo: m[2] };
}

/** Does this hook start with a shebang for a POSIX-like shell (or have none, which sh runs)? */
export function isShellScript(text: string): boolean {
  if (!text.startsWith('#!')) return !text.includes('\u0000');
  const first = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  return /^#!\s*(?:\/usr\/bin\/env\s+(?:-S\s+)?)?(?:\S*\/)?(?:sh|bash|dash|zsh|ksh|ash|mksh)(?:\s|$)/.test(first);
}

/**
 * Insert the block right after the shebang line (and husky v8's `. husky.sh` line), or at the very top when
 * there is no shebang: our check runs
 * first, so an `exit 0` at the end of the user's script cannot skip it. Returns undefined when the file is
 * a lone shebang without a newline (no line boundary to insert at).
 */
export function insertBlock(text: string, block: string): string | undefined {
  if (!text.startsWith('#!')) return block + text;
  let at = text.indexOf('\n') + 1;
  if (at === 0) return undefined;
  // husky v8 hooks source husky.sh on their second line (it implements HUSKY=0): stay after it.
  const second = text.slice(at, text.indexOf('\n', at) + 1);
  if (/^\.\s.*husky\.sh/.test(second) && second.endsWith('\n')) at += second.length;
  return text.slice(0, at) + block + text.slice(at);
}

export function removeBlock(text: string, b: Block): string {
  return text.slice(0, b.start) + text.slice(b.end);
}

export function kindFlag(kind: HookKind): string {
  return `--${kind}`;
}

// ---------------------------------------------------------------------------------------------------------
// Installing into / removing from one hook file (shared by the husky and plain-git installers)

/** The suffix the user's hook gets when --force moves it aside to chain it. */
export const CHAINED_SUFFIX = '.secret-sweep-chained';

export interface ShellHookFile {
  /** Absolute path of the hook file. */
  file: string;
  /** Shown in messages. */
  shown: string;
  /** Git ignores hook files that are not executable (plain git hooks); husky runs them with `sh -e`. */
  mustBeExecutable: boolean;
  /** Which git hook the file is (its name): what the block scans. */
  stage: HookStage;
}

export function installShellHook(h: ShellHookFile, opts: InstallOptions, refuse?: () => string | undefined): HookResult {
  let st = lstatOrUndefined(h.file);
  const text = st?.isFile() ? readFileSync(h.file, 'utf8') : '';
  const existing = st?.isFile() ? findBlock(text) : undefined;
  if (existing) {
    // Already there: refresh our block in place (e.g. a new --command), leave everything else alone.
    const block = shellBlock(existing.origin, { ...opts, chainedTo: existing.chainedTo, stage: h.stage });
    const updated = text.slice(0, existing.start) + block + text.slice(existing.end);
    if (updated === text) return { changed: false, messages: [`already installed in ${h.shown}`] };
    writeFileSync(h.file, updated);
    return { changed: true, messages: [`updated the secret-sweep block in ${h.shown}`] };
  }
  const policy = refuse?.();
  if (policy !== undefined && !opts.force) throw new SweepError(`${policy}; not changed (--force to install here anyway)`, h.shown);
  if (st === undefined) {
    mkdirSync(dirname(h.file), { recursive: true });
    writeFileSync(h.file, SHEBANG + shellBlock('created', { ...opts, stage: h.stage }), { mode: 0o755 });
    chmodSync(h.file, 0o755);
    return { changed: true, messages: [`created ${h.shown}`] };
  }
  const why = whyNotInsertable(h, st, text);
  if (why === undefined) {
    writeFileSync(h.file, insertBlock(text, shellBlock('inserted', { ...opts, stage: h.stage }))!);
    return { changed: true, messages: [`added secret-sweep to your existing ${h.shown} (it runs first; the rest of your hook follows unchanged)`] };
  }
  if (!opts.force) throw new SweepError(`${why}; not changed (--force moves it aside and chains it after secret-sweep)`, h.shown);
  // --force: move the user's hook aside (kept byte-for-byte) and chain it after our check.
  const aside = h.file + CHAINED_SUFFIX;
  if (lstatOrUndefined(aside)) throw new SweepError(`${basename(aside)} already exists next to it; move it away first`, h.shown);
  renameSync(h.file, aside);
  st = undefined;
  writeFileSync(h.file, SHEBANG + shellBlock('chained', { ...opts, chainedTo: basename(aside), stage: h.stage }), { mode: 0o755 });
  chmodSync(h.file, 0o755);
  return { changed: true, messages: [`moved your hook to ${basename(aside)}; ${h.shown} now runs secret-sweep, then it`] };
}

/**
 * Both hooks of one folder (plain git's, husky's): `pre-commit` first, as before; then `commit-msg`. A
 * `commit-msg` hook that cannot be extended (a commitlint binary, a symlink) does not undo the first: it
 * is named in a warning (--force chains it as for pre-commit) and the pre-commit hook stays.
 */
export function installShellHooks(files: ShellHookFile[], opts: InstallOptions, refuse?: () => string | undefined): HookResult {
  const out: HookResult = { changed: false, messages: [] };
  for (const h of files) {
    try {
      const r = installShellHook(h, opts, refuse);
      out.changed ||= r.changed;
      out.messages.push(...r.messages);
    } catch (e) {
      if (h.stage === 'pre-commit' || !(e instanceof SweepError)) throw e;
      out.warnings = [...(out.warnings ?? []), `${h.shown}: not installed: ${e.message}; commit messages are not checked before the commit (CI still reads them)`];
    }
  }
  return out;
}

export function uninstallShellHooks(files: ShellHookFile[]): HookResult {
  const rs = files.map(uninstallShellHook);
  const done = rs.filter((r) => r.changed);
  return { changed: done.length > 0, messages: (done.length ? done : rs.slice(0, 1)).flatMap((r) => r.messages) };
}

function whyNotInsertable(h: ShellHookFile, st: import('node:fs').Stats, text: string): string | undefined {
  if (st.isSymbolicLink()) return 'existing hook is a symbolic link (edit its target, or remove it)';
  if (!st.isFile()) return 'exists and is not a regular file';
  if (!isShellScript(text)) return 'existing hook is not a shell script, so a block cannot be added to it';
  if (text.startsWith('#!') && !text.includes('\n')) return 'existing hook is a single line without a newline';
  if (h.mustBeExecutable && (st.mode & 0o111) === 0)
    return 'existing hook is not executable, so git does not run it (make it executable or remove it)';
  return undefined;
}

export function uninstallShellHook(h: ShellHookFile): HookResult {
  const st = lstatOrUndefined(h.file);
  if (!st || !st.isFile()) return { changed: false, messages: [`not installed in ${h.shown}`] };
  const text = readFileSync(h.file, 'utf8');
  const b = findBlock(text);
  if (!b) return { changed: false, messages: [`not installed in ${h.shown}`] };
  const rest = removeBlock(text, b);
  if (b.origin === 'inserted' || rest !== SHEBANG) {
    // The user's hook (or lines they added to ours since): keep it, without our block.
    writeFileSync(h.file, rest);
    return { changed: true, messages: [`removed the secret-sweep block from ${h.shown}`] };
  }
  unlinkSync(h.file);
  if (b.origin === 'chained' && b.chainedTo) {
    const aside = resolve(dirname(h.file), b.chainedTo);
    if (existsSync(aside) || lstatOrUndefined(aside)) {
      renameSync(aside, h.file);
      return { changed: true, messages: [`removed ${h.shown} and put your original hook back`] };
    }
  }
  return { changed: true, messages: [`removed ${h.shown}`] };
}

export function shellHookInstalled(file: string): boolean {
  const st = lstatOrUndefined(file);
  return Boolean(st?.isFile() && findBlock(readFileSync(file, 'utf8')));
}

export function lstatOrUndefined(p: string): import('node:fs').Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A path for messages: relative to the top of the work tree when inside it. */
export function shownPath(repo: RepoContext, p: string): string {
  const r = relative(repo.top, p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}
