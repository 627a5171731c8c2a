import { crc32c } from "@node-rs/crc32";
import { ATTRIBUTES_AT, BATCH_LENGTH_AT, CRC_AT, LOG_OVERHEAD } from "./batch-header.ts";

/** CRC32C of the batch at `offset`: attributes through the end of the batch (the length field bounds it). */
export function computeBatchCrc(buf: Buffer, offset = 0): number {
  const end = offset + LOG_OVERHEAD + buf.readInt32BE(offset + BATCH_LENGTH_AT);
  return crc32c(buf.subarray(offset + ATTRIBUTES_AT, end)) >>> 0;
}

/**
 * True when the stored CRC matches the batch's bytes. The batch must be complete in `buf`
 * (splitBatches only returns complete ones); its header is assumed already parsed.
 */
export function verifyBatchCrc(buf: Buffer, offset = 0): boolean {
  return computeBatchCrc(buf, offset) === buf.readUInt32BE(offset + CRC_AT);
}

/** Computes and stores the CRC of a batch whose other bytes are final. */
export function writeBatchCrc(buf: Buffer, offset = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, offset), offset + CRC_AT);
}
