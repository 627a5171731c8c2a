/** Kafka's default `socket.request.max.bytes`. */
export const DEFAULT_MAX_FRAME_SIZE = 100 * 1024 * 1024;

/** A size prefix that is negative or above the limit: the connection must be closed. */
export class FrameSizeError extends Error {
  override readonly name = "FrameSizeError";

  constructor(
    readonly size: number,
    readonly maxFrameSize: number,
  ) {
    super(
      size < 0
        ? `invalid frame size ${size}`
        : `frame of ${size} bytes exceeds the maximum of ${maxFrameSize} bytes`,
    );
  }
}

export interface FrameDecoderOptions {
  /** Largest accepted frame payload in bytes (default 100 MiB). */
  maxFrameSize?: number;
  /**
   * Called for a frame that spans chunks, once its size and first bytes (up to HEAD_BYTES: a
   * request's api key, version and correlation id) have arrived. A returned buffer of at least
   * `size` bytes receives the payload as it arrives and is emitted (trimmed to `size`) as the
   * frame: the caller can reuse memory instead of allocating a new buffer per frame. Returning
   * undefined keeps the default: the chunks are held and joined once the frame is complete.
   */
  allocate?: (size: number, head: Buffer) => Buffer | undefined;
}

/** Bytes of a split frame's payload passed to `allocate` (fewer for a shorter frame). */
export const HEAD_BYTES = 8;

/**
 * Turns a byte stream into frames (int32 big-endian size, then that many bytes). Frames that lie
 * inside one chunk are returned as views of it; a frame split across chunks is copied once: into
 * the buffer `allocate` gives, else when its last byte arrives (the decoder itself never
 * allocates up front from an untrusted size).
 * After a FrameSizeError the decoder must be discarded along with its connection.
 */
export class FrameDecoder {
  readonly maxFrameSize: number;
  private readonly allocate: FrameDecoderOptions["allocate"];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Payload size of the frame being assembled, -1 while its prefix is incomplete. */
  private expected = -1;
  /** The allocated buffer the current frame's payload is copied into, and how much has been. */
  private target: Buffer | undefined;
  private filled = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.allocate = options.allocate;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.target ? 4 + this.filled : this.pendingBytes;
  }

  /** Feeds one chunk; returns the frame payloads it completes, in order. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let rest = chunk;
    if (this.target) {
      rest = this.fillTarget(rest, frames);
      if (rest.length === 0) return frames;
    }
    if (this.pendingBytes === 0) {
      this.split(rest, frames);
      return frames;
    }
    this.pending.push(rest);
    this.pendingBytes += rest.length;
    if (this.expected < 0 && this.pendingBytes >= 4)
      this.expected = this.checkSize(this.peek(0, 4).readInt32BE(0));
    if (this.expected >= 0 && this.pendingBytes >= 4 + this.expected) {
      const joined = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.expected = -1;
      this.split(joined, frames);
    } else {
      this.tryAllocate();
    }
    return frames;
  }

  /** Emits every whole frame of `buf` as a view; keeps the incomplete tail pending. */
  private split(buf: Buffer, frames: Buffer[]): void {
    let offset = 0;
    while (buf.length - offset >= 4) {
      const size = this.checkSize(buf.readInt32BE(offset));
      if (buf.length - offset - 4 < size) {
        this.expected = size;
        break;
      }
      frames.push(buf.subarray(offset + 4, offset + 4 + size));
      offset += 4 + size;
    }
    if (offset < buf.length) {
      this.pending.push(buf.subarray(offset));
      this.pendingBytes = buf.length - offset;
      this.tryAllocate();
    }
  }

  /** Drops any partly received frame (the connection is gone); returns its allocated buffer, if any. */
  reset(): Buffer | undefined {
    const target = this.target;
    this.target = undefined;
    this.filled = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.expected = -1;
    return target;
  }

  /** Moves the pending frame into an allocated buffer once its size and head are known. */
  private tryAllocate(): void {
    if (!this.allocate || this.expected < 0) return;
    const headBytes = Math.min(this.expected, HEAD_BYTES);
    if (this.pendingBytes < 4 + headBytes) return;
    const target = this.allocate(this.expected, this.peek(4, headBytes));
    if (!target) return;
    if (target.length < this.expected)
      throw new RangeError(`allocated ${target.length} bytes for a frame of ${this.expected}`);
    this.target = target.subarray(0, this.expected);
    this.filled = 0;
    const pending = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.expected = -1;
    let skip = 4;
    for (const part of pending) {
      const from = Math.min(skip, part.length);
      skip -= from;
      this.filled += part.copy(this.target, this.filled, from);
    }
  }

  /** Copies what `chunk` holds of the target frame; returns the bytes after it. */
  private fillTarget(chunk: Buffer, frames: Buffer[]): Buffer {
    const target = this.target!;
    const n = Math.min(target.length - this.filled, chunk.length);
    chunk.copy(target, this.filled, 0, n);
    this.filled += n;
    if (this.filled < target.length) return chunk.subarray(chunk.length);
    frames.push(target);
    this.target = undefined;
    this.filled = 0;
    return chunk.subarray(n);
  }

  /** `n` pending bytes from `start` (they must be there). */
  private peek(start: number, n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let skip = start;
    let filled = 0;
    for (const part of this.pending) {
      if (skip >= part.length) {
        skip -= part.length;
        continue;
      }
      filled += part.copy(out, filled, skip, Math.min(part.length, skip + n - filled));
      skip = 0;
      if (filled === n) break;
    }
    return out;
  }

  private checkSize(size: number): number {
    if (size < 0 || size > this.maxFrameSize) throw new FrameSizeError(size, this.maxFrameSize);
    return size;
  }
}
