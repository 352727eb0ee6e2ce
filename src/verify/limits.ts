/** The scheduler's brakes: a counting semaphore and a per-host pacing gate (minimum gap between calls). */

export class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = Math.max(1, size);
  }
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

/** Calls to one host start at least 1000/perSecond ms apart (perSecond <= 0: no pacing). */
export class Pacer {
  private next = 0;
  constructor(private readonly perSecond: number, private readonly now: () => number = Date.now) {}
  async wait(): Promise<void> {
    if (this.perSecond <= 0) return;
    const t = this.now();
    const at = Math.max(t, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > t) await new Promise((r) => setTimeout(r, at - t));
  }
}
