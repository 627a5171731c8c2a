import { encodeAttributes, writeBatchHeader } from "@streambed/protocol/records/batch-header";
import { writeBatchCrc } from "@streambed/protocol/records/batch-crc";
import { splitBatches } from "@streambed/protocol";

/**
 * For topics with message.timestamp.type=LogAppendTime: marks every batch as log-append-time
 * and sets its max timestamp to the append time (as a Kafka broker does), then re-seals its CRC.
 * The batches are rewritten in place, before they are buffered.
 */
export function stampLogAppendTime(records: Buffer, appendTimeMs: bigint): void {
  for (const { bytes, header } of splitBatches(records).batches) {
    const attributes = encodeAttributes({ ...header, timestampType: "log-append-time" });
    writeBatchHeader(bytes, 0, { ...header, attributes, maxTimestamp: appendTimeMs });
    writeBatchCrc(bytes, 0);
  }
}
