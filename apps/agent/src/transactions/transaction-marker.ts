import { buildRecordBatch } from "@streambed/protocol";
import type { ProduceEntry } from "../produce/produce-buffer.ts";
import type { TransactionPartitionRef } from "../metadata/transaction-store.ts";

/** Control record types (the key's second int16), as in Kafka's ControlRecordType. */
const ABORT = 0;
const COMMIT = 1;

/**
 * A transaction marker for one partition: a control batch (attributes: control and transactional)
 * of one control record, key = (version 0, type), value = (version 0, coordinator epoch). It is
 * appended through the produce buffer like any batch, so it takes the partition's next offset.
 */
export async function markerEntry(
  partition: TransactionPartitionRef,
  producer: { producerId: bigint; producerEpoch: number },
  commit: boolean,
  nowMs: number,
): Promise<ProduceEntry> {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? COMMIT : ABORT, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  // One coordinator for every transactional id, the metadata store: its epoch never changes.
  value.writeInt32BE(0, 2);
  const batches = await buildRecordBatch({
    records: [{ key, value, timestamp: nowMs }],
    producerId: producer.producerId,
    producerEpoch: producer.producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
  });
  return {
    topicId: partition.topicId,
    topicName: partition.topicName,
    partition: partition.partition,
    batches,
    recordCount: 1,
    maxTimestamp: BigInt(nowMs),
    producer: {
      producerId: producer.producerId,
      producerEpoch: producer.producerEpoch,
      baseSequence: -1,
      lastSequence: -1,
      transactional: true,
      control: commit ? "commit" : "abort",
    },
  };
}
