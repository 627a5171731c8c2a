import { decompress } from "../compression/codecs.ts";
import { RECORD_BATCH_HEADER_SIZE } from "./batch-header.ts";
import { iterateRecords, type BatchRecord } from "./record.ts";
import type { RecordBatchView } from "./split-batches.ts";

/** The batch's records section, decompressed when the batch is compressed (a view otherwise). */
export function decompressRecords(batch: RecordBatchView): Promise<Buffer> {
  return decompress(batch.header.compression, batch.bytes.subarray(RECORD_BATCH_HEADER_SIZE));
}

/** The batch's records, decoded one at a time after decompressing the section once. */
export async function* records(
  batch: RecordBatchView,
): AsyncGenerator<BatchRecord, void, undefined> {
  yield* iterateRecords(await decompressRecords(batch), batch.header.recordCount);
}
