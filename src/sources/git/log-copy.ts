/**
 * A copy of the history pass's `git log` output on disk, so provenance (which commits and paths hold a
 * blob that had findings) is read back from it instead of running git log over the whole history a second
 * time, after the scan, where its time added straight to the wall clock. On disk, not in memory: RSS stays
 * flat. Past `maxBytes` the copy is dropped and the caller runs git log again.
 */
import { closeSync, createReadStream, lstatSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `secret-sweep-log-<pid>-XXXXXX`: the pid tells a later run whether the owner is still alive. */
const PREFIX = 'secret-sweep-log-';

/** 512 MiB: about two million commits' worth of raw log. */
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

export class LogCopy {
  private readonly dir: string;
  private readonly file: string;
  private fd: number | undefined;
  private bytes = 0;
  private dropped = false;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {
    // Paths, names and e-mail addresses of the history: a private directory (0700), a 0600 file.
    removeStaleCopies();
    // Handlers first: a signal that lands between creating the folder and installing them would kill
    // the process by default and leave the folder behind (seen under load).
    watchSignals();
    this.dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
    live.add(this.dir);
    this.file = join(this.dir, 'log');
    this.fd = openSync(this.file, 'wx', 0o600);
  }

  /** Append one chunk (LogOptions.tee). A failed write (disk full) drops the copy; the scan goes on. */
  readonly write = (chunk: Buffer): void => {
    if (this.fd === undefined) return;
    if (this.bytes + chunk.length > this.maxBytes) return this.drop();
    try {
      for (let off = 0; off < chunk.length; ) off += writeSync(this.fd, chunk, off, chunk.length - off);
      this.bytes += chunk.length;
    } catch {
      this.drop();
    }
  };

  /** The saved output, or undefined when it was dropped (too large, or a write failed). */
  read(): AsyncIterable<Buffer> | undefined {
    this.closeFile();
    if (this.dropped) return undefined;
    return createReadStream(this.file, { highWaterMark: 1024 * 1024 });
  }

  /** Delete the copy. */
  remove(): void {
    this.closeFile();
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this.dir);
    if (live.size === 0) unwatchSignals();
  }

  private drop(): void {
    this.dropped = true;
    this.closeFile();
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

// An interrupted scan (Ctrl-C, a CI job's SIGTERM, a closed terminal's SIGHUP) skips the `finally` that
// removes the copy: the copies still open are removed on those signals and at exit, and a copy whose
// process is gone (SIGKILL, a crash) is removed by the next run.
const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removeLive(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  removeLive();
  unwatchSignals();
  // Die of the same signal, as without this handler (the shell and CI see 130 / 143).
  process.kill(process.pid, sig);
}

let watching = false;
function watchSignals(): void {
  if (watching) return;
  watching = true;
  for (const sig of SIGNALS) process.on(sig, onSignal);
  process.on('exit', removeLive);
}

function unwatchSignals(): void {
  if (!watching) return;
  watching = false;
  for (const sig of SIGNALS) process.off(sig, onSignal);
  process.off('exit', removeLive);
}

let staleChecked = false;
/** Remove this user's copies left by processes that no longer exist (once per process). */
export function removeStaleCopies(dir = tmpdir()): void {
  if (staleChecked) return;
  staleChecked = true;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)-[^/]+$`).exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
      rmSync(path, { recursive: true, force: true });
    } catch {
      /* gone already, or not ours to remove */
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
