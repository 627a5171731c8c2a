import {
  declaredUncompressedLength,
  decompress,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
} from "@streambed/protocol";
import type { Logger } from "pino";
import type { UsageRecorder } from "./usage-recorder.ts";

const BATCH_LENGTH_AT = 8;
const ATTRIBUTES_AT = 21;
const COMPRESSION_MASK = 0x07;

/** Compressed bytes waiting for decompression; beyond this, batches are counted as stored. */
const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;

export interface UncompressedSizeMetrics {
  /** Compressed batches counted at their stored size because the queue was full or undecodable. */
  approximated: { inc(value?: number): void };
}

interface CompressedBatches {
  clusterId: string;
  /** A copy: the request's frame is reused once its handler returns. */
  batches: Buffer;
}

/**
 * Counts `write_bytes` as the size record batches would have uncompressed: the batch header plus
 * the uncompressed records, byte for byte what the producer would have sent without compression.
 * Uncompressed batches carry their length; most compressed ones declare their uncompressed length
 * in their framing (gzip's trailer, snappy's block headers, lz4/zstd frame headers), read on the
 * spot without decompressing. The rest (lz4/zstd frames without a content size) are copied to a
 * bounded queue and decompressed in the background, on libuv's thread pool, never in the way of
 * Produce.
 */
export class WriteBytesCounter {
  private readonly queue: CompressedBatches[] = [];
  private queuedBytes = 0;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly recorder: UsageRecorder,
    private readonly logger: Pick<Logger, "warn">,
    private readonly metrics?: UncompressedSizeMetrics,
    private readonly maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES,
  ) {}

  /** Counts committed, validated record batches (whole batches, back to back). */
  count(clusterId: string, batches: Buffer): void {
    if (!this.recorder.enabled) return;
    let counted = 0;
    let undeclared = false;
    for (let at = 0; at + RECORD_BATCH_HEADER_SIZE <= batches.length;) {
      const size = LOG_OVERHEAD + batches.readInt32BE(at + BATCH_LENGTH_AT);
      const codec = batches.readInt16BE(at + ATTRIBUTES_AT) & COMPRESSION_MASK;
      if (codec === 0) counted += size;
      else {
        const records = declaredUncompressedLength(
          codec,
          batches,
          at + RECORD_BATCH_HEADER_SIZE,
          at + size,
        );
        if (records === null) undeclared = true;
        else counted += RECORD_BATCH_HEADER_SIZE + records;
      }
      at += size;
    }
    if (counted > 0) this.recorder.add(clusterId, "write_bytes", counted);
    if (!undeclared) return;
    if (this.queuedBytes + batches.length > this.maxQueuedBytes) {
      this.metrics?.approximated.inc();
      this.recorder.add(clusterId, "write_bytes", storedSizeOfUndeclared(batches));
      return;
    }
    this.queue.push({ clusterId, batches: Buffer.from(batches) });
    this.queuedBytes += batches.length;
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves once every queued batch is counted (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      this.queuedBytes -= next.batches.length;
      let bytes: number;
      try {
        bytes = await uncompressedSizeOfUndeclared(next.batches);
      } catch (err) {
        // Validated at produce time, so only a codec bug lands here: count what was stored.
        this.logger.warn({ err }, "could not decompress a batch to meter it");
        this.metrics?.approximated.inc();
        bytes = storedSizeOfUndeclared(next.batches);
      }
      this.recorder.add(next.clusterId, "write_bytes", bytes);
    }
  }
}

/** The compressed batches that do not declare their uncompressed length (off the hot path). */
function* undeclaredBatches(
  batches: Buffer,
): Generator<{ codec: number; size: number; records: Buffer }, void, undefined> {
  for (let at = 0; at + RECORD_BATCH_HEADER_SIZE <= batches.length;) {
    const size = LOG_OVERHEAD + batches.readInt32BE(at + BATCH_LENGTH_AT);
    const codec = batches.readInt16BE(at + ATTRIBUTES_AT) & COMPRESSION_MASK;
    const recordsAt = at + RECORD_BATCH_HEADER_SIZE;
    if (codec !== 0 && declaredUncompressedLength(codec, batches, recordsAt, at + size) === null)
      yield { codec, size, records: batches.subarray(recordsAt, at + size) };
    at += size;
  }
}

function storedSizeOfUndeclared(batches: Buffer): number {
  let bytes = 0;
  for (const batch of undeclaredBatches(batches)) bytes += batch.size;
  return bytes;
}

async function uncompressedSizeOfUndeclared(batches: Buffer): Promise<number> {
  let bytes = 0;
  for (const batch of undeclaredBatches(batches))
    bytes += RECORD_BATCH_HEADER_SIZE + (await decompress(batch.codec, batch.records)).length;
  return bytes;
}
