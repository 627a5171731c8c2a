import { decodeFetchResponse, encodeFetchResponse } from "../src/generated/fetch-response.ts";
import { decodeProduceRequest, encodeProduceRequest } from "../src/generated/produce-request.ts";
import { Reader } from "../src/primitives/reader.ts";
import { Writer } from "../src/primitives/writer.ts";
import { verifyBatchCrc } from "../src/records/batch-crc.ts";
import { buildRecordBatch } from "../src/records/build-batch.ts";
import { decompressRecords } from "../src/records/read-records.ts";
import { iterateRecords } from "../src/records/record.ts";
import { splitBatches, type RecordBatchView } from "../src/records/split-batches.ts";
import { FETCH_VERSION, PRODUCE_VERSION } from "./workload.ts";

/** What the agent does on every Produce: decode the request, split each partition's batches, check CRCs. */
export function produceHeaderCheck(request: Buffer): number {
  const produce = decodeProduceRequest(new Reader(request), PRODUCE_VERSION);
  let batches = 0;
  for (const topic of produce.topicData) {
    for (const partition of topic.partitionData) {
      const split = splitBatches(partition.records!);
      if (split.truncatedBytes !== 0) throw new Error("truncated batch");
      for (const batch of split.batches) {
        if (!verifyBatchCrc(batch.bytes)) throw new Error("CRC mismatch");
        batches++;
      }
    }
  }
  return batches;
}

/** Decodes every record of every batch in `records` and encodes them again into new batches. */
async function reencodeRecords(records: Buffer): Promise<Buffer> {
  const rebuilt: Buffer[] = [];
  for (const batch of splitBatches(records).batches) rebuilt.push(await rebuildBatch(batch));
  return rebuilt.length === 1 ? rebuilt[0]! : Buffer.concat(rebuilt);
}

async function rebuildBatch(batch: RecordBatchView): Promise<Buffer> {
  if (!verifyBatchCrc(batch.bytes)) throw new Error("CRC mismatch");
  const { header } = batch;
  const firstTimestamp = Number(header.firstTimestamp);
  const records = [];
  for (const record of iterateRecords(await decompressRecords(batch), header.recordCount)) {
    records.push({
      key: record.key,
      value: record.value,
      headers: record.headers,
      timestamp: firstTimestamp + record.timestampDelta,
      offsetDelta: record.offsetDelta,
    });
  }
  return buildRecordBatch({
    records,
    compression: header.compression,
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    firstTimestamp,
    maxTimestamp: Number(header.maxTimestamp),
  });
}

export async function produceFullRoundTrip(request: Buffer): Promise<Buffer> {
  const produce = decodeProduceRequest(new Reader(request), PRODUCE_VERSION);
  for (const topic of produce.topicData) {
    for (const partition of topic.partitionData)
      partition.records = await reencodeRecords(partition.records!);
  }
  const writer = new Writer(request.length + 1024);
  encodeProduceRequest(writer, produce, PRODUCE_VERSION);
  return writer.finish();
}

export async function fetchFullRoundTrip(response: Buffer): Promise<Buffer> {
  const fetch = decodeFetchResponse(new Reader(response), FETCH_VERSION);
  for (const topic of fetch.responses) {
    for (const partition of topic.partitions)
      partition.records = await reencodeRecords(partition.records!);
  }
  const writer = new Writer(response.length + 1024);
  encodeFetchResponse(writer, fetch, FETCH_VERSION);
  return writer.finish();
}
