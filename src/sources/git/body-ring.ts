/**
 * Reused memory for the bodies of objects that `git cat-file --batch` splits across pipe reads (most
 * blobs over a few KB: a pipe read is at most 64 KiB). A fresh buffer per such blob cost page faults and,
 * counted by V8 as external memory, a full garbage collection every 64 MB read; a history reads gigabytes.
 *
 * A ring: bodies are taken in the order git answers and given back in the same order (the consumer takes
 * outcomes in request order), so one contiguous region with a head and a tail is enough. A body that does
 * not fit (larger than a quarter of the ring, or the ring is full) gets a buffer of its own.
 */
export class BodyRing {
  private readonly buf: Buffer;
  /** Oldest byte still in use. */
  private head = 0;
  /** Next free byte. */
  private tail = 0;
  /** The bytes in use run from head to `wrapEnd`, then from 0 to tail. */
  private wrapped = false;
  private wrapEnd = 0;

  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafeSlow(bytes); // its own memory, never a slice of the shared pool
  }

  /** Memory for a body of `n` bytes: valid until it (or a body taken after it) is given back. */
  take(n: number): Buffer {
    const cap = this.buf.length;
    if (n === 0 || n > cap >> 2) return Buffer.allocUnsafe(n);
    if (!this.wrapped && this.head === this.tail) this.head = this.tail = 0;
    let at: number;
    if (!this.wrapped) {
      if (cap - this.tail >= n) at = this.tail;
      else if (this.head >= n) {
        this.wrapped = true;
        this.wrapEnd = this.tail;
        at = 0;
      } else return Buffer.allocUnsafe(n);
    } else if (this.head - this.tail >= n) at = this.tail;
    else return Buffer.allocUnsafe(n);
    this.tail = at + n;
    return this.buf.subarray(at, at + n);
  }

  /**
   * The consumer is done with `b` and with every body taken before it (a body whose reader died is
   * never given back: giving back a later one frees it too). Buffers not from the ring are ignored.
   */
  give(b: Uint8Array): void {
    if (b.buffer !== this.buf.buffer || b.byteLength === 0) return;
    const start = b.byteOffset - this.buf.byteOffset;
    const end = start + b.byteLength;
    if (this.wrapped && start < this.head) this.wrapped = false; // past the wrap: the tail end is free
    this.head = end;
    if (this.wrapped && this.head >= this.wrapEnd) {
      this.wrapped = false;
      this.head = 0;
    }
  }
}
