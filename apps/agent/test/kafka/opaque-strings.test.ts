import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AssignerProtocol, ConfigResourceTypes, type PartitionAssigner } from "kafkajs";
import {
  ApiKey,
  ErrorCode,
  defaultDescribeGroupsRequest,
  defaultFindCoordinatorRequest,
  defaultInitProducerIdRequest,
  defaultJoinGroupRequest,
  defaultOffsetFetchRequest,
  type DescribeGroupsResponse,
  type FindCoordinatorResponse,
  type InitProducerIdResponse,
  type JoinGroupResponse,
  type OffsetFetchResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { runPythonClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

// Kafka strings and bytes are opaque: whatever a client sends must come back byte for byte.
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
const clusterId = "opaque";

/** Every byte value, NUL first and last. */
const worstBytes = Buffer.from([0, ...Array.from({ length: 256 }, (_, i) => i), 0]);
/** NUL, two- and three-byte characters, an astral character and a noncharacter. */
const worstText = "\u0000js\u0000\u00e9\u4e2d\u{1F600}\uffff\u0000";

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId,
    extra: ["--group-initial-rebalance-delay-ms", "0"],
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

/** A KafkaJS assigner whose protocol name, metadata and assignment carry the worst bytes. */
const opaqueAssigner: PartitionAssigner = ({ cluster }) => ({
  name: `opaque${worstText}`,
  version: 0,
  protocol: ({ topics }) => ({
    name: `opaque${worstText}`,
    metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: worstBytes }),
  }),
  async assign({ members, topics }) {
    const partitions = topics.flatMap((topic) =>
      cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId),
    );
    return members.map((m, i) => ({
      memberId: m.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: i === 0 ? Object.fromEntries(topics.map((t) => [t, partitions])) : {},
        userData: worstBytes,
      }),
    }));
  },
});

