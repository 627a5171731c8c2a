import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ConfigResourceTypes, type Admin } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import type { ConsumerGroupSnapshot } from "../../src/groups/consumer-protocol/consumer-group-types.ts";
import { PostgresConsumerGroupStore } from "../../src/metadata/postgres/consumer-protocol-groups.ts";
import { PostgresGroupStore } from "../../src/metadata/postgres/groups.ts";
import { PostgresJobStore } from "../../src/metadata/postgres/jobs.ts";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { runClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

const WEEK_MS = 7 * 24 * 3_600_000;
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let admin: Admin;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  // The agent's own jobs stay out of the way: the test runs the expiry pass itself.
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "offsets",
    extra: ["--roles", "produce,fetch,groups", "--group-initial-rebalance-delay-ms", "0"],
  });
  admin = kafkaClient(agent.bootstrap).admin();
  await admin.connect();
  await createTopic(agent.bootstrap, "events", 1);
});

afterAll(async () => {
  await admin?.disconnect();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

/** A KafkaJS consumer of the group that commits offset `offset` of events/0; returns it still connected. */
async function consumerCommitting(groupId: string, offset: string) {
  const consumer = kafkaClient(agent.bootstrap).consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: "events", fromBeginning: true });
  await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
  await expect
    .poll(async () => (await admin.describeGroups([groupId])).groups[0]?.state, { timeout: 15_000 })
    .toBe("Stable");
  await consumer.commitOffsets([{ topic: "events", partition: 0, offset }]);
  return consumer;
}

async function commitStandalone(groupId: string, offset: number): Promise<void> {
  const script = [
    "import sys",
    "from kafka import KafkaConsumer, TopicPartition",
    "from kafka.structs import OffsetAndMetadata",
    "c = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id=sys.argv[2], enable_auto_commit=False)",
    "tp = TopicPartition('events', 0)",
    "c.assign([tp])",
    "c.commit({tp: OffsetAndMetadata(int(sys.argv[3]), None)})",
    "c.close(autocommit=False)",
  ].join("\n");
  await runClient("/usr/bin/python3", ["-c", script, agent.bootstrap, groupId, String(offset)]);
}

async function committed(groupId: string): Promise<string> {
  const [topic] = await admin.fetchOffsets({ groupId, topics: ["events"] });
  return topic!.partitions[0]!.offset;
}

/** As if `what` happened `ms` ago. */
async function age(
  groupId: string,
  ms: number,
  what: "commits" | "last state change",
): Promise<void> {
  const interval = `${ms} milliseconds`;
  if (what === "commits")
    await db.pool.query(
      "UPDATE committed_offsets SET committed_at = now() - $2::interval WHERE group_id = $1",
      [groupId, interval],
    );
  else
    await db.pool.query(
      "UPDATE consumer_groups SET updated_at = now() - $2::interval WHERE group_id = $1",
      [groupId, interval],
    );
}

