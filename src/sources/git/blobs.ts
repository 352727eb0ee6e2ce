/**
 * Reading many blobs fast with flat memory: sizes first from a pipelined `cat-file --batch-check`,
 * then content from a pipelined `cat-file --batch`, never more than `maxInFlightBytes` of content
 * requested and not yet consumed. Oversized blobs are never read.
 *
 * The stages run on their own (callbacks, not one await per object): requests are taken from the input
 * while fewer than `maxInFlightChecks` size look-ups are pending, so git gets its requests in large
 * writes and both cat-file processes stay busy; the consumer takes outcomes in request order.
 */
import { CatFile, CatFileExited, type ObjectResult } from './cat-file.js';
import { BodyRing } from './body-ring.js';
import type { RepoInfo } from './repo.js';

export interface BlobRequest<M> {
  sha: string;
  meta: M;
}

export type BlobOutcome<M> =
  | { req: BlobRequest<M>; size: number; data: Buffer; skip?: undefined }
  | { req: BlobRequest<M>; size: number; skip: 'too-large' | 'missing' | 'not-a-blob' | 'corrupt'; data?: undefined };

/** What an unreadable object's skip says in warnings and reports. */
export function unreadableDetail(sha: string, skip: 'missing' | 'corrupt' | 'not-a-blob'): string {
  return `blob ${sha}: ${skip === 'corrupt' ? 'corrupt' : skip === 'missing' ? 'missing or corrupt' : 'not a blob'} in the object database`;
}

/** cat-file processes started again after one died on a corrupt object, before giving up. */
const MAX_RESTARTS = 64;

export interface ReadBlobsOptions {
  maxSize: number;
  /** Content requested from git but not yet consumed (default 32 MiB, or one blob if larger). */
  maxInFlightBytes?: number;
  /** Size look-ups in flight, and outcomes waiting for the consumer (default 2048). */
  maxInFlightChecks?: number;
  /**
   * Ask sizes first (default). `false` saves a process start for a handful of blobs (`--staged`):
   * content is requested at once and oversized blobs are read past, not kept.
   */
  sizesFirst?: boolean;
  /**
   * An outcome's `data` is valid only until the next outcome is asked for: the memory of bodies that span
   * pipe reads is then reused (body-ring.ts). For consumers that are done with a blob when they ask for the next.
   */
  reuseBodies?: boolean;
}

/** The reused memory of a reader with `reuseBodies`: bodies up to a quarter of it (1 MiB) go there. */
const RING_BYTES = 4 * 1024 * 1024;

interface Slot<M> {
  req: BlobRequest<M>;
  size: number;
  /** Set once the outcome is known. */
  outcome?: BlobOutcome<M>;
  /** Counted against the in-flight byte budget until consumed. */
  fetched: boolean;
}

