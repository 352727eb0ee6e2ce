/**
 * Running git: one small helper for short commands (collects output) and one for streaming commands.
 *
 * Every invocation gets an environment that keeps user configuration from changing output we parse
 * (no pager, no prompts, no optional locks so a scan never fights a concurrent `git commit`).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { SweepError } from '../../errors.js';

/**
 * Config forced on every git call so that parsed output does not depend on the user's settings, and so that
 * no program named in the repository's config runs: no fsmonitor hook (a `git diff --cached` may refresh
 * the index), no external diff or textconv (the commands that could run one pass --no-ext-diff --no-textconv).
 * Log output in UTF-8: `i18n.logOutputEncoding=UTF-16` put NULs into the author fields of `git log -z`.
 */
export const GIT_CONFIG_ARGS = ['-c', 'core.quotePath=true', '-c', 'log.showSignature=false', '-c', 'color.ui=false', '-c', 'core.fsmonitor=false', '-c', 'diff.external=', '-c', 'i18n.logOutputEncoding=UTF-8'];

/**
 * The objects a gate scans are the ones in the object database: `refs/replace/*` (git replace) and a grafts
 * file would let a repository show a clean commit in place of the one that leaks, so both are off.
 */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_GRAFT_FILE: process.platform === 'win32' ? 'NUL' : '/dev/null',
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
}