describe("opaque strings round-trip byte for byte", () => {
  it("KafkaJS: client id, protocol name, member metadata and assignment, commit metadata", async () => {
    const topic = "opaque-js";
    // Offsets go to a topic the consumer does not read: KafkaJS commits its own starting offsets.
    const committedTopic = "opaque-js-committed";
    await createTopic(agent.bootstrap, topic, 2);
    await createTopic(agent.bootstrap, committedTopic, 1);
    const kafka = kafkaClient(agent.bootstrap, `client${worstText}`);
    const consumer = kafka.consumer({ groupId: "g-js", partitionAssigners: [opaqueAssigner] });
    const admin = kafka.admin();
    await Promise.all([consumer.connect(), admin.connect()]);
    try {
      const joined = new Promise<void>((resolve) =>
        consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
      );
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
      await joined;
      await consumer.commitOffsets([
        { topic: committedTopic, partition: 0, offset: "3", metadata: worstText },
      ]);

      const [group] = (await admin.describeGroups(["g-js"])).groups;
      expect(group!.protocol).toBe(`opaque${worstText}`);
      const member = group!.members[0]!;
      expect(member.clientId).toBe(`client${worstText}`);
      expect(member.memberId.startsWith(`client${worstText}`)).toBe(true);
      const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata)!;
      expect(Buffer.compare(metadata.userData, worstBytes)).toBe(0);
      const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)!;
      expect(Buffer.compare(assignment.userData, worstBytes)).toBe(0);

      const [offsets] = await admin.fetchOffsets({ groupId: "g-js", topics: [committedTopic] });
      expect(offsets!.partitions[0]).toMatchObject({
        offset: "3",
        metadata: worstText,
      });
      // Persisted, not only held in memory: the stored group reads back the same.
      const stored = await new PostgresMetadataStore({ pool: db.pool }).groups.load(
        clusterId,
        "g-js",
      );
      expect(stored!.protocolName).toBe(`opaque${worstText}`);
      expect(stored!.leaderId).toBe(member.memberId);
      expect(stored!.members[0]!.clientId).toBe(`client${worstText}`);
    } finally {
      await consumer.disconnect();
      await admin.disconnect();
    }
  }, 60_000);

  it("kafka-python: NUL metadata and the full offset.metadata.max.bytes, one byte more refused", async () => {
    const topic = "opaque-py";
    await createTopic(agent.bootstrap, topic, 1);
    const result = await runPythonClient<{
      nul: { sentHex: string; backHex: string };
      full: { sentHex: string; backHex: string; bytes: number };
      tooLarge: string;
    }>("opaque_strings.py", ["kafka-python", agent.bootstrap, topic, "g-py"]);
    expect(result.nul.sentHex).toContain("00");
    expect(result.nul.backHex).toBe(result.nul.sentHex);
    expect(result.full.bytes).toBe(4096);
    expect(result.full.backHex).toBe(result.full.sentHex);
    expect(result.tooLarge).toBe("OffsetMetadataTooLargeError");
  }, 60_000);

  it("confluent-kafka: a standalone commit to a group that never joined, odd client and instance ids", async () => {
    const topic = "opaque-rd";
    await createTopic(agent.bootstrap, topic, 2);
    const result = await runPythonClient<{
      committed: Record<string, number>;
      clientId: string;
      members: { clientId: string; memberId: string }[];
    }>("opaque_strings.py", ["confluent", agent.bootstrap, topic, "g-rd"]);
    expect(result.committed).toEqual({ "0": 11, "1": 0 });
    expect(result.members).toEqual([
      { clientId: result.clientId, memberId: expect.stringContaining(result.clientId) },
    ]);
    const stored = await new PostgresMetadataStore({ pool: db.pool }).groups.load(
      clusterId,
      "g-rd",
    );
    expect(stored!.members.map((m) => [m.clientId, m.groupInstanceId])).toEqual([
      [result.clientId, result.clientId],
    ]);
  }, 90_000);

  it("config values: every stored config is validated, so a NUL makes INVALID_CONFIG, not a server error", async () => {
    await createTopic(agent.bootstrap, "opaque-configs", 1);
    const admin = kafkaClient(agent.bootstrap).admin();
    await admin.connect();
    try {
      await expect(
        admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceTypes.TOPIC,
              name: "opaque-configs",
              configEntries: [{ name: "message.timestamp.type", value: "CreateTime\u0000" }],
            },
          ],
        }),
      ).rejects.toMatchObject({ type: "INVALID_CONFIG" });
    } finally {
      await admin.disconnect();
    }
  });

  it("transactional ids that differ only after a NUL are different producers", async () => {
    const client = await RawKafkaClient.connect(agent.bootstrap);
    const init = (transactionalId: string) =>
      client.request<InitProducerIdResponse>(ApiKey.InitProducerId, 4, {
        ...defaultInitProducerIdRequest(),
        transactionalId,
        transactionTimeoutMs: 60_000,
      });
    try {
      const a = await init("tx\u0000a");
      const b = await init("tx\u0000b");
      const again = await init("tx\u0000a");
      expect([a.errorCode, b.errorCode, again.errorCode]).toEqual([
        ErrorCode.NONE,
        ErrorCode.NONE,
        ErrorCode.NONE,
      ]);
      expect(b.producerId).not.toBe(a.producerId);
      expect(again).toMatchObject({ producerId: a.producerId, producerEpoch: a.producerEpoch + 1 });
    } finally {
      client.close();
    }
  });

  it("a group id holding NUL is refused with INVALID_GROUP_ID, not a server error (a known gap: Kafka takes it)", async () => {
    const client = await RawKafkaClient.connect(agent.bootstrap);
    const groupId = "g\u0000nul";
    try {
      const found = await client.request<FindCoordinatorResponse>(ApiKey.FindCoordinator, 3, {
        ...defaultFindCoordinatorRequest(),
        key: groupId,
      });
      const joined = await client.request<JoinGroupResponse>(ApiKey.JoinGroup, 5, {
        ...defaultJoinGroupRequest(),
        groupId,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: Buffer.alloc(0) }],
      });
      const fetched = await client.request<OffsetFetchResponse>(ApiKey.OffsetFetch, 5, {
        ...defaultOffsetFetchRequest(),
        groupId,
      });
      const described = await client.request<DescribeGroupsResponse>(ApiKey.DescribeGroups, 3, {
        ...defaultDescribeGroupsRequest(),
        groups: [groupId],
      });
      expect([
        found.errorCode,
        joined.errorCode,
        fetched.errorCode,
        described.groups[0]!.errorCode,
      ]).toEqual(Array(4).fill(ErrorCode.INVALID_GROUP_ID));
    } finally {
      client.close();
    }
  });
});