/** Yields one outcome per request, in request order. */
export async function* readBlobs<M>(
  repo: RepoInfo,
  requests: AsyncIterable<BlobRequest<M>> | Iterable<BlobRequest<M>>,
  opts: ReadBlobsOptions,
): AsyncGenerator<BlobOutcome<M>> {
  const maxBytes = opts.maxInFlightBytes ?? 32 * 1024 * 1024;
  const maxChecks = opts.maxInFlightChecks ?? 2048;
  const sizesFirst = opts.sizesFirst ?? true;
  const check = sizesFirst ? new CatFile(repo.root, 'check') : undefined;
  const ring = opts.reuseBodies ? new BodyRing(RING_BYTES) : undefined;
  const takeBody = ring ? (n: number) => ring.take(n) : undefined;
  let batch: CatFile | undefined = sizesFirst ? undefined : new CatFile(repo.root, 'batch', opts.maxSize, takeBody);

  let slots: Slot<M>[] = [];
  let head = 0;
  let checking = 0;
  let budget = 0;
  const waitingBudget: Slot<M>[] = [];
  let inputDone = false;
  let failure: unknown;
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const notifyConsumer = () => {
    const w = wakeConsumer;
    wakeConsumer = undefined;
    w?.();
  };
  const notifyProducer = () => {
    const w = wakeProducer;
    wakeProducer = undefined;
    w?.();
  };
  const fail = (e: unknown) => {
    failure ??= e;
    notifyConsumer();
    notifyProducer();
  };

  let restarts = 0;
  const startFetch = (s: Slot<M>) => {
    budget += s.size;
    s.fetched = true;
    const proc = (batch ??= new CatFile(repo.root, 'batch', sizesFirst ? Infinity : opts.maxSize, takeBody));
    proc.request(s.req.sha).then((r: ObjectResult) => {
      if (r.missing) s.outcome = { req: s.req, size: s.size, skip: 'missing' };
      else if (r.type !== 'blob') s.outcome = { req: s.req, size: r.size, skip: 'not-a-blob' };
      else if (r.tooLarge || !r.data) s.outcome = { req: s.req, size: r.size, skip: 'too-large' };
      else s.outcome = { req: s.req, size: r.size, data: r.data };
      if (!sizesFirst) {
        checking--;
        notifyProducer();
      }
      notifyConsumer();
    }, (e: unknown) => onFetchError(proc, s, e));
  };
  // git cat-file dies on a corrupt object (e.g. a damaged pack). Its requests fail in order: the first is
  // the object it died on (reported as corrupt), the rest go to a new process. Bounded restarts.
  const onFetchError = (proc: CatFile, s: Slot<M>, e: unknown) => {
    if (!(e instanceof CatFileExited) || stopped || failure) return fail(e);
    if (batch !== proc) {
      budget -= s.size;
      startFetch(s);
      return;
    }
    if (++restarts > MAX_RESTARTS) return fail(e);
    batch = undefined;
    s.outcome = { req: s.req, size: s.size, skip: 'corrupt' };
    if (!sizesFirst) {
      checking--;
      notifyProducer();
    }
    notifyConsumer();
  };
  const pumpBudget = () => {
    while (waitingBudget.length > 0 && (budget === 0 || budget + waitingBudget[0]!.size <= maxBytes)) startFetch(waitingBudget.shift()!);
  };
  const onInfo = (s: Slot<M>, info: ObjectResult) => {
    checking--;
    notifyProducer();
    if (info.missing) s.outcome = { req: s.req, size: 0, skip: 'missing' };
    else if (info.type !== 'blob') s.outcome = { req: s.req, size: info.size, skip: 'not-a-blob' };
    else if (info.size > opts.maxSize) s.outcome = { req: s.req, size: info.size, skip: 'too-large' };
    else {
      s.size = info.size;
      waitingBudget.push(s);
      pumpBudget();
      return;
    }
    notifyConsumer();
  };

  // Producer: takes requests while there is room, independently of the consumer.
  void (async () => {
    for await (const req of requests) {
      if (stopped || failure) return;
      const s: Slot<M> = { req, size: 0, fetched: false };
      slots.push(s);
      checking++;
      if (check) check.request(req.sha).then((info) => onInfo(s, info), fail);
      else startFetch(s);
      if (checking >= maxChecks || slots.length - head >= 2 * maxChecks) {
        // Wait until half the room is free again, so requests reach git in large writes.
        while (!stopped && !failure && (checking > maxChecks / 2 || slots.length - head > maxChecks)) {
          await new Promise<void>((r) => (wakeProducer = r));
        }
      }
    }
  })().then(
    () => {
      inputDone = true;
      notifyConsumer();
    },
    fail,
  );

  let ok = false;
  try {
    for (;;) {
      if (failure) throw failure;
      const s = slots[head];
      if (s?.outcome) {
        slots[head] = undefined as unknown as Slot<M>;
        head++;
        if (head > 4096 && head * 2 > slots.length) {
          slots = slots.slice(head);
          head = 0;
        }
        notifyProducer();
        yield s.outcome;
        if (ring && s.outcome.data) ring.give(s.outcome.data);
        if (s.fetched) {
          budget -= s.size;
          // Refill in bulk (below half the budget), so requests reach git in large writes.
          if (budget <= maxBytes / 2) pumpBudget();
        }
        continue;
      }
      if (!s && inputDone) break;
      await new Promise<void>((r) => (wakeConsumer = r));
    }
    ok = true;
  } finally {
    stopped = true;
    notifyProducer();
    if (ok) await Promise.all([check?.close(), batch?.close()]);
    else {
      check?.kill();
      batch?.kill();
    }
  }
}