export interface GitOutput {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Commands started before anyone asked for them (see startGitEarly), by cwd and arguments. */
const early = new Map<string, Promise<GitOutput>>();
const earlyKey = (cwd: string, args: readonly string[]) => `${cwd}\0${args.join('\0')}`;

/**
 * Start a read-only git command now; the next runGit with the same cwd and arguments takes its result
 * instead of spawning. The pre-commit hook uses this to run git while the scanner's modules load.
 */
export function startGitEarly(cwd: string, args: string[]): Promise<GitOutput> {
  const p = spawnAndCollect(cwd, args);
  p.catch(() => {}); // reported to whoever takes it; nobody may
  early.set(earlyKey(cwd, args), p);
  return p;
}

/**
 * Start read-only commands (as startGitEarly) and one streaming command (as spawnGitEarly) from ONE process:
 * `sh` runs the read-only ones in the background, each with its output, errors and exit status on pipes of
 * their own, and then becomes the streaming one (exec). Forking the Node process is what a spawn costs (its
 * page tables: ~25 ms each under load, Node blocked meanwhile); sh forks cheaply. Where there is no sh
 * (Windows) or it cannot start, separate spawns. Results are as from separate spawns: a command that sh
 * could not run (status 126/127, e.g. no git) or that reported no status is run again by spawn, whose
 * error or exit then stands.
 */
export function startGitsEarly(cwd: string, collected: string[][], streaming: string[]): void {
  if (process.platform === 'win32' || earlyProcs.has(earlyKey(cwd, streaming))) {
    for (const args of collected) startGitEarly(cwd, args);
    spawnGitEarly(cwd, streaming);
    return;
  }
  const git = (args: string[]) => ['git', ...GIT_CONFIG_ARGS, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const statusFd = 3 + 2 * collected.length;
  const fds = Array.from({ length: statusFd - 2 }, (_, i) => 3 + i);
  const jobs = collected.map((args, i) => {
    const others = fds.filter((fd) => fd !== 3 + 2 * i && fd !== 4 + 2 * i && fd !== statusFd);
    return `{ ${git(args)}; echo "${i} $?" >&${statusFd}; } </dev/null >&${3 + 2 * i} 2>&${4 + 2 * i} ${others.map((fd) => `${fd}>&-`).join(' ')} &`;
  });
  const script = `${jobs.join('\n')}\nexec ${fds.map((fd) => `${fd}>&-`).join(' ')}\nexec ${git(streaming)}\n`;
  const p = spawn('sh', ['-c', script], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe', ...fds.map(() => 'pipe' as const)] }) as ChildProcessWithoutNullStreams;
  p.stdin.on('error', () => {});
  const read = (fd: number) =>
    new Promise<Buffer>((done) => {
      const stream = p.stdio[fd] as NodeJS.ReadableStream | null;
      const parts: Buffer[] = [];
      if (!stream) return done(Buffer.alloc(0));
      stream.on('data', (b: Buffer) => parts.push(b));
      stream.on('error', () => {});
      stream.on('close', () => done(Buffer.concat(parts)));
    });
  const spawned = new Promise<boolean>((done) => {
    p.on('spawn', () => done(true));
    p.on('error', () => done(false));
  });
  const statuses = read(statusFd).then((b) => new Map(b.toString('latin1').split('\n').filter(Boolean).map((l) => l.split(' ').map(Number) as [number, number])));
  collected.forEach((args, i) => {
    const result = (async (): Promise<GitOutput> => {
      if (!(await spawned)) return spawnAndCollect(cwd, args);
      const [stdout, stderr, status] = await Promise.all([read(3 + 2 * i), read(4 + 2 * i), statuses]);
      const code = status.get(i);
      if (code === undefined || code === 126 || code === 127) return spawnAndCollect(cwd, args);
      return { code, stdout, stderr: stderr.toString('utf8') };
    })();
    result.catch(() => {});
    early.set(earlyKey(cwd, args), result);
  });
  const key = earlyKey(cwd, streaming);
  p.on('error', () => earlyProcs.delete(key)); // no sh: spawnGit spawns git itself
  holdsNode(p, false);
  earlyProcs.set(key, p);
}

/** Run git to completion in `cwd` and collect its output. Never rejects on a non-zero exit. */
export function runGit(cwd: string, args: string[], input?: string | Buffer): Promise<GitOutput> {
  if (input === undefined && early.size > 0) {
    const key = earlyKey(cwd, args);
    const started = early.get(key);
    if (started) {
      early.delete(key);
      return started;
    }
  }
  return spawnAndCollect(cwd, args, input);
}

function spawnAndCollect(cwd: string, args: string[], input?: string | Buffer): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    // No input: stdin is /dev/null rather than a pipe closed at once (one pipe and stream fewer per call;
    // the pre-commit hook makes two such calls before anything else can run).
    const p = spawn('git', [...GIT_CONFIG_ARGS, ...args], { cwd, env: gitEnv(), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout!.on('data', (b: Buffer) => out.push(b));
    p.stderr!.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e) => reject(gitSpawnError(e)));
    p.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    if (p.stdin) {
      p.stdin.on('error', () => {});
      p.stdin.end(input);
    }
  });
}

/** Run git and return stdout, or throw a one-line SweepError built from git's stderr. */
export async function gitOrThrow(cwd: string, args: string[], what: string, input?: string | Buffer): Promise<Buffer> {
  const r = await runGit(cwd, args, input);
  if (r.code !== 0) throw new SweepError(`${what}: ${firstGitLine(r.stderr) || `git exited with code ${r.code}`}`);
  return r.stdout;
}

/** Streaming processes started before anyone asked for them (see spawnGitEarly), by cwd and arguments. */
const earlyProcs = new Map<string, ChildProcessWithoutNullStreams>();

/**
 * Start a streaming git process that waits on its stdin (`cat-file --batch`) now; the next spawnGit with
 * the same cwd and arguments takes it. Until then it does not keep Node running: unclaimed, it sees its
 * stdin close when this process exits, and ends.
 */
export function spawnGitEarly(cwd: string, args: string[]): void {
  const key = earlyKey(cwd, args);
  if (earlyProcs.has(key)) return;
  const p = spawnProc(cwd, args);
  p.on('error', () => earlyProcs.delete(key)); // no git: the real spawn reports it
  holdsNode(p, false);
  earlyProcs.set(key, p);
}

