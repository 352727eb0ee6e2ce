/**
 * A copy of the history pass's `git log` output on disk, so provenance (which commits and paths hold a
 * blob that had findings) is read back from it instead of running git log over the whole history a second
 * time, after the scan, where its time added straight to the wall clock. On disk, not in memory: RSS stays
 * flat. Past `maxBytes` the copy is dropped and the caller runs git log again.
 */
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
    this.dir = mkdtempSync(join(tmpdir(), 'secret-sweep-log-'));
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
