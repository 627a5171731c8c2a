/**
 * Reusable buffers for large request frames. Producers send frames of about `batch.size`, each
 * split over many socket reads; a new buffer per frame makes V8 collect garbage for "external
 * memory pressure" every few tens of MiB and the kernel fault in fresh pages. Frames lent from
 * here go back once their request is answered, and the next frame of the same size class reuses
 * the memory.
 */
export class FramePool {
  private readonly free = new Map<number, Buffer[]>();
  /** Slabs lent out, by their memory: only these are taken back. */
  private readonly lent = new WeakSet<ArrayBufferLike>();
  private retained = 0;
  private lentBytes = 0;

  constructor(
    private readonly options: {
      /** Memory kept for reuse when frames come back; beyond it they are left to the GC. */
      maxRetainedBytes: number;
      /** Smaller frames are left to the default path (one read holds them, or nearly). */
      minFrameBytes: number;
      /** Larger ones too: they are rare and would pin a lot of memory. */
      maxFrameBytes: number;
    },
  ) {}

  /** A buffer of exactly `size` bytes backed by a pooled slab, or undefined outside the pooled sizes. */
  take(size: number): Buffer | undefined {
    if (size < this.options.minFrameBytes || size > this.options.maxFrameBytes) return undefined;
    const classBytes = sizeClass(size);
    let slab = this.free.get(classBytes)?.pop();
    if (slab) this.retained -= classBytes;
    else slab = Buffer.allocUnsafeSlow(classBytes);
    this.lent.add(slab.buffer);
    this.lentBytes += classBytes;
    return slab.subarray(0, size);
  }

  /** Takes a frame back (any other buffer is ignored). Nothing may use it afterwards. */
  release(frame: Buffer): void {
    const memory = frame.buffer;
    if (!this.lent.has(memory)) return;
    this.lent.delete(memory);
    this.lentBytes -= memory.byteLength;
    if (this.retained + memory.byteLength > this.options.maxRetainedBytes) return;
    const slab = Buffer.from(memory, 0, memory.byteLength);
    let list = this.free.get(slab.length);
    if (!list) this.free.set(slab.length, (list = []));
    list.push(slab);
    this.retained += slab.length;
  }

  /** Bytes kept for reuse. */
  get retainedBytes(): number {
    return this.retained;
  }

  /** Bytes of slabs lent out and not released yet. */
  get lentOutBytes(): number {
    return this.lentBytes;
  }
}

/** Quarter steps between powers of two: at most 25 % of a slab goes unused. */
export function sizeClass(size: number): number {
  const power = 2 ** Math.floor(Math.log2(size));
  const step = Math.max(1, power / 4);
  return Math.ceil(size / step) * step;
}
