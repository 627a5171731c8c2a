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
}

/**
 * Turns a byte stream into frames (int32 big-endian size, then that many bytes). Frames that lie
 * inside one chunk are returned as views of it; a frame split across chunks is copied once, when
 * its last byte arrives (nothing is allocated up front from an untrusted size).
 * After a FrameSizeError the decoder must be discarded along with its connection.
 */
export class FrameDecoder {
  readonly maxFrameSize: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Payload size of the frame being assembled, -1 while its prefix is incomplete. */
  private expected = -1;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Feeds one chunk; returns the frame payloads it completes, in order. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    if (this.pendingBytes === 0) {
      this.split(chunk, frames);
      return frames;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.expected < 0 && this.pendingBytes >= 4)
      this.expected = this.checkSize(this.peekSize());
    if (this.expected >= 0 && this.pendingBytes >= 4 + this.expected) {
      const joined = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.expected = -1;
      this.split(joined, frames);
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
    }
  }

  private peekSize(): number {
    const head = Buffer.allocUnsafe(4);
    let filled = 0;
    for (const part of this.pending) {
      filled += part.copy(head, filled, 0, Math.min(part.length, 4 - filled));
      if (filled === 4) break;
    }
    return head.readInt32BE(0);
  }

  private checkSize(size: number): number {
    if (size < 0 || size > this.maxFrameSize) throw new FrameSizeError(size, this.maxFrameSize);
    return size;
  }
}
