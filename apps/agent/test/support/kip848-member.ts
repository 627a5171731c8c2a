import { Consumer, stringDeserializers } from "@platformatic/kafka";

/** A record as a KIP-848 member consumed it. */
export interface ConsumedRecord {
  member: string;
  topic: string;
  partition: number;
  offset: bigint;
}

export interface Kip848Member {
  name: string;
  consumer: Consumer<string, string, string, string>;
  /** Partitions it holds now (the client's view of its assignment). */
  assignedCount(): number;
  stop(): Promise<void>;
}

/**
 * A real KIP-848 member (@platformatic/kafka with group.protocol=consumer): it consumes from the
 * committed offsets and commits each record after handling it. Records the client had fetched
 * before a partition was revoked are dropped, as the Java consumer does, so a record is handled
 * only by the partition's current owner.
 */
export async function startKip848Member(options: {
  bootstrap: string;
  groupId: string;
  topics: string[];
  name: string;
  assignor?: string;
  instanceId?: string;
  onRecord?: (record: ConsumedRecord) => void;
}): Promise<Kip848Member> {
  const consumer = new Consumer<string, string, string, string>({
    clientId: options.name,
    bootstrapBrokers: [options.bootstrap],
    groupId: options.groupId,
    groupProtocol: "consumer",
    ...(options.assignor ? { groupRemoteAssignor: options.assignor } : {}),
    ...(options.instanceId ? { groupInstanceId: options.instanceId } : {}),
    // The client checks rebalanceTimeout >= sessionTimeout (a classic-protocol setting).
    sessionTimeout: 20_000,
    rebalanceTimeout: 20_000,
    deserializers: stringDeserializers,
    retries: 10,
    retryDelay: 200,
  });
  const stream = await consumer.consume({
    topics: options.topics,
    mode: "committed",
    fallbackMode: "earliest",
    autocommit: false,
    maxWaitTime: 200,
  });
  const owns = (topic: string, partition: number) =>
    (consumer.assignments ?? []).some((a) => a.topic === topic && a.partitions.includes(partition));
  const loop = (async () => {
    for await (const message of stream) {
      if (!owns(message.topic, message.partition)) continue;
      options.onRecord?.({
        member: options.name,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
      });
      await message.commit();
    }
  })();
  return {
    name: options.name,
    consumer,
    assignedCount: () =>
      (consumer.assignments ?? []).reduce((sum, a) => sum + a.partitions.length, 0),
    stop: async () => {
      await stream.close();
      await loop.catch(() => undefined);
      await consumer.close();
    },
  };
}
