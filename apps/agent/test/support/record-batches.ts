import { buildRecordBatch, splitBatches } from "@streambed/protocol";
import type { ProduceEntry } from "../../src/produce/produce-buffer.ts";
import { validateRecordBatches } from "../../src/produce/validate-records.ts";

/** A real producer batch of `count` records with values `<label>-<i>` padded to `valueBytes`. */
export function batchOf(
  label: string,
  count: number,
  valueBytes = 32,
  timestamp = 1_700_000_000_000,
): Promise<Buffer> {
  return buildRecordBatch({
    records: Array.from({ length: count }, (_, i) => ({
      key: null,
      value: Buffer.from(`${label}-${i}`.padEnd(valueBytes, ".")),
      timestamp: timestamp + i,
    })),
  });
}

/** A ProduceEntry for the batches, validated the way the Produce handler does it. */
export function entryOf(
  topic: { id: string; name: string },
  partition: number,
  batches: Buffer,
): ProduceEntry {
  const { recordCount, maxTimestamp } = validateRecordBatches(batches, 1 << 30);
  return {
    topicId: topic.id,
    topicName: topic.name,
    partition,
    batches,
    recordCount,
    maxTimestamp,
  };
}

/** (baseOffset, recordCount) of each batch in a Fetch `records` blob. */
export function batchOffsets(records: Buffer): [bigint, number][] {
  return splitBatches(records).batches.map((b) => [b.header.baseOffset, b.header.recordCount]);
}
