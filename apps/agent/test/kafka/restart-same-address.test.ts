import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { partitionLeader } from "../../src/cluster/ownership.ts";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { kafkaClient } from "../support/kafkajs-admin.ts";
import { readPartition } from "../support/kafkajs-partition-reader.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

const CLUSTER = "readdress";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let metadata: PostgresMetadataStore;
let agent: TestAgent;
let heartbeats: NodeJS.Timeout | undefined;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  metadata = new PostgresMetadataStore({ pool: db.pool });
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: CLUSTER,
    extra: ["--agent-id", "agent-b"],
  });
});

afterAll(async () => {
  clearInterval(heartbeats);
  await agent?.stop();
  await metadata?.close();
  await db?.drop();
  await bucket?.remove();
});

describe("an agent restarted on the address of a killed agent that is still registered", () => {
  it("is the only broker at that address, so KafkaJS really sends what it reports sent", async () => {
    const topic = await metadata.createTopic(CLUSTER, "restarted", 32, {});
    // KafkaJS maps every node id listed at its bootstrap address to one connection, which carries
    // the id listed last, and sends nothing for a partition led by another of them. The killed
    // agent sorts first: pick a partition it leads (each does with probability 1/2).
    const killed = "agent-a";
    const partition = Array.from({ length: 32 }, (_, p) => p).find(
      (p) => partitionLeader(topic.id, p, [{ id: killed }, { id: agent.id }])!.id === killed,
    )!;
    expect(partition).toBeDefined();
    const { advertisedHost: host, zone, roles } = agent.config;
    await metadata.registerAgent({
      id: killed,
      clusterId: CLUSTER,
      host,
      port: agent.kafkaPort,
      httpPort: agent.httpPort,
      zone,
      roles,
      version: "killed",
    });
    heartbeats = setInterval(() => void metadata.heartbeatAgent(killed), 500);

    const producer = kafkaClient(agent.bootstrap).producer();
    await producer.connect();
    try {
      const sent = await producer.send({
        topic: "restarted",
        acks: -1,
        messages: [{ partition, value: "after restart" }],
      });
      expect(sent).toMatchObject([{ partition, errorCode: 0, baseOffset: "0" }]);
    } finally {
      await producer.disconnect();
    }
    const read = await readPartition(agent.bootstrap, "restarted", partition, 0n, 1);
    expect(read.map((m) => m.value?.toString())).toEqual(["after restart"]);
  });
});
