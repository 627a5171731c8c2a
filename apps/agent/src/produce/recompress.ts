import {
  CompressionError,
  RECORD_BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  compress,
  decompress,
  splitBatches,
  type CompressionType,
} from "@streambed/protocol";
import { encodeAttributes, writeBatchHeader } from "@streambed/protocol/records/batch-header";
import { writeBatchCrc } from "@streambed/protocol/records/batch-crc";
import { ProduceValidationError } from "./produce-errors.ts";

/**
 * The codec a topic's compression.type asks batches to be stored in, or null for "producer"
 * (batches are kept as sent).
 */
export function storedCompression(compressionType: string | undefined): CompressionType | null {
  if (compressionType === undefined || compressionType === "producer") return null;
  return compressionType === "uncompressed" ? "none" : (compressionType as CompressionType);
}

/**
 * Re-encodes the batches that are not in `target` (as a Kafka broker does when the topic's
 * compression.type differs from the producer's): records decompressed, at most
 * `maxUncompressedBytes` per batch, then compressed with `target`; header fields are kept and the
 * CRC resealed. Returns `records` itself when every batch is already in `target`. Throws
 * ProduceValidationError (CORRUPT_MESSAGE, RECORD_LIST_TOO_LARGE).
 */
export async function recompressBatches(
  records: Buffer,
  target: CompressionType,
  maxUncompressedBytes: number,
): Promise<Buffer> {
  const { batches } = splitBatches(records);
  if (batches.every((b) => b.header.compression === target)) return records;
  const out: Buffer[] = [];
  for (const { bytes, header } of batches) {
    if (header.compression === target) {
      out.push(bytes);
      continue;
    }
    let plain: Buffer;
    try {
      plain = await decompress(
        header.compression,
        bytes.subarray(RECORD_BATCH_HEADER_SIZE),
        maxUncompressedBytes,
      );
    } catch (err) {
      if (!(err instanceof CompressionError)) throw err;
      throw new ProduceValidationError(
        err.errorCode === 18 ? "RECORD_LIST_TOO_LARGE" : "CORRUPT_MESSAGE",
        err.message,
      );
    }
    const body = await compress(target, plain);
    const batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + body.length);
    bytes.copy(batch, 0, 0, RECORD_BATCH_HEADER_SIZE);
    body.copy(batch, RECORD_BATCH_HEADER_SIZE);
    writeBatchHeader(batch, 0, {
      ...header,
      batchLength: batch.length - LOG_OVERHEAD,
      attributes: encodeAttributes({ ...header, compression: target }),
    });
    writeBatchCrc(batch, 0);
    out.push(batch);
  }
  return Buffer.concat(out);
}
