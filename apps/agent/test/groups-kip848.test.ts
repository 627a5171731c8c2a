import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  ErrorCode,
  defaultConsumerGroupHeartbeatRequest,
  defaultJoinGroupRequest,
  defaultOffsetCommitRequest,
  type ConsumerGroupDescribeResponse,
  type ConsumerGroupHeartbeatResponse,
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  type JoinGroupResponse,
  type ListGroupsResponse,
  type OffsetCommitResponse,
} from "@streambed/protocol";
import type { Consumer as KafkaJsConsumer } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic, kafkaClient } from "./support/kafkajs-admin.ts";
import {
  startKip848Member,
  type ConsumedRecord,
  type Kip848Member,
} from "./support/kip848-member.ts";
import { RawKafkaClient } from "./support/raw-kafka-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let raw: RawKafkaClient;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "kip848",
    extra: [
      "--group-initial-rebalance-delay-ms",
      "0",
      "--group-consumer-heartbeat-interval-ms",
      "300",
    ],
  });
  raw = await RawKafkaClient.connect(agent.bootstrap);
});

afterAll(async () => {
  raw?.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function produce(topic: string, partitions: number, perPartition: number, tag: string) {
  const producer = kafkaClient(agent.bootstrap).producer();
  await producer.connect();
  for (let p = 0; p < partitions; p++) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: perPartition }, (_, i) => ({
        partition: p,
        value: `${tag}-${i}`,
      })),
    });
  }
  await producer.disconnect();
}

function describeGroup(groupId: string) {
  return raw.request<ConsumerGroupDescribeResponse>(ApiKey.ConsumerGroupDescribe, 0, {
    groupIds: [groupId],
    includeAuthorizedOperations: false,
  });
}

