import { performance } from "node:perf_hooks";
import { decodeProduceRequest } from "../src/generated/produce-request.ts";
import { Reader } from "../src/primitives/reader.ts";
import { splitBatches } from "../src/records/split-batches.ts";
import * as kafkajs from "./kafkajs-codec.ts";
import * as streambed from "./streambed-codec.ts";
import { buildWorkload, PRODUCE_VERSION } from "./workload.ts";

// Decode/re-encode throughput of our codec against KafkaJS's on identical bytes, in one run.
// Each case runs for a fixed time after a warm-up, alternating ours and KafkaJS's for a few
// rounds and keeping each one's best round, so a busy shared machine skews both alike.
// MB/s counts the message bytes (10^6 B).
const WARMUP_MS = 200;
const MEASURE_MS = Number(process.env.BENCH_MS ?? 1000);
const ROUNDS = 3;

async function throughput(bytes: number, run: () => unknown): Promise<number> {
  for (const stopAt = performance.now() + WARMUP_MS; performance.now() < stopAt;) await run();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    await run();
    iterations++;
    elapsed = performance.now() - start;
  }
  return (bytes * iterations) / (elapsed / 1000) / 1e6;
}

function recordCount(produceRequest: Buffer): number {
  let count = 0;
  for (const topic of decodeProduceRequest(new Reader(produceRequest), PRODUCE_VERSION).topicData) {
    for (const partition of topic.partitionData) {
      for (const batch of splitBatches(partition.records!).batches)
        count += batch.header.recordCount;
    }
  }
  return count;
}

const workload = await buildWorkload();

// Both codecs must do the whole job: ours reproduces the input byte for byte, KafkaJS's output
// still carries every record, and both see every batch.
if (
  !(await streambed.produceFullRoundTrip(workload.produceRequest)).equals(workload.produceRequest)
) {
  throw new Error("our Produce round trip changed the request");
}
if (!(await streambed.fetchFullRoundTrip(workload.fetchResponse)).equals(workload.fetchResponse)) {
  throw new Error("our Fetch round trip changed the response");
}
if (
  recordCount(await kafkajs.produceFullRoundTrip(workload.produceRequest)) !== workload.recordCount
) {
  throw new Error("KafkaJS's Produce round trip lost records");
}
if (kafkajs.produceHeaderCheck(workload.produceRequest) !== workload.batchCount)
  throw new Error("KafkaJS missed batches");
if (streambed.produceHeaderCheck(workload.produceRequest) !== workload.batchCount)
  throw new Error("we missed batches");

const cases = [
  {
    name: "Produce request: header-level decode + CRC32C of every batch",
    bytes: workload.produceRequest.length,
    ours: () => streambed.produceHeaderCheck(workload.produceRequest),
    theirs: () => kafkajs.produceHeaderCheck(workload.produceRequest),
  },
  {
    name: "Produce request: full decode (every record) + re-encode",
    bytes: workload.produceRequest.length,
    ours: () => streambed.produceFullRoundTrip(workload.produceRequest),
    theirs: () => kafkajs.produceFullRoundTrip(workload.produceRequest),
  },
  {
    name: "Fetch response: full decode (every record) + re-encode",
    bytes: workload.fetchResponse.length,
    ours: () => streambed.fetchFullRoundTrip(workload.fetchResponse),
    theirs: () => kafkajs.fetchFullRoundTrip(workload.fetchResponse),
  },
];

console.log(
  `Workload: Produce v${PRODUCE_VERSION} request ${workload.produceRequest.length} B and Fetch v11 response ` +
    `${workload.fetchResponse.length} B, each ${workload.recordCount} records of 1 KiB in ${workload.batchCount} ` +
    `uncompressed batches (100 partitions)`,
);
const rows = [];
for (const c of cases) {
  let ours = 0;
  let theirs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    ours = Math.max(ours, await throughput(c.bytes, c.ours));
    theirs = Math.max(theirs, await throughput(c.bytes, c.theirs));
  }
  rows.push({
    case: c.name,
    "streambed MB/s": Math.round(ours),
    "kafkajs MB/s": Math.round(theirs),
    ratio: `${(ours / theirs).toFixed(1)}x`,
  });
}
console.table(rows);
