/**
 * One long-lived `git cat-file --batch` (or `--batch-check`) process, pipelined.
 *
 * Requests are written to git's stdin as soon as they are made; answers come back in the same order and
 * are parsed from the byte stream (`<sha> <type> <size>\n<content>\n`, or `<name> missing\n`). The
 * caller bounds what is in flight (see `BlobReader` in blobs.ts) so memory stays flat.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { SweepError } from '../../errors.js';
import { firstGitLine, lendGit, spawnGit } from './run.js';

export interface ObjectInfo {
  sha: string;
  type: string;
  size: number;
}

/** `tooLarge`: the object was over the `discardAbove` limit; its bytes were read past, not kept. */
export type ObjectResult = (ObjectInfo & { missing?: false; data?: Buffer; tooLarge?: boolean }) | { sha: string; missing: true };

interface Pending {
  sha: string;
  resolve: (r: ObjectResult) => void;
  reject: (e: Error) => void;
}

const NL = 0x0a;

/** The arguments of a content reader (exported so that the pre-commit path can start one early). */
export const CAT_FILE_BATCH = ['cat-file', '--batch'];

/** git cat-file ended with requests unanswered; it dies on a corrupt object, the first of them. */
export class CatFileExited extends SweepError {}

export class CatFile {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private head = 0;
  private header: Buffer[] = [];
  /**
   * The body being read: `keep` false for an object over discardAbove (read past); `data` is allocated
   * only when the body spans chunks. Results are views of git's output chunks or own buffers: either
   * way the caller may keep them.
   */
  private body?: { info: ObjectInfo; keep: boolean; data?: Buffer; filled: number; p: Pending };
  /** 1 while the LF after a body is still to come. */
  private trailer = 0;
  private failed?: Error;
  private stderr = '';
  private closed = false;
  /** Request lines not yet written: one write per batch of requests, not one syscall per object. */
  private out: string[] = [];
  private flushScheduled = false;
  /** Set by release(): called once the output is read to its end (every request answered, the last LF read). */
  private onIdle?: () => void;
  private readonly listeners: { data: (b: Buffer) => void; err: (b: Buffer) => void; error: (e: Error) => void; close: (code: number | null) => void };
  private readonly args: string[];

  /**
   * @param cwd repository root
   * @param mode 'batch' returns content, 'check' only type and size
   */
  constructor(
    private readonly cwd: string,
    readonly mode: 'batch' | 'check',
    /** In batch mode, objects larger than this are skipped over without being buffered. */
    private readonly discardAbove = Infinity,
    /** Memory for a body that spans pipe reads (default: a buffer of its own; see body-ring.ts). */
    private readonly takeBody: (n: number) => Buffer = (n) => Buffer.allocUnsafe(n),
  ) {
    this.args = mode === 'batch' ? CAT_FILE_BATCH : ['cat-file', '--batch-check'];
    this.proc = spawnGit(cwd, this.args);
    this.listeners = {
      data: (chunk: Buffer) => this.onData(chunk),
      err: (b: Buffer) => {
        if (this.stderr.length < 4096) this.stderr += b.toString('utf8');
      },
      error: (e: Error) => this.fail(new SweepError(`cannot run git cat-file: ${e.message}`)),
      close: (code: number | null) => {
        // A request whose body was being read when git died is out of the queue: fail it first (it is the
        // object git died on), else its promise never settles.
        const cut = this.body?.p;
        this.body = undefined;
        if (cut || this.pending() > 0 || this.onIdle) {
          const e = new CatFileExited(`${cwd}: git cat-file exited (${code}): ${firstGitLine(this.stderr) || 'unexpected end of output'}`);
          cut?.reject(e);
          this.fail(e);
        }
      },
    };
    this.proc.stdout.on('data', this.listeners.data);
    this.proc.stderr.on('data', this.listeners.err);
    this.proc.on('error', this.listeners.error);
    this.proc.on('close', this.listeners.close);
  }

  /** Number of requests not answered yet. */
  pending(): number {
    return this.queue.length - this.head;
  }

