import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ConfigResourceTypes, type Admin } from "kafkajs";
import {
  ApiKey,
  ErrorCode,
  defaultDescribeClusterRequest,
  ZERO_UUID,
  defaultIncrementalAlterConfigsRequest,
  defaultMetadataRequest,
  defaultDescribeTopicPartitionsRequest,
  defaultOffsetForLeaderEpochRequest,
  type DescribeClusterResponse,
  type DescribeTopicPartitionsResponse,
  type IncrementalAlterConfigsResponse,
  type MetadataResponse,
  type OffsetForLeaderEpochResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createClusterWithCredential } from "../support/console-credentials.ts";
import { kafkaClient } from "../support/kafkajs-admin.ts";
import { readPartition } from "../support/kafkajs-partition-reader.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let admin: Admin;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({ databaseUrl: db.url, bucketUrl: bucket.url, clusterId: "admin" });
  admin = kafkaClient(agent.bootstrap).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

async function produce(topic: string, partition: number, count: number): Promise<void> {
  const producer = kafkaClient(agent.bootstrap).producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: count }, (_, i) => ({ value: `r${i}`, partition })),
    });
  } finally {
    await producer.disconnect();
  }
}

describe("topic administration", () => {
  it("validates, creates with configs, grows and deletes topics", async () => {
    await expect(
      admin.createTopics({
        validateOnly: true,
        waitForLeaders: false,
        topics: [{ topic: "checked", numPartitions: 2 }],
      }),
    ).resolves.toBe(true);
    expect(await admin.listTopics()).not.toContain("checked");
    await expect(
      admin.createTopics({ topics: [{ topic: "bad name!", numPartitions: 1 }] }),
    ).rejects.toThrow();
    await expect(
      admin.createTopics({
        topics: [{ topic: "bad-config", configEntries: [{ name: "retention.ms", value: "soon" }] }],
      }),
    ).rejects.toThrow();

    await admin.createTopics({
      topics: [
        {
          topic: "admin-t",
          numPartitions: 2,
          replicationFactor: 3,
          configEntries: [{ name: "retention.ms", value: "3600000" }],
        },
      ],
    });
    await admin.createPartitions({ topicPartitions: [{ topic: "admin-t", count: 5 }] });
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: "admin-t", count: 3 }] }),
    ).rejects.toThrow();
    const metadata = await admin.fetchTopicMetadata({ topics: ["admin-t"] });
    expect(metadata.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([
      0, 1, 2, 3, 4,
    ]);

    await admin.deleteTopics({ topics: ["admin-t"] });
    expect(await admin.listTopics()).not.toContain("admin-t");
  });

  it("describes and alters topic configs, and describes broker configs read-only", async () => {
    await admin.createTopics({
      topics: [
        { topic: "configured", configEntries: [{ name: "cleanup.policy", value: "compact" }] },
      ],
    });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: "configured" }],
    });
    const entries = Object.fromEntries(
      described.resources[0]!.configEntries.map((e) => [e.configName, e]),
    );
    expect(entries["cleanup.policy"]).toMatchObject({ configValue: "compact", isDefault: false });
    expect(entries["retention.ms"]).toMatchObject({ configValue: "604800000", isDefault: true });
    expect(entries["max.message.bytes"]!.configValue).toBe("1048588");

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: "configured",
          configEntries: [{ name: "retention.bytes", value: "1000000" }],
        },
      ],
    });
    const afterAlter = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: "configured" }],
    });
    const values = Object.fromEntries(
      afterAlter.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
    );
    // AlterConfigs replaces the whole set: cleanup.policy went back to its default.
    expect(values).toMatchObject({ "retention.bytes": "1000000", "cleanup.policy": "delete" });
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: "configured",
            configEntries: [{ name: "nope.config", value: "1" }],
          },
        ],
      }),
    ).rejects.toThrow();

    const { brokers } = await admin.describeCluster();
    const broker = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(brokers[0]!.nodeId) }],
    });
    const brokerEntries = Object.fromEntries(
      broker.resources[0]!.configEntries.map((e) => [e.configName, e]),
    );
    expect(brokerEntries["auto.create.topics.enable"]).toMatchObject({
      configValue: "true",
      readOnly: true,
    });
  });

  it("applies IncrementalAlterConfigs operations (set, delete, append)", async () => {
    await admin.createTopics({
      topics: [{ topic: "incremental", configEntries: [{ name: "retention.ms", value: "1000" }] }],
    });
    const client = await RawKafkaClient.connect(agent.bootstrap);
    try {
      const response = await client.request<IncrementalAlterConfigsResponse>(
        ApiKey.IncrementalAlterConfigs,
        1,
        {
          ...defaultIncrementalAlterConfigsRequest(),
          resources: [
            {
              resourceType: 2,
              resourceName: "incremental",
              configs: [
                { name: "retention.ms", configOperation: 1, value: null },
                { name: "cleanup.policy", configOperation: 2, value: "compact" },
                { name: "message.timestamp.type", configOperation: 0, value: "LogAppendTime" },
              ],
            },
          ],
        },
      );
      expect(response.responses[0]!.errorCode).toBe(ErrorCode.NONE);
    } finally {
      client.close();
    }
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: "incremental" }],
    });
    const values = Object.fromEntries(
      described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
    );
    expect(values).toMatchObject({
      "retention.ms": "604800000",
      "cleanup.policy": "delete,compact",
      "message.timestamp.type": "LogAppendTime",
    });
  });

  it("moves the log start with DeleteRecords", async () => {
    await admin.createTopics({ topics: [{ topic: "trimmed" }] });
    await produce("trimmed", 0, 10);
    // KafkaJS looks the leader up in its cache only: load the topic's metadata first.
    await admin.fetchTopicMetadata({ topics: ["trimmed"] });
    await admin.deleteTopicRecords({
      topic: "trimmed",
      partitions: [{ partition: 0, offset: "4" }],
    });
    expect(await admin.fetchTopicOffsets("trimmed")).toEqual([
      { partition: 0, offset: "10", high: "10", low: "4" },
    ]);
    const read = await readPartition(agent.bootstrap, "trimmed", 0, 4n, 6);
    expect(read.map((m) => m.value?.toString())).toEqual(["r4", "r5", "r6", "r7", "r8", "r9"]);
    await expect(readPartition(agent.bootstrap, "trimmed", 0, 0n, 1, 2000)).rejects.toThrow(
      /not within the range/,
    );
  });

  it("answers DescribeCluster, DescribeTopicPartitions (paged) and OffsetForLeaderEpoch", async () => {
    await admin.createTopics({ topics: [{ topic: "paged", numPartitions: 5 }] });
    await produce("paged", 1, 3);
    const client = await RawKafkaClient.connect(agent.bootstrap);
    try {
      const cluster = await client.request<DescribeClusterResponse>(
        ApiKey.DescribeCluster,
        1,
        defaultDescribeClusterRequest(),
      );
      expect(cluster.clusterId).toBe("admin");
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([agent.bootstrap]);

      const first = await client.request<DescribeTopicPartitionsResponse>(
        ApiKey.DescribeTopicPartitions,
        0,
        {
          ...defaultDescribeTopicPartitionsRequest(),
          topics: [{ name: "paged" }, { name: "missing" }],
          responsePartitionLimit: 3,
        },
      );
      expect(first.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([
        ["missing", []],
        ["paged", [0, 1, 2]],
      ]);
      expect(first.nextCursor).toMatchObject({ topicName: "paged", partitionIndex: 3 });
      const second = await client.request<DescribeTopicPartitionsResponse>(
        ApiKey.DescribeTopicPartitions,
        0,
        {
          ...defaultDescribeTopicPartitionsRequest(),
          topics: [{ name: "paged" }],
          responsePartitionLimit: 3,
          cursor: first.nextCursor,
        },
      );
      expect(second.topics[0]!.partitions.map((p) => p.partitionIndex)).toEqual([3, 4]);
      expect(second.nextCursor).toBeNull();

      const epochs = await client.request<OffsetForLeaderEpochResponse>(
        ApiKey.OffsetForLeaderEpoch,
        4,
        {
          ...defaultOffsetForLeaderEpochRequest(),
          replicaId: -1,
          topics: [
            {
              topic: "paged",
              partitions: [{ partition: 1, currentLeaderEpoch: 0, leaderEpoch: 0 }],
            },
          ],
        },
      );
      expect(epochs.topics[0]!.partitions[0]).toMatchObject({
        errorCode: 0,
        leaderEpoch: 0,
        endOffset: 3n,
      });
    } finally {
      client.close();
    }
  });

  it("auto-creates topics only when the cluster's setting allows it", async () => {
    const { clusterId } = await createClusterWithCredential(db.pool, {
      requireSasl: false,
      autoCreateTopics: false,
    });
    const strict = await startTestAgent({ databaseUrl: db.url, bucketUrl: bucket.url, clusterId });
    const ask = async (bootstrap: string) => {
      const client = await RawKafkaClient.connect(bootstrap);
      try {
        const response = await client.request<MetadataResponse>(ApiKey.Metadata, 12, {
          ...defaultMetadataRequest(),
          topics: [{ topicId: ZERO_UUID, name: "wanted-by-producer" }],
          allowAutoTopicCreation: true,
        });
        return response.topics[0]!.errorCode;
      } finally {
        client.close();
      }
    };
    try {
      expect(await ask(strict.bootstrap)).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      expect(await ask(agent.bootstrap)).toBe(ErrorCode.NONE);
    } finally {
      await strict.stop();
    }
  });
});
