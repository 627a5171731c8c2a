import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ConfigResourceTypes, type Admin } from "kafkajs";
import {
  ApiKey,
  ErrorCode,
  defaultDescribeConfigsRequest,
  defaultIncrementalAlterConfigsRequest,
  type DescribeConfigsResponse,
  type IncrementalAlterConfigsResponse,
} from "@streambed/protocol";
import { topicConfigDefinitions } from "@streambed/protocol/configs/topic-configs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { kafkaClient } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { clientsDir, runClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

/** Every topic config of Kafka 3.9 with a valid value other than its default. */
const KAFKA_3_9_TOPIC_CONFIGS: Record<string, string> = {
  "cleanup.policy": "compact,delete",
  "compression.type": "zstd",
  "compression.gzip.level": "6",
  "compression.lz4.level": "3",
  "compression.zstd.level": "-5",
  "delete.retention.ms": "3600000",
  "file.delete.delay.ms": "1000",
  "flush.messages": "10000",
  "flush.ms": "1000",
  "follower.replication.throttled.replicas": "0:1,1:2",
  "index.interval.bytes": "8192",
  "leader.replication.throttled.replicas": "*",
  "local.retention.bytes": "1000000",
  "local.retention.ms": "60000",
  "max.compaction.lag.ms": "86400000",
  "max.message.bytes": "2097152",
  "message.downconversion.enable": "false",
  "message.format.version": "2.8",
  "message.timestamp.after.max.ms": "3600000",
  "message.timestamp.before.max.ms": "86400000",
  "message.timestamp.difference.max.ms": "86400000",
  "message.timestamp.type": "LogAppendTime",
  "min.cleanable.dirty.ratio": "0.25",
  "min.compaction.lag.ms": "1000",
  "min.insync.replicas": "2",
  preallocate: "true",
  "remote.log.copy.disable": "true",
  "remote.log.delete.on.disable": "true",
  "remote.storage.enable": "true",
  "retention.bytes": "1073741824",
  "retention.ms": "86400000",
  "segment.bytes": "536870912",
  "segment.index.bytes": "1048576",
  "segment.jitter.ms": "1000",
  "segment.ms": "3600000",
  "unclean.leader.election.enable": "true",
};

/** A second set of values, for AlterConfigs after CreateTopics. */
const ALTERED: Record<string, string> = {
  ...KAFKA_3_9_TOPIC_CONFIGS,
  "cleanup.policy": "compact",
  "compression.type": "gzip",
  "min.insync.replicas": "3",
  "unclean.leader.election.enable": "false",
  "message.downconversion.enable": "true",
  "retention.ms": "-1",
};

const INVALID: [string, string, RegExp][] = [
  ["retention.ms", "soon", /Not a number of type LONG/],
  ["retention.ms", "-5", /Value must be at least -1/],
  ["cleanup.policy", "forever", /String must be one of: compact, delete/],
  ["compression.type", "brotli", /String must be one of/],
  ["min.insync.replicas", "0", /Value must be between 1 and/],
  ["max.message.bytes", "4294967296", /Not a number of type INT/],
  ["unclean.leader.election.enable", "yes", /either true or false/],
  ["min.cleanable.dirty.ratio", "1.5", /Value must be between 0 and 1/],
  ["message.timestamp.type", "Now", /String must be one of: CreateTime, LogAppendTime/],
  ["leader.replication.throttled.replicas", "all", /\[partitionId\]:\[brokerId\]/],
  ["compression.gzip.level", "12", /between 1 and 9, or -1/],
  ["message.format.version", "latest", /Kafka version/],
  ["no.such.config", "1", /Unknown topic config name: no.such.config/],
];

const DYNAMIC_TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let admin: Admin;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({ databaseUrl: db.url, bucketUrl: bucket.url, clusterId: "cfg" });
  admin = kafkaClient(agent.bootstrap).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

async function describeTopic(topic: string) {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
  });
  return Object.fromEntries(
    described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
  );
}