/** Every offset below the high watermark consumed exactly once. */
function expectExactlyOnce(records: ConsumedRecord[], partitions: number, perPartition: number) {
  const seen = new Map<string, number>();
  for (const r of records) {
    const key = `${r.partition}:${r.offset}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  expect(duplicates).toEqual([]);
  for (let p = 0; p < partitions; p++)
    for (let o = 0; o < perPartition; o++) expect(seen.has(`${p}:${o}`), `${p}:${o}`).toBe(true);
}

describe("KIP-848 consumer groups (group.protocol=consumer, @platformatic/kafka)", () => {
  it("one member gets every partition, consumes and commits; ConsumerGroupDescribe shows it", async () => {
    const topic = "kip848-single";
    await createTopic(agent.bootstrap, topic, 4);
    await produce(topic, 4, 5, "a");
    const records: ConsumedRecord[] = [];
    const member = await startKip848Member({
      bootstrap: agent.bootstrap,
      groupId: "kip848-single",
      topics: [topic],
      name: "solo",
      onRecord: (r) => records.push(r),
    });
    try {
      await expect.poll(() => records.length, { timeout: 20_000 }).toBe(20);
      expectExactlyOnce(records, 4, 5);
      const { groups } = await describeGroup("kip848-single");
      expect(groups[0]).toMatchObject({
        errorCode: ErrorCode.NONE,
        groupState: "Stable",
        groupEpoch: 1,
        assignmentEpoch: 1,
        assignorName: "uniform",
      });
      expect(groups[0]!.members).toHaveLength(1);
      expect(groups[0]!.members[0]!.subscribedTopicNames).toEqual([topic]);
      expect(groups[0]!.members[0]!.assignment.topicPartitions[0]).toMatchObject({
        topicName: topic,
        partitions: [0, 1, 2, 3],
      });
    } finally {
      await member.stop();
    }
  });

  it("under member churn (1 -> 3 -> 2 -> 3 -> 1) with records flowing, beside a KafkaJS classic group: none lost, none twice, no partition held by two members", async () => {
    const topic = "kip848-churn";
    const partitions = 12;
    await createTopic(agent.bootstrap, topic, partitions);
    const kip848: ConsumedRecord[] = [];
    const classic: { partition: number; offset: bigint }[] = [];

    // The classic group: two KafkaJS members on the same topic, in another group.
    const kafka = kafkaClient(agent.bootstrap, "classic-side");
    const classicMembers: KafkaJsConsumer[] = [];
    for (let i = 0; i < 2; i++) {
      const consumer = kafka.consumer({ groupId: "classic-app", heartbeatInterval: 300 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) =>
          void classic.push({ partition, offset: BigInt(message.offset) }),
      });
      classicMembers.push(consumer);
    }

    const producer = kafkaClient(agent.bootstrap).producer();
    await producer.connect();
    let sent = 0;
    let producing = true;
    const production = (async () => {
      while (producing) {
        await producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: partitions }, (_, p) => ({
            partition: p,
            value: `r${sent}`,
          })),
        });
        sent += partitions;
        await sleep(50);
      }
    })();

    // Two members never hold the same partition, as ConsumerGroupDescribe shows it throughout.
    const overlaps: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const { groups } = await describeGroup("kip848-app");
        const holders = new Map<string, string>();
        for (const m of groups[0]?.members ?? []) {
          for (const tp of m.assignment.topicPartitions) {
            for (const p of tp.partitions) {
              const key = `${tp.topicName}:${p}`;
              if (holders.has(key)) overlaps.push(`${key} ${holders.get(key)} ${m.memberId}`);
              holders.set(key, m.memberId);
            }
          }
        }
        await sleep(50);
      }
    })();

    const members = new Map<string, Kip848Member>();
    const start = async (name: string) =>
      members.set(
        name,
        await startKip848Member({
          bootstrap: agent.bootstrap,
          groupId: "kip848-app",
          topics: [topic],
          name,
          onRecord: (r) => kip848.push(r),
        }),
      );
    const stop = async (name: string) => {
      await members.get(name)!.stop();
      members.delete(name);
    };
    /** Waits until the live members hold every partition, evenly. */
    const settled = () =>
      expect
        .poll(
          () => {
            const counts = [...members.values()].map((m) => m.assignedCount());
            return (
              counts.reduce((a, b) => a + b, 0) === partitions &&
              Math.max(...counts) - Math.min(...counts) <= 1
            );
          },
          { timeout: 20_000, interval: 100 },
        )
        .toBe(true);

    await start("m1");
    await settled();
    await start("m2");
    await start("m3");
    await settled();
    await stop("m1");
    await settled();
    await start("m4");
    await settled();
    await stop("m2");
    await stop("m3");
    await settled();
    producing = false;
    await production;
    await producer.disconnect();

    await expect.poll(() => kip848.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(sent);
    await expect.poll(() => classic.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(sent);
    watching = false;
    await watcher;
    expect(overlaps).toEqual([]);
    const perPartition = sent / partitions;
    expectExactlyOnce(kip848, partitions, perPartition);
    expectExactlyOnce(
      classic.map((c) => ({ ...c, member: "", topic })),
      partitions,
      perPartition,
    );

    // Each protocol keeps its group id from the other.
    const join = await raw.request<JoinGroupResponse>(ApiKey.JoinGroup, 5, {
      ...defaultJoinGroupRequest(),
      groupId: "kip848-app",
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: "",
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: Buffer.alloc(0) }],
    });
    expect(join.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const heartbeat = await raw.request<ConsumerGroupHeartbeatResponse>(
      ApiKey.ConsumerGroupHeartbeat,
      1,
      {
        ...defaultConsumerGroupHeartbeatRequest(),
        groupId: "classic-app",
        memberId: "a-new-member",
        memberEpoch: 0,
        rebalanceTimeoutMs: 10_000,
        subscribedTopicNames: [topic],
        topicPartitions: [],
      },
    );
    expect(heartbeat.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    // ListGroups v5 filters by type; DescribeGroups (classic) does not describe a consumer group.
    const listed = async (typesFilter: string[]) =>
      (
        await raw.request<ListGroupsResponse>(ApiKey.ListGroups, 5, {
          statesFilter: [],
          typesFilter,
        })
      ).groups
        .map((g) => `${g.groupId}:${g.groupType}:${g.groupState}`)
        .sort();
    expect(await listed([])).toEqual([
      "classic-app:classic:Stable",
      "kip848-app:consumer:Stable",
      "kip848-single:consumer:Empty",
    ]);
    expect(await listed(["consumer"])).toEqual([
      "kip848-app:consumer:Stable",
      "kip848-single:consumer:Empty",
    ]);
    expect(await listed(["classic"])).toEqual(["classic-app:classic:Stable"]);
    const described = await raw.request<DescribeGroupsResponse>(ApiKey.DescribeGroups, 5, {
      groups: ["kip848-app"],
      includeAuthorizedOperations: false,
    });
    expect(described.groups[0]!.groupState).toBe("Dead");

    // OffsetCommit carries the member epoch: an old one is STALE_MEMBER_EPOCH.
    const [last] = [...members.values()];
    const { groups } = await describeGroup("kip848-app");
    const member = groups[0]!.members[0]!;
    expect(member.memberId).toBe(last!.consumer.memberId);
    const commit = (memberId: string, epoch: number) =>
      raw.request<OffsetCommitResponse>(ApiKey.OffsetCommit, 9, {
        ...defaultOffsetCommitRequest(),
        groupId: "kip848-app",
        memberId,
        generationIdOrMemberEpoch: epoch,
        topics: [
          {
            name: topic,
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 0n,
                committedLeaderEpoch: -1,
                commitTimestamp: -1n,
                committedMetadata: null,
              },
            ],
          },
        ],
      });
    expect(
      (await commit(member.memberId, member.memberEpoch - 1)).topics[0]!.partitions[0]!.errorCode,
    ).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect((await commit("stranger", member.memberEpoch)).topics[0]!.partitions[0]!.errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );

    for (const m of members.values()) await m.stop();
    for (const c of classicMembers) await c.disconnect();
  }, 120_000);

  it("members joining at once form one group, with the range assignor they ask for", async () => {
    const topic = "kip848-together";
    await createTopic(agent.bootstrap, topic, 6);
    const members = await Promise.all(
      ["t1", "t2", "t3"].map((name) =>
        startKip848Member({
          bootstrap: agent.bootstrap,
          groupId: "kip848-together",
          topics: [topic],
          name,
          assignor: "range",
        }),
      ),
    );
    try {
      await expect
        .poll(() => members.map((m) => m.assignedCount()), { timeout: 20_000 })
        .toEqual([2, 2, 2]);
      const { groups } = await describeGroup("kip848-together");
      expect(groups[0]!.assignorName).toBe("range");
      expect(groups[0]!.members).toHaveLength(3);
      // Range: contiguous partitions per member.
      const ranges = groups[0]!.members
        .map((m) => m.assignment.topicPartitions[0]!.partitions.join(","))
        .sort();
      expect(ranges).toEqual(["0,1", "2,3", "4,5"]);
    } finally {
      await Promise.all(members.map((m) => m.stop()));
    }
    // Empty now: DeleteGroups removes it.
    await expect
      .poll(async () => (await describeGroup("kip848-together")).groups[0]!.groupState)
      .toBe("Empty");
    const deleted = await raw.request<DeleteGroupsResponse>(ApiKey.DeleteGroups, 2, {
      groupsNames: ["kip848-together"],
    });
    expect(deleted.results[0]!.errorCode).toBe(ErrorCode.NONE);
    expect((await describeGroup("kip848-together")).groups[0]!.errorCode).toBe(
      ErrorCode.GROUP_ID_NOT_FOUND,
    );
  });

  it("another agent continues the groups from Postgres", async () => {
    const before = (await describeGroup("kip848-app")).groups[0]!;
    raw.close();
    await agent.stop();
    agent = await startTestAgent({
      databaseUrl: db.url,
      bucketUrl: bucket.url,
      clusterId: "kip848",
      extra: ["--group-consumer-heartbeat-interval-ms", "300"],
    });
    raw = await RawKafkaClient.connect(agent.bootstrap);
    const after = (await describeGroup("kip848-app")).groups[0]!;
    expect(after).toMatchObject({
      errorCode: ErrorCode.NONE,
      groupState: before.groupState,
      groupEpoch: before.groupEpoch,
      assignmentEpoch: before.assignmentEpoch,
    });
    // A member joining there starts at the next group epoch.
    const member = await startKip848Member({
      bootstrap: agent.bootstrap,
      groupId: "kip848-app",
      topics: ["kip848-churn"],
      name: "after-restart",
    });
    try {
      await expect.poll(() => member.assignedCount(), { timeout: 20_000 }).toBe(12);
      expect((await describeGroup("kip848-app")).groups[0]!.groupEpoch).toBeGreaterThan(
        before.groupEpoch,
      );
    } finally {
      await member.stop();
    }
  });

  it("on the wire: static members (UNRELEASED_INSTANCE_ID, epoch -2), FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID, UNSUPPORTED_ASSIGNOR", async () => {
    await createTopic(agent.bootstrap, "kip848-static", 2);
    const heartbeat = (over: Record<string, unknown>) =>
      raw.request<ConsumerGroupHeartbeatResponse>(ApiKey.ConsumerGroupHeartbeat, 1, {
        ...defaultConsumerGroupHeartbeatRequest(),
        groupId: "kip848-static",
        ...over,
      });
    const join = {
      memberEpoch: 0,
      rebalanceTimeoutMs: 10_000,
      subscribedTopicNames: ["kip848-static"],
      topicPartitions: [],
    };
    const a = await heartbeat({ ...join, memberId: "member-a", instanceId: "host-1" });
    expect(a).toMatchObject({ errorCode: ErrorCode.NONE, memberId: "member-a", memberEpoch: 1 });
    expect(a.assignment!.topicPartitions[0]!.partitions).toEqual([0, 1]);
    const taken = await heartbeat({ ...join, memberId: "member-b", instanceId: "host-1" });
    expect(taken.errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    expect((await heartbeat({ memberId: "member-a", memberEpoch: 5 })).errorCode).toBe(
      ErrorCode.FENCED_MEMBER_EPOCH,
    );
    expect((await heartbeat({ memberId: "nobody", memberEpoch: 1 })).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect(
      (await heartbeat({ ...join, memberId: "member-c", serverAssignor: "sticky" })).errorCode,
    ).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
    // The static member leaves for a while (-2); back under a new member id, it has its partitions
    // at the same epoch: no rebalance.
    const left = await heartbeat({ memberId: "member-a", instanceId: "host-1", memberEpoch: -2 });
    expect(left).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: -2 });
    const back = await heartbeat({ ...join, memberId: "member-b", instanceId: "host-1" });
    expect(back).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: 1 });
    expect(back.assignment!.topicPartitions[0]!.partitions).toEqual([0, 1]);
    expect((await heartbeat({ memberId: "member-b", memberEpoch: -1 })).errorCode).toBe(
      ErrorCode.NONE,
    );
  });
});
