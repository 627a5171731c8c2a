import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiKey, defaultFetchRequest, type FetchResponse } from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { startS3Server, type S3TestServer } from "../storage/s3-server.ts";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { runClient } from "../support/run-client.ts";
import { startTestAgent, type TestAgent } from "../support/test-agents.ts";

// Three agents of one cluster sharing one S3 bucket (s3rver) and one metadata store.
let db: TestDatabase;
let s3: S3TestServer;
let agents: TestAgent[] = [];
const kcat = "/usr/bin/kcat";

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  s3 = await startS3Server();
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  agents = await Promise.all(
    ["a", "b", "c"].map((zone) =>
      startTestAgent({
        databaseUrl: db.url,
        bucketUrl: s3.bucketUrl("many"),
        clusterId: "many",
        extra: ["--zone", zone, "--batch-timeout-ms", "50"],
      }),
    ),
  );
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await s3?.stop();
  await db?.drop();
});

describe("three agents, one cluster, S3 store", () => {
  it("lists every agent as a broker and spreads partition leaders over them", async () => {
    await createTopic(agents[0]!.bootstrap, "spread", 12);
    const admin = kafkaClient(agents[1]!.bootstrap).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(
        agents.map((a) => a.bootstrap).sort(),
      );
      const { topics } = await admin.fetchTopicMetadata({ topics: ["spread"] });
      expect(new Set(topics[0]!.partitions.map((p) => p.leader)).size).toBeGreaterThan(1);
    } finally {
      await admin.disconnect();
    }
  });

  it("shows a client that states its zone only the agents of that zone", async () => {
    const out = await runClient(kcat, [
      "-L",
      "-J",
      "-b",
      agents[0]!.bootstrap,
      "-X",
      "client.id=app,ws_az=b",
    ]);
    const metadata = JSON.parse(out) as { brokers: { name: string }[] };
    expect(metadata.brokers.map((b) => b.name)).toEqual([agents[1]!.bootstrap]);
  });

  it("serves producers and consumers spread over the agents, every record once and in order", async () => {
    // KafkaJS produces to each partition's leader (any of the three agents).
    const producer = kafkaClient(agents.map((a) => a.bootstrap)).producer();
    await producer.connect();
    try {
      for (let round = 0; round < 5; round++) {
        await producer.send({
          topic: "spread",
          acks: -1,
          messages: Array.from({ length: 12 * 10 }, (_, i) => ({
            partition: i % 12,
            value: `${round}-${Math.floor(i / 12)}`,
          })),
        });
      }
    } finally {
      await producer.disconnect();
    }
    // kcat talks to another agent for each partition read.
    for (const partition of [0, 5, 11]) {
      const bootstrap = agents[partition % 3]!.bootstrap;
      const out = await runClient(kcat, [
        "-C",
        "-b",
        bootstrap,
        "-t",
        "spread",
        "-p",
        String(partition),
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%o %s\\n",
      ]);
      const expected = Array.from({ length: 50 }, (_, i) => `${i} ${Math.floor(i / 10)}-${i % 10}`);
      expect(out.trim().split("\n")).toEqual(expected);
    }
  });

  it("wakes a long poll on one agent when another agent commits", async () => {
    await createTopic(agents[0]!.bootstrap, "wake", 1);
    const reader = await RawKafkaClient.connect(agents[2]!.bootstrap);
    try {
      const started = Date.now();
      const fetched = reader.request<FetchResponse>(ApiKey.Fetch, 11, {
        ...defaultFetchRequest(),
        replicaId: -1,
        maxWaitMs: 10_000,
        minBytes: 1,
        maxBytes: 1 << 20,
        sessionEpoch: -1,
        topics: [
          {
            topic: "wake",
            topicId: "",
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 1 << 20,
                replicaDirectoryId: "",
              },
            ],
          },
        ],
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await runClient(kcat, ["-P", "-b", agents[0]!.bootstrap, "-t", "wake", "-p", "0"], {
        input: "hello\n",
      });
      const response = await fetched;
      expect(response.responses[0]!.partitions[0]!.records!.length).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      reader.close();
    }
  });

  it("drops a stopped agent from Metadata", async () => {
    const stopped = agents.pop()!;
    await stopped.stop();
    const admin = kafkaClient(agents[0]!.bootstrap).admin();
    await admin.connect();
    try {
      await expect
        .poll(async () => (await admin.describeCluster()).brokers.length, { timeout: 10_000 })
        .toBe(2);
    } finally {
      await admin.disconnect();
    }
  });
});