  /** Ask for one object by sha (or any name cat-file accepts without spaces/newlines). */
  request(sha: string): Promise<ObjectResult> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('cat-file is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ sha, resolve, reject });
      this.out.push(sha);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.out.length === 0 || this.failed) return;
    const text = this.out.join('\n') + '\n';
    this.out = [];
    this.proc.stdin.write(text);
  }

  /** End the process (pending requests are still answered). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return resolve();
      this.proc.once('close', () => resolve());
      this.flush();
      this.proc.stdin.end();
    });
  }

  /**
   * Stop using the process without ending it: once every request is answered, it goes back to run.ts
   * (lendGit) for the next CatFile of this repository and mode (the pre-commit path reads HEAD's config,
   * then the staged blobs, through one process). A process that failed, or still had requests, is killed.
   */
  async release(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    if (!this.failed && (this.pending() > 0 || this.body || this.trailer || this.header.length)) await new Promise<void>((r) => (this.onIdle = r));
    if (this.failed || this.pending() > 0 || this.proc.exitCode !== null || this.proc.signalCode !== null) return this.kill();
    this.proc.stdout.off('data', this.listeners.data);
    this.proc.stderr.off('data', this.listeners.err);
    this.proc.off('error', this.listeners.error);
    this.proc.off('close', this.listeners.close);
    lendGit(this.cwd, this.args, this.proc);
  }

  /** Kill the process (on error paths). */
  kill(): void {
    this.closed = true;
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill();
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    while (this.head < this.queue.length) this.queue[this.head++]!.reject(e);
    this.queue.length = 0;
    this.head = 0;
    this.onIdle?.();
  }

  private next(): Pending {
    const p = this.queue[this.head++];
    if (!p) throw new Error('git cat-file answered a request that was not made');
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return p;
  }

  private onData(chunk: Buffer): void {
    try {
      this.parse(chunk);
    } catch (e) {
      this.fail(e as Error);
      this.kill();
    }
    if (this.onIdle && (this.failed || (this.pending() === 0 && !this.body && !this.trailer && this.header.length === 0))) this.onIdle();
  }

  private parse(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.trailer) {
        // The LF that ends a body.
        pos++;
        this.trailer = 0;
        continue;
      }
      if (this.body) {
        const b = this.body;
        if (b.filled === 0 && b.keep && !b.data) {
          if (chunk.length - pos >= b.info.size) {
            // The whole body is in this chunk (most blobs): a view of it, no copy, no allocation.
            const data = chunk.subarray(pos, pos + b.info.size);
            pos += b.info.size;
            this.body = undefined;
            this.trailer = 1;
            b.p.resolve({ ...b.info, data });
            continue;
          }
          b.data = this.takeBody(b.info.size);
        }
        const n = Math.min(b.info.size - b.filled, chunk.length - pos);
        if (b.data) chunk.copy(b.data, b.filled, pos, pos + n);
        b.filled += n;
        pos += n;
        if (b.filled === b.info.size) {
          this.body = undefined;
          this.trailer = 1;
          b.p.resolve(b.keep ? { ...b.info, data: b.data! } : { ...b.info, tooLarge: true });
        }
        continue;
      }
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) {
        this.header.push(chunk.subarray(pos));
        return;
      }
      let line: string;
      if (this.header.length) {
        this.header.push(chunk.subarray(pos, nl));
        line = Buffer.concat(this.header).toString('latin1');
        this.header = [];
      } else line = chunk.toString('latin1', pos, nl);
      pos = nl + 1;
      this.onHeader(line);
    }
  }

  private onHeader(line: string): void {
    const p = this.next();
    if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
      p.resolve({ sha: p.sha, missing: true });
      return;
    }
    const parts = line.split(' ');
    if (parts.length !== 3) throw new Error(`unexpected git cat-file output: ${line.slice(0, 80)}`);
    const info: ObjectInfo = { sha: parts[0]!, type: parts[1]!, size: Number(parts[2]) };
    if (this.mode === 'check') {
      p.resolve(info);
      return;
    }
    if (info.size === 0) {
      this.trailer = 1;
      p.resolve({ ...info, data: Buffer.alloc(0) });
      return;
    }
    // The body is allocated when it turns out not to fit in the current chunk (see parse).
    this.body = { info, keep: info.size <= this.discardAbove, filled: 0, p };
  }
}
