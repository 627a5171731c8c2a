/**
 * A producer with (almost) no cost of its own, for the agent benchmark: it builds one set of
 * Produce requests up front (v9, acks=all, a batch of RECORDS_PER_BATCH 1 KiB records for each of
 * up to PARTITIONS_PER_REQUEST partitions per request) and sends them over and over, up to 1000
 * in flight. What remains is the agent's own cost per MiB.
 *
 *   node --import tsx replay-produce.ts BOOTSTRAP TOPIC PARTITIONS PARTITIONS_PER_REQUEST RECORDS_PER_BATCH MIB [COMPRESSION]
 * Prints "started" right before the timed part, then one JSON object: {"bytes", "seconds", "errors", "cpuSeconds"}.
 */
import net from "node:net";
import {
  ApiKey,
  FrameDecoder,
  Reader,
  apis,
  buildRecordBatch,
  decodeResponseHeader,
  defaultProduceRequest,
  encodeRequestFrame,
  type CompressionType,
  type ProduceResponse,
} from "@streambed/protocol";

const [bootstrap, topic, partitionsArg, perRequestArg, recordsArg, mibArg, compression] =
  process.argv.slice(2);
const partitions = Number(partitionsArg);
const perRequest = Number(perRequestArg);
const MAX_IN_FLIGHT = 1000;
const VERSION = 9;

const batch = await buildRecordBatch({
  records: Array.from({ length: Number(recordsArg) }, (_, i) => ({ value: Buffer.alloc(1024, i) })),
  compression: (compression ?? "none") as CompressionType,
});
// The agent echoes correlation ids and answers in order; the same frames can go out again as they are.
const codec = apis[ApiKey.Produce]!;
const frames: Buffer[] = [];
for (let first = 0; first < partitions; first += perRequest) {
  const indexes = Array.from(
    { length: Math.min(perRequest, partitions - first) },
    (_, i) => first + i,
  );
  const request = {
    ...defaultProduceRequest(),
    acks: -1,
    timeoutMs: 30_000,
    topicData: [
      { name: topic!, partitionData: indexes.map((index) => ({ index, records: batch })) },
    ],
  };
  frames.push(
    encodeRequestFrame(
      {
        requestApiKey: ApiKey.Produce,
        requestApiVersion: VERSION,
        correlationId: 0,
        clientId: "replay",
      },
      codec.encodeRequest,
      request,
    ),
  );
}
const recordsPerBatch = Number(recordsArg);
/** Record value bytes each request carries (what the librdkafka runs count, too). */
const frameValueBytes = frames.map(
  (_, i) => Math.min(perRequest, partitions - i * perRequest) * recordsPerBatch * 1024,
);
const totalBytes = Number(mibArg) * 1024 * 1024;

const [host, port] = bootstrap!.split(":");
const socket = net.connect(Number(port), host);
await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
socket.setNoDelay(true);

const decoder = new FrameDecoder();
let sent = 0;
let answered = 0;
let bytes = 0;
let errors = 0;
console.log("started");
const cpu = process.cpuUsage();
const started = performance.now();
await new Promise<void>((resolve, reject) => {
  socket.once("error", reject);
  const pump = () => {
    while (bytes < totalBytes && sent - answered < MAX_IN_FLIGHT) {
      const i = sent % frames.length;
      socket.write(frames[i]!);
      bytes += frameValueBytes[i]!;
      sent++;
    }
  };
  socket.on("data", (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      const reader = new Reader(frame);
      decodeResponseHeader(reader, ApiKey.Produce, VERSION);
      const response = codec.decodeResponse(reader, VERSION) as ProduceResponse;
      for (const t of response.responses)
        for (const p of t.partitionResponses) if (p.errorCode !== 0) errors++;
      answered++;
    }
    if (answered === sent && bytes >= totalBytes) resolve();
    else pump();
  });
  pump();
});
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
socket.destroy();
console.log(
  JSON.stringify({ bytes, seconds, errors, cpuSeconds: (used.user + used.system) / 1e6 }),
);
