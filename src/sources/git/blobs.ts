/**
 * Reading many blobs fast with flat memory: sizes first from a pipelined `cat-file --batch-check`,
 * then content from a pipelined `cat-file --batch`, never more than `maxInFlightBytes` of content
 * requested and not yet handed to the consumer. Oversized blobs are never read.
 */
import { CatFile, type ObjectResult } from './cat-file.js';
import type { RepoInfo } from './repo.js';

export interface BlobRequest<M> {
  sha: string;
  meta: M;
}

export type BlobOutcome<M> =
  | { req: BlobRequest<M>; size: number; data: Buffer; skip?: undefined }
  | { req: BlobRequest<M>; size: number; skip: 'too-large' | 'missing' | 'not-a-blob'; data?: undefined };

export interface ReadBlobsOptions {
  maxSize: number;
  /** Content requested from git but not yet yielded (default 32 MiB, or one blob if larger). */
  maxInFlightBytes?: number;
  /** Size look-ups in flight (default 512). */
  maxInFlightChecks?: number;
}

/** Yields one outcome per request, in request order. */
export async function* readBlobs<M>(
  repo: RepoInfo,
  requests: AsyncIterable<BlobRequest<M>> | Iterable<BlobRequest<M>>,
  opts: ReadBlobsOptions,
): AsyncGenerator<BlobOutcome<M>> {
  const maxBytes = opts.maxInFlightBytes ?? 32 * 1024 * 1024;
  const maxChecks = opts.maxInFlightChecks ?? 512;
  const check = new CatFile(repo.root, 'check');
  let batch: CatFile | undefined;
  // Outcomes in request order: either settled (skips) or waiting for content.
  type Slot = { req: BlobRequest<M>; size: number; content?: Promise<ObjectResult>; skip?: 'too-large' | 'missing' | 'not-a-blob' };
  const checks: { req: BlobRequest<M>; info: Promise<ObjectResult> }[] = [];
  const slots: Slot[] = [];
  let inFlight = 0;
  let ok = false;

  const emit = async (s: Slot): Promise<BlobOutcome<M>> => {
    if (s.skip) return { req: s.req, size: s.size, skip: s.skip };
    const r = await s.content!;
    inFlight -= s.size;
    if (r.missing || !r.data) return { req: s.req, size: s.size, skip: 'missing' };
    return { req: s.req, size: s.size, data: r.data };
  };

  // Settle the oldest size look-up into a slot; yields slots that must go first to make room.
  async function* settleOne(): AsyncGenerator<BlobOutcome<M>> {
    const c = checks.shift()!;
    const info = await c.info;
    if (info.missing) {
      slots.push({ req: c.req, size: 0, skip: 'missing' });
    } else if (info.type !== 'blob') {
      slots.push({ req: c.req, size: info.size, skip: 'not-a-blob' });
    } else if (info.size > opts.maxSize) {
      slots.push({ req: c.req, size: info.size, skip: 'too-large' });
    } else {
      while (slots.length > 0 && (inFlight + info.size > maxBytes || slots.length >= maxChecks)) yield await emit(slots.shift()!);
      batch ??= new CatFile(repo.root, 'batch');
      inFlight += info.size;
      const content = batch.request(info.sha);
      content.catch(() => {});
      slots.push({ req: c.req, size: info.size, content });
    }
    // Skips at the front can go out at once.
    while (slots.length > 0 && slots[0]!.skip) yield await emit(slots.shift()!);
  }

  try {
    for await (const req of requests) {
      const info = check.request(req.sha);
      info.catch(() => {}); // awaited in order below; this only keeps an abandoned scan from crashing
      checks.push({ req, info });
      if (checks.length >= maxChecks) yield* settleOne();
    }
    while (checks.length > 0) yield* settleOne();
    while (slots.length > 0) yield await emit(slots.shift()!);
    ok = true;
  } finally {
    if (ok) {
      await Promise.all([check.close(), batch?.close()]);
    } else {
      check.kill();
      batch?.kill();
    }
  }
}
