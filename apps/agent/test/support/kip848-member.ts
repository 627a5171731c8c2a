import { Consumer, stringDeserializers } from "@platformatic/kafka";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The Java consumer retries a commit refused with STALE_MEMBER_EPOCH once its heartbeat brought
 * the new epoch (a commit sent just before an epoch change arrives after it); so does this.
 */
async function commitWithRetry(commit: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await commit();
    } catch (err) {
      const stale = (err as { findBy?: (key: string, value: string) => unknown }).findBy?.(
        "apiId",
        "STALE_MEMBER_EPOCH",
      );
      if (!stale || attempt >= 20) throw err;
      await sleep(50);
    }
  }
}

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
 * committed offsets and commits each record after handling it. Like the Java consumer, it drops
 * records the client had fetched before their partition was revoked, and keeps its position in
 * the partitions it retains: @platformatic/kafka re-reads the committed offsets of all its
 * partitions at every assignment change, and would hand a record whose commit was still in
 * flight to the same member again.
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
    // The client checks rebalanceTimeout >= its (classic) session timeout, 60 s by default.
    rebalanceTimeout: 60_000,
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
  // Next offset to handle per partition. A partition that comes back later has a committed
  // offset at or past this, so nothing below it is ever this member's to handle again.
  const positions = new Map<string, bigint>();
  const loop = (async () => {
    for await (const message of stream) {
      if (!owns(message.topic, message.partition)) continue;
      const key = `${message.topic}:${message.partition}`;
      if (message.offset < (positions.get(key) ?? 0n)) continue;
      positions.set(key, message.offset + 1n);
      options.onRecord?.({
        member: options.name,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
      });
      await commitWithRetry(() => message.commit() as Promise<void>);
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