/**
 * Give an idle streaming process back (spawnGit took it, or spawned it with these `args`): the next spawnGit
 * with the same cwd and arguments takes it, as one started early. The pre-commit path reads HEAD's config
 * and then the staged blobs through one `cat-file --batch` (cat-file.ts, CatFile.release).
 */
export function lendGit(cwd: string, args: string[], p: ChildProcessWithoutNullStreams): void {
  const key = earlyKey(cwd, args);
  const other = earlyProcs.get(key);
  if (other && other !== p) other.kill();
  holdsNode(p, false);
  earlyProcs.set(key, p);
}

/** Whether a child process (and its pipes, sockets at run time) keeps Node's event loop alive. */
function holdsNode(p: ChildProcessWithoutNullStreams, on: boolean): void {
  for (const h of [p, p.stdin, p.stdout, p.stderr] as unknown as Array<{ ref?(): void; unref?(): void }>) {
    if (on) h.ref?.();
    else h.unref?.();
  }
}

/** Spawn a long-running git process (streaming output). */
export function spawnGit(cwd: string, args: string[]): ChildProcessWithoutNullStreams {
  if (earlyProcs.size > 0) {
    const key = earlyKey(cwd, args);
    const p = earlyProcs.get(key);
    if (p) {
      earlyProcs.delete(key);
      if (p.exitCode === null && p.signalCode === null) {
        holdsNode(p, true);
        return p;
      }
    }
  }
  return spawnProc(cwd, args);
}

function spawnProc(cwd: string, args: string[]): ChildProcessWithoutNullStreams {
  const p = spawn('git', [...GIT_CONFIG_ARGS, ...args], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  p.stdin.on('error', () => {});
  return p;
}

/**
 * The line of git's stderr that says what went wrong, without the "fatal: " / "error: " prefix: the
 * `fatal:` line (what git stopped on, e.g. "bad object refs/heads/main"), followed by the first `error:`
 * line in brackets when that one gives the cause ("packfile ... does not match index"); else the first
 * `error:` line; else the first line. Warnings (an ambiguous refname) are never the answer when there is
 * an error. At most 300 characters: a corrupt repository can make git print thousands of lines.
 */
export function firstGitLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const strip = (l: string) => l.replace(/^(fatal|error|warning):\s*/, '');
  const fatal = [...lines].reverse().find((l) => l.startsWith('fatal:'));
  const error = lines.find((l) => l.startsWith('error:'));
  let line: string;
  if (fatal === undefined) line = strip(error ?? lines[0] ?? '');
  else {
    line = strip(fatal);
    const cause = error === undefined ? '' : strip(error);
    // "loose object X (stored in Y) is corrupt" says it all; "bad object refs/heads/x" does not.
    if (cause && cause !== line && !/\bcorrupt\b/.test(line)) line += ` (${cause})`;
    // A ref to an object that is not there, and no other clue: say what that usually means.
    else if (!cause && /^bad object /.test(line)) line += ' (not in the object database: a deleted pack or an incomplete copy? `git fsck` says more)';
  }
  return line.length > 300 ? line.slice(0, 299) + '…' : line;
}

export function gitSpawnError(e: NodeJS.ErrnoException): SweepError {
  if (e.code === 'ENOENT') return new SweepError('git is not installed or not on PATH');
  return new SweepError(`cannot run git: ${e.message}`);
}

/** The NUL-terminated tokens of a byte stream (git's `-z` output), across chunk borders, one array per chunk read. */
export async function* nulTokenBatches(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer[]> {
  let rest: Buffer | undefined;
  for await (const chunk of stream) {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    const batch: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const nul = buf.indexOf(0, pos);
      if (nul < 0) break;
      batch.push(buf.subarray(pos, nul));
      pos = nul + 1;
    }
    rest = pos < buf.length ? Buffer.from(buf.subarray(pos)) : undefined;
    if (batch.length) yield batch;
  }
  if (rest && rest.length) yield [rest];
}
