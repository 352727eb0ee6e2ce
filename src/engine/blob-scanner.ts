/**
 * Reads batches of blobs through one `git cat-file --batch` and detects in them, answering each batch
 * with a tally: the 'blobs' jobs of a pool lane (lane.ts).
 */
import type { Detector } from '../detect/detector.js';
import { readBlobs, type BlobRequest } from '../sources/git/blobs.js';
import type { RepoInfo } from '../sources/git/repo.js';
import { emptyTally, tallyBlob, type Tally } from './detect-blob.js';
import { readLfsObject, type LfsPointer } from '../sources/git/lfs.js';

export interface BlobBatch {
  id: number;
  /** Blob sha and the path it was first seen at. */
  blobs: Array<[sha: string, path: string]>;
}

interface Tagged {
  batch: number;
  /** The batch's last blob: its tally is complete after this one. */
  last: boolean;
  path: string;
}

export class BlobScanner {
  // Requests in arrival order, one stream for readBlobs: the cat-file process stays busy across batches.
  private readonly queue: Array<BlobRequest<Tagged> | null> = [];
  private wake?: () => void;
  private aborted = false;
  /** Settles when every batch is answered after end(); rejects when reading fails. */
  readonly done: Promise<void>;

  constructor(
    detector: Detector,
    repo: RepoInfo,
    maxSize: number,
    /** Findings kept per blob (0: no limit). */
    limit: number,
    private readonly onTally: (batchId: number, tally: Tally) => void,
    /**
     * Ask sizes first (readBlobs): an oversized blob is skipped unread instead of inflated by git and read
     * past. Measured 0.25 s slower on a 313 MB history when every lane does it, so only a lone reader does.
     */
    sizesFirst = false,
  ) {
    // A pointer's LFS object, from the clone's store (a gate reads what the pointer stands for).
    const lfs = (pointer: LfsPointer) => readLfsObject(repo.gitDir, pointer, maxSize);
    this.done = (async () => {
      let tally = emptyTally();
      // Sizes first (a batch-check beside the reader): an oversized blob is skipped unread, not inflated by git.
      // reuseBodies: tallyBlob is done with a blob's bytes when it returns (it keeps text, never the bytes).
      for await (const o of readBlobs(repo, this.requests(), { maxSize, sizesFirst, maxInFlightChecks: sizesFirst ? undefined : 512, reuseBodies: true })) {
        const meta = o.req.meta;
        tallyBlob(detector, o, meta.path, tally, limit, lfs);
        if (meta.last) {
          onTally(meta.batch, tally);
          tally = emptyTally();
        }
      }
    })();
  }

  push(b: BlobBatch): void {
    if (b.blobs.length === 0) return this.onTally(b.id, emptyTally());
    b.blobs.forEach(([sha, path], i) => this.queue.push({ sha, meta: { batch: b.id, last: i === b.blobs.length - 1, path } }));
    this.notify();
  }

  /** No more batches: close git once the queued ones are answered. */
  end(): void {
    this.queue.push(null);
    this.notify();
  }

  /** Stop: drop the batches not yet handed to git, close it once those in flight are answered. */
  abort(): void {
    this.aborted = true;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async *requests(): AsyncGenerator<BlobRequest<Tagged>> {
    let i = 0;
    for (;;) {
      if (this.aborted) return;
      if (i < this.queue.length) {
        const r = this.queue[i++];
        if (r === null) return;
        yield r!;
        // Drop what was handed over now and then (the queue is a stream, not a list to keep).
        if (i > 4096) {
          this.queue.splice(0, i);
          i = 0;
        }
        continue;
      }
      await new Promise<void>((res) => (this.wake = res));
    }
  }
}
