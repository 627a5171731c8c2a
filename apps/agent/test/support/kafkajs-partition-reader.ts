// KafkaJS's public consumer always joins a group; reading one partition from an offset uses its
// cluster and broker classes directly (the same code path its consumer fetches with).
// @ts-expect-error KafkaJS internals have no type declarations
import Cluster from "kafkajs/src/cluster/index.js";
// @ts-expect-error KafkaJS internals have no type declarations
import socketFactory from "kafkajs/src/network/socketFactory.js";
// @ts-expect-error KafkaJS internals have no type declarations
import { LEVELS, createLogger } from "kafkajs/src/loggers/index.js";

export interface ReadMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: Record<string, Buffer | undefined>;
}

interface KafkajsBroker {
  fetch(request: unknown): Promise<{
    responses: {
      topicName: string;
      partitions: {
        partition: number;
        errorCode: number;
        highWatermark: string;
        messages: ReadMessage[];
      }[];
    }[];
  }>;
}

interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(options: { nodeId: string }): Promise<KafkajsBroker>;
}

/** Reads `count` messages of one partition from `fromOffset` with KafkaJS's Fetch, across batches. */
export async function readPartition(
  bootstrap: string,
  topic: string,
  partition: number,
  fromOffset: bigint,
  count: number,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const cluster = new Cluster({
    brokers: [bootstrap],
    clientId: "kafkajs-partition-reader",
    socketFactory: socketFactory(),
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
    retry: { retries: 3 },
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    isolationLevel: 1,
  }) as KafkajsCluster;
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    await cluster.refreshMetadata();
    const leaders = cluster.findLeaderForPartitions(topic, [partition]);
    const broker = await cluster.findBroker({ nodeId: Object.keys(leaders)[0]! });
    const messages: ReadMessage[] = [];
    let offset = fromOffset;
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count && Date.now() < deadline) {
      const response = await broker.fetch({
        maxWaitTime: 200,
        minBytes: 1,
        maxBytes: 10 << 20,
        isolationLevel: 1,
        topics: [
          { topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 4 << 20 }] },
        ],
      });
      const data = response.responses[0]!.partitions[0]!;
      if (data.errorCode !== 0) throw new Error(`fetch error ${data.errorCode}`);
      for (const m of data.messages) {
        if (BigInt(m.offset) < offset) continue;
        messages.push(m);
        offset = BigInt(m.offset) + 1n;
      }
    }
    return messages.slice(0, count);
  } finally {
    await cluster.disconnect();
  }
}