describe("topic configs of Kafka 3.9", () => {
  it("the table defines exactly Kafka 3.9's topic configs", () => {
    expect(Object.keys(topicConfigDefinitions).sort()).toEqual(
      Object.keys(KAFKA_3_9_TOPIC_CONFIGS).sort(),
    );
  });

  it("KafkaJS: CreateTopics with every config, DescribeConfigs, AlterConfigs round trip", async () => {
    await admin.createTopics({
      topics: [
        {
          topic: "every-config",
          configEntries: Object.entries(KAFKA_3_9_TOPIC_CONFIGS).map(([name, value]) => ({
            name,
            value,
          })),
        },
      ],
    });
    expect(await describeTopic("every-config")).toEqual(KAFKA_3_9_TOPIC_CONFIGS);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: "every-config",
          configEntries: Object.entries(ALTERED).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    expect(await describeTopic("every-config")).toEqual(ALTERED);

    // KafkaJS reports the error code only (its own message); the raw test below checks the text.
    for (const [name, value] of INVALID) {
      const refused = admin.createTopics({
        topics: [{ topic: "refused", configEntries: [{ name, value }] }],
      });
      await expect(refused, `${name}=${value}`).rejects.toMatchObject({
        errors: [expect.objectContaining({ type: "INVALID_CONFIG" })],
      });
    }
    expect(await admin.listTopics()).not.toContain("refused");
  });

  it("kafka-python: CreateTopics with every config, AlterConfigs, invalid values refused", async () => {
    const out = await runClient(
      "/usr/bin/python3",
      [path.join(clientsDir, "admin_configs.py"), agent.bootstrap],
      {
        input: JSON.stringify({
          topic: "python-configs",
          create: KAFKA_3_9_TOPIC_CONFIGS,
          alter: ALTERED,
          invalid: INVALID.map(([name, value]) => [name, value]),
        }),
        timeoutMs: 60_000,
      },
    );
    const result = JSON.parse(out.trim().split("\n").pop()!) as {
      create_error: number;
      created: Record<string, [string, number]>;
      alter_error: number;
      altered: Record<string, [string, number]>;
      invalid: [string, number, string][];
    };
    expect(result.create_error).toBe(ErrorCode.NONE);
    for (const [name, value] of Object.entries(KAFKA_3_9_TOPIC_CONFIGS))
      expect(result.created[name], name).toEqual([value, DYNAMIC_TOPIC_CONFIG]);
    expect(result.alter_error).toBe(ErrorCode.NONE);
    for (const [name, value] of Object.entries(ALTERED))
      expect(result.altered[name], name).toEqual([value, DYNAMIC_TOPIC_CONFIG]);
    result.invalid.forEach(([name, code, message], i) => {
      expect(code, name).toBe(ErrorCode.INVALID_CONFIG);
      expect(message).toMatch(INVALID[i]![2]);
    });
    // Refused alterations changed nothing.
    expect(await describeTopic("python-configs")).toEqual(ALTERED);
  });

  it("IncrementalAlterConfigs sets and deletes any config, refuses bad values", async () => {
    await admin.createTopics({ topics: [{ topic: "incremental-all" }] });
    const client = await RawKafkaClient.connect(agent.bootstrap);
    const alter = (configs: { name: string; configOperation: number; value: string | null }[]) =>
      client.request<IncrementalAlterConfigsResponse>(ApiKey.IncrementalAlterConfigs, 1, {
        ...defaultIncrementalAlterConfigsRequest(),
        resources: [{ resourceType: 2, resourceName: "incremental-all", configs }],
      });
    try {
      const set = await alter(
        Object.entries(KAFKA_3_9_TOPIC_CONFIGS).map(([name, value]) => ({
          name,
          configOperation: 0,
          value,
        })),
      );
      expect(set.responses[0]!.errorCode).toBe(ErrorCode.NONE);
      expect(await describeTopic("incremental-all")).toEqual(KAFKA_3_9_TOPIC_CONFIGS);

      const removed = await alter(
        Object.keys(KAFKA_3_9_TOPIC_CONFIGS).map((name) => ({
          name,
          configOperation: 1,
          value: null,
        })),
      );
      expect(removed.responses[0]!.errorCode).toBe(ErrorCode.NONE);
      const defaults = Object.fromEntries(
        Object.values(topicConfigDefinitions).map((d) => [d.name, d.defaultValue]),
      );
      expect(await describeTopic("incremental-all")).toEqual(defaults);

      for (const [name, value, message] of INVALID) {
        const refused = await alter([{ name, configOperation: 0, value }]);
        expect(refused.responses[0], `${name}=${value}`).toMatchObject({
          errorCode: ErrorCode.INVALID_CONFIG,
          errorMessage: expect.stringMatching(message),
        });
      }
    } finally {
      client.close();
    }
  });

  it("DescribeConfigs v4 reports types, documentation and synonyms; the broker reports topic defaults", async () => {
    await admin.createTopics({
      topics: [{ topic: "described", configEntries: [{ name: "retention.ms", value: "1000" }] }],
    });
    const client = await RawKafkaClient.connect(agent.bootstrap);
    try {
      const response = await client.request<DescribeConfigsResponse>(ApiKey.DescribeConfigs, 4, {
        ...defaultDescribeConfigsRequest(),
        includeSynonyms: true,
        includeDocumentation: true,
        resources: [
          { resourceType: 2, resourceName: "described", configurationKeys: null },
          { resourceType: 4, resourceName: "0", configurationKeys: null },
        ],
      });
      const [topic, broker] = response.results;
      const byName = Object.fromEntries(topic!.configs.map((c) => [c.name, c]));
      expect(byName["retention.ms"]).toMatchObject({
        value: "1000",
        configSource: DYNAMIC_TOPIC_CONFIG,
        configType: 5,
        synonyms: [
          { name: "retention.ms", value: "1000", source: DYNAMIC_TOPIC_CONFIG },
          { name: "log.retention.ms", value: "604800000", source: DEFAULT_CONFIG },
        ],
      });
      expect(byName["min.insync.replicas"]).toMatchObject({
        value: "1",
        configSource: DEFAULT_CONFIG,
        configType: 3,
        documentation: expect.stringContaining("No effect in Streambed"),
      });
      expect(byName["cleanup.policy"]!.configType).toBe(7);
      expect(byName["unclean.leader.election.enable"]!.configType).toBe(1);
      expect(byName["min.cleanable.dirty.ratio"]!.configType).toBe(6);

      const brokerByName = Object.fromEntries(broker!.configs.map((c) => [c.name, c]));
      expect(brokerByName["log.retention.ms"]).toMatchObject({
        value: "604800000",
        readOnly: true,
      });
      expect(brokerByName["log.cleanup.policy"]).toMatchObject({ value: "delete", configType: 7 });
      expect(brokerByName["message.max.bytes"]).toMatchObject({ value: "1048588" });
      expect(brokerByName["auto.create.topics.enable"]).toMatchObject({ value: "true" });
    } finally {
      client.close();
    }
  });
});
