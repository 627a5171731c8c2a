import { createRequire } from "node:module";

// The same work as streambed-codec.ts, done with KafkaJS's protocol code (plain CommonJS, untyped:
// the interfaces below describe the parts used). KafkaJS is a client, so it has no Produce
// request decoder or Fetch response encoder: those are written here with its Decoder/Encoder
// and record-batch codec, following the same wire layout.
interface Decoder {
  offset: number;
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): unknown;
  readString(): string | null;
  readBytes(length?: number): Buffer;
  canReadBytes(length: number): boolean;
  readArray<T>(read: (decoder: Decoder) => T): T[];
  readArrayAsync<T>(read: (decoder: Decoder) => Promise<T>): Promise<T[]>;
}
interface Encoder {
  buffer: Buffer;
  size(): number;
  writeInt16(v: number): Encoder;
  writeInt32(v: number): Encoder;
  writeInt64(v: string | number): Encoder;
  writeString(v: string | null): Encoder;
  writeArray(v: Encoder[]): Encoder;
  writeEncoder(v: Encoder): Encoder;
}
interface Message {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  timestamp: string;
  offset: string;
}

const require = createRequire(import.meta.url);
const DecoderClass = require("kafkajs/src/protocol/decoder") as new (buffer: Buffer) => Decoder;
const EncoderClass = require("kafkajs/src/protocol/encoder") as new () => Encoder;
const crc32C = require("kafkajs/src/protocol/recordBatch/crc32C") as (buffer: Buffer) => number;
const decodeMessages = require("kafkajs/src/protocol/requests/fetch/v4/decodeMessages") as (
  d: Decoder,
) => Promise<Message[]>;
const fetchV11 = require("kafkajs/src/protocol/requests/fetch/v11/response") as {
  decode(
    buffer: Buffer,
  ): Promise<{ responses: { topicName: string; partitions: FetchPartition[] }[] }>;
};
const produceV7 = require("kafkajs/src/protocol/requests/produce/v7/request") as (
  request: object,
) => {
  encode(): Promise<Encoder>;
};
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as {
  RecordBatch(options: object): Promise<Encoder>;
};
const Record = require("kafkajs/src/protocol/recordBatch/record/v0") as (record: object) => Encoder;

interface FetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  lastStartOffset: string;
  abortedTransactions: { producerId: string; firstOffset: string }[];
  preferredReadReplica: number;
  messages: Message[];
}

const RECORD_BATCH_HEADER_SIZE = 61;

/** Produce request decode to batch headers plus a CRC32C check per batch, with KafkaJS's decoder and CRC. */
export function produceHeaderCheck(request: Buffer): number {
  const decoder = new DecoderClass(request);
  decoder.readString();
  decoder.readInt16();
  decoder.readInt32();
  let batches = 0;
  decoder.readArray((topic) => {
    topic.readString();
    topic.readArray((partition) => {
      partition.readInt32();
      const records = new DecoderClass(partition.readBytes());
      while (records.canReadBytes(RECORD_BATCH_HEADER_SIZE)) {
        const start = records.offset;
        records.readInt64();
        const length = records.readInt32();
        records.readInt32();
        records.readInt8();
        const crc = records.readInt32() >>> 0;
        const batch = records.readBytes(length - 9);
        records.offset = start + 12 + length;
        if (crc32C(batch) !== crc) throw new Error("CRC mismatch");
        batches++;
      }
    });
  });
  return batches;
}

async function recordBatch(messages: Message[], firstOffset = "0"): Promise<Encoder> {
  const firstTimestamp = Number(messages[0]!.timestamp);
  const records = messages.map((message, i) =>
    Record({
      offsetDelta: i,
      timestampDelta: Number(message.timestamp) - firstTimestamp,
      key: message.key,
      value: message.value,
      headers: message.headers,
    }),
  );
  return RecordBatch({
    firstOffset,
    firstTimestamp,
    maxTimestamp: Math.max(...messages.map((m) => Number(m.timestamp))),
    lastOffsetDelta: records.length - 1,
    records,
  });
}

/** Full Produce decode (every record) with KafkaJS's record-batch decoder, then KafkaJS's Produce v7 encoder. */
export async function produceFullRoundTrip(request: Buffer): Promise<Buffer> {
  const decoder = new DecoderClass(request);
  const transactionalId = decoder.readString();
  const acks = decoder.readInt16();
  const timeout = decoder.readInt32();
  const topicData = await decoder.readArrayAsync(async (topic) => ({
    topic: topic.readString(),
    partitions: await topic.readArrayAsync(async (partition) => ({
      partition: partition.readInt32(),
      messages: await decodeMessages(partition),
    })),
  }));
  const encoder = await produceV7({ acks, timeout, transactionalId, topicData }).encode();
  return encoder.buffer;
}

/** KafkaJS's Fetch v11 response decoder, then the same response encoded with its Encoder and record-batch encoder. */
export async function fetchFullRoundTrip(response: Buffer): Promise<Buffer> {
  const fetch = await fetchV11.decode(response);
  const topics: Encoder[] = [];
  for (const topic of fetch.responses) {
    const partitions: Encoder[] = [];
    for (const partition of topic.partitions) {
      const batch = await recordBatch(partition.messages, partition.messages[0]!.offset);
      const encoder = new EncoderClass()
        .writeInt32(partition.partition)
        .writeInt16(partition.errorCode)
        .writeInt64(partition.highWatermark)
        .writeInt64(partition.lastStableOffset)
        .writeInt64(partition.lastStartOffset)
        .writeArray(
          partition.abortedTransactions.map((t) =>
            new EncoderClass().writeInt64(t.producerId).writeInt64(t.firstOffset),
          ),
        )
        .writeInt32(partition.preferredReadReplica)
        .writeInt32(batch.size())
        .writeEncoder(batch);
      partitions.push(encoder);
    }
    topics.push(new EncoderClass().writeString(topic.topicName).writeArray(partitions));
  }
  return new EncoderClass().writeInt32(0).writeInt16(0).writeInt32(0).writeArray(topics).buffer;
}