describe("committed offset expiry (offsets.retention.minutes)", () => {
  it("keeps a group with members, removes a group empty for the retention, and standalone offsets by commit time", async () => {
    const producer = kafkaClient(agent.bootstrap).producer();
    await producer.connect();
    await producer.send({
      topic: "events",
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `e${i}` })),
    });
    await producer.disconnect();

    const active = await consumerCommitting("active", "3");
    const left = await consumerCommitting("left", "4");
    await left.disconnect();
    await expect
      .poll(async () => (await admin.describeGroups(["left"])).groups[0]?.state, {
        timeout: 15_000,
      })
      .toBe("Empty");
    // Offsets committed without joining the group: kafka-python with assign() (a standalone consumer).
    await commitStandalone("standalone-old", 2);
    await commitStandalone("standalone-new", 1);

    for (const group of ["active", "left", "standalone-old"])
      await age(group, 2 * WEEK_MS, "commits");
    await age("active", 2 * WEEK_MS, "last state change");
    // Empty for less than the retention: kept.
    await age("left", WEEK_MS / 2, "last state change");
    expect(await new PostgresJobStore(db.pool).expireCommittedOffsets("offsets", WEEK_MS)).toEqual({
      groups: 0,
      offsets: 1,
    });
    expect(await committed("left")).toBe("4");
    expect(await committed("standalone-old")).toBe("-1");
    expect(await committed("standalone-new")).toBe("1");

    await age("left", 2 * WEEK_MS, "last state change");
    // Another cluster's pass touches nothing here.
    expect(
      await new PostgresJobStore(db.pool).expireCommittedOffsets("elsewhere", WEEK_MS),
    ).toEqual({ groups: 0, offsets: 0 });
    expect(await new PostgresJobStore(db.pool).expireCommittedOffsets("offsets", WEEK_MS)).toEqual({
      groups: 1,
      offsets: 1,
    });
    expect(await committed("left")).toBe("-1");
    // Its coordinator holds no stale copy: the group is gone for DescribeGroups too.
    await expect
      .poll(async () => (await admin.describeGroups(["left"])).groups[0]?.state, { timeout: 5_000 })
      .toBe("Dead");
    expect(await committed("active")).toBe("3");
    expect((await admin.listGroups()).groups.map((g) => g.groupId).sort()).toEqual([
      "active",
      "standalone-new",
    ]);
    await active.disconnect();

    // librdkafka sees the same through its own OffsetFetch.
    const kcat = await runClient("/usr/bin/kcat", [
      "-b",
      agent.bootstrap,
      "-G",
      "left",
      "-e",
      "-q",
      "-X",
      "auto.offset.reset=earliest",
      "-X",
      "enable.auto.commit=false",
      "-f",
      "%o\\n",
      "events",
    ]);
    expect(kcat.trim().split("\n")[0]).toBe("0");
  });

  it("keeps the offsets of a KIP-848 group with members, however old, and expires an empty one", async () => {
    const cluster = "kip848-expiry";
    const groups = new PostgresConsumerGroupStore(db.pool);
    const offsets = new PostgresGroupStore(db.pool);
    const snapshot = (groupId: string): ConsumerGroupSnapshot => ({
      groupId,
      groupEpoch: 3,
      assignmentEpoch: 3,
      members: [],
      targetAssignment: {},
      subscribedTopics: [],
    });
    await groups.save(cluster, snapshot("busy"), "Stable");
    await groups.save(cluster, snapshot("idle"), "Empty");
    for (const groupId of ["busy", "idle"]) {
      await offsets.commitOffsets(cluster, groupId, [
        { topic: "events", partition: 0, offset: 2n, leaderEpoch: -1, metadata: null },
      ]);
    }
    await db.pool.query(
      "UPDATE committed_offsets SET committed_at = now() - $2::interval WHERE cluster_id = $1",
      [cluster, `${2 * WEEK_MS} milliseconds`],
    );
    await db.pool.query(
      "UPDATE consumer_protocol_groups SET updated_at = now() - $2::interval WHERE cluster_id = $1",
      [cluster, `${2 * WEEK_MS} milliseconds`],
    );
    expect(await new PostgresJobStore(db.pool).expireCommittedOffsets(cluster, WEEK_MS)).toEqual({
      groups: 1,
      offsets: 1,
    });
    expect((await offsets.fetchOffsets(cluster, "busy", null)).map((o) => o.offset)).toEqual([2n]);
    expect(await offsets.fetchOffsets(cluster, "idle", null)).toEqual([]);
    expect((await groups.list(cluster)).map((g) => g.groupId)).toEqual(["busy"]);
  });

  it("is announced as offsets.retention.minutes in the broker configs", async () => {
    const { brokers } = await admin.describeCluster();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(brokers[0]!.nodeId) }],
    });
    expect(
      resources[0]!.configEntries.find((c) => c.configName === "offsets.retention.minutes")
        ?.configValue,
    ).toBe("10080");
  });
});
