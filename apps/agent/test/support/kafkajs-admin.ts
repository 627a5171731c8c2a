import { Kafka, logLevel, type ITopicConfig } from "kafkajs";

/** A KafkaJS client quiet enough for tests. */
export function kafkaClient(bootstrap: string | string[], clientId = "streambed-test"): Kafka {
  return new Kafka({
    clientId,
    brokers: Array.isArray(bootstrap) ? bootstrap : [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5 },
  });
}

/** Creates a topic through KafkaJS's admin client (CreateTopics). */
export async function createTopic(
  bootstrap: string,
  topic: string,
  numPartitions: number,
  configEntries: ITopicConfig["configEntries"] = [],
): Promise<void> {
  const admin = kafkaClient(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, configEntries }] });
  } finally {
    await admin.disconnect();
  }
}
