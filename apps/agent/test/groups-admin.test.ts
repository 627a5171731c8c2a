import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  ErrorCode,
  defaultOffsetCommitRequest,
  defaultOffsetFetchRequest,
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  type FindCoordinatorResponse,
  type InitProducerIdResponse,
  type ListGroupsResponse,
  type OffsetCommitResponse,
  type OffsetDeleteResponse,
  type OffsetFetchResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../src/metadata/postgres/postgres-metadata-store.ts";
import { RawKafkaClient } from "./support/raw-kafka-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let client: RawKafkaClient;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "groups-admin",
  });
  client = await RawKafkaClient.connect(agent.bootstrap);
  // OffsetDelete answers UNKNOWN_TOPIC_OR_PARTITION for topics that do not exist, as Kafka does.
  await new PostgresMetadataStore({ pool: db.pool }).createTopic("groups-admin", "events", 2, {});
});

afterAll(async () => {
  client?.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

/** Commits outside group management (generation -1), as admin tools do. */
async function commit(groupId: string, offsets: Record<number, bigint>): Promise<number[]> {
  const response = await client.request<OffsetCommitResponse>(ApiKey.OffsetCommit, 8, {
    ...defaultOffsetCommitRequest(),
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: "",
    topics: [
      {
        name: "events",
        partitions: Object.entries(offsets).map(([p, offset]) => ({
          partitionIndex: Number(p),
          committedOffset: offset,
          committedLeaderEpoch: -1,
          commitTimestamp: -1n,
          committedMetadata: `m${p}`,
        })),
      },
    ],
  });
  return response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

describe("group and offset administration over the wire", () => {
  it("finds this agent as coordinator for single and batched keys", async () => {
    const v0 = await client.request<FindCoordinatorResponse>(ApiKey.FindCoordinator, 0, {
      key: "g1",
      keyType: 0,
      coordinatorKeys: [],
    });
    expect(v0).toMatchObject({ errorCode: 0, port: agent.kafkaPort });
    const v4 = await client.request<FindCoordinatorResponse>(ApiKey.FindCoordinator, 4, {
      key: "",
      keyType: 0,
      coordinatorKeys: ["g1", "g2", ""],
    });
    expect(v4.coordinators.map((c) => [c.key, c.errorCode, c.port])).toEqual([
      ["g1", 0, agent.kafkaPort],
      ["g2", 0, agent.kafkaPort],
      ["", ErrorCode.INVALID_GROUP_ID, -1],
    ]);
  });

  it("commits, fetches (batched groups and the old single-group form), lists, describes, deletes offsets and groups", async () => {
    expect(await commit("g1", { 0: 5n, 1: 7n })).toEqual([0, 0]);
    expect(await commit("g2", { 0: 1n })).toEqual([0]);

    const batched = await client.request<OffsetFetchResponse>(ApiKey.OffsetFetch, 8, {
      ...defaultOffsetFetchRequest(),
      groups: [
        { groupId: "g1", memberId: null, memberEpoch: -1, topics: null },
        {
          groupId: "g2",
          memberId: null,
          memberEpoch: -1,
          topics: [{ name: "events", partitionIndexes: [0, 1] }],
        },
      ],
      requireStable: true,
    });
    expect(
      batched.groups.map((g) => [
        g.groupId,
        g.errorCode,
        g.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata]),
      ]),
    ).toEqual([
      [
        "g1",
        0,
        [
          [0, 5n, "m0"],
          [1, 7n, "m1"],
        ],
      ],
      [
        "g2",
        0,
        [
          [0, 1n, "m0"],
          [1, -1n, ""],
        ],
      ],
    ]);
    const single = await client.request<OffsetFetchResponse>(ApiKey.OffsetFetch, 1, {
      ...defaultOffsetFetchRequest(),
      groupId: "g1",
      topics: [{ name: "events", partitionIndexes: [1] }],
    });
    expect(single.topics[0]!.partitions[0]).toMatchObject({
      partitionIndex: 1,
      committedOffset: 7n,
      errorCode: 0,
    });

    const empty = await client.request<ListGroupsResponse>(ApiKey.ListGroups, 4, {
      statesFilter: ["Empty"],
      typesFilter: [],
    });
    expect(empty.groups.map((g) => [g.groupId, g.groupState]).sort()).toEqual([
      ["g1", "Empty"],
      ["g2", "Empty"],
    ]);
    expect(
      (
        await client.request<ListGroupsResponse>(ApiKey.ListGroups, 4, {
          statesFilter: ["Stable"],
          typesFilter: [],
        })
      ).groups,
    ).toEqual([]);

    const described = await client.request<DescribeGroupsResponse>(ApiKey.DescribeGroups, 5, {
      groups: ["g1", "nope"],
      includeAuthorizedOperations: false,
    });
    expect(
      described.groups.map((g) => [g.groupId, g.errorCode, g.groupState, g.members.length]),
    ).toEqual([
      ["g1", 0, "Empty", 0],
      ["nope", 0, "Dead", 0],
    ]);

    const deleted = await client.request<OffsetDeleteResponse>(ApiKey.OffsetDelete, 0, {
      groupId: "g1",
      topics: [{ name: "events", partitions: [{ partitionIndex: 0 }] }],
    });
    expect(deleted).toMatchObject({
      errorCode: 0,
      topics: [{ name: "events", partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
    });
    const after = await client.request<OffsetFetchResponse>(ApiKey.OffsetFetch, 7, {
      ...defaultOffsetFetchRequest(),
      groupId: "g1",
      topics: null,
    });
    expect(after.topics[0]!.partitions.map((p) => p.partitionIndex)).toEqual([1]);

    const groups = await client.request<DeleteGroupsResponse>(ApiKey.DeleteGroups, 2, {
      groupsNames: ["g1", "nope"],
    });
    expect(groups.results.map((r) => [r.groupId, r.errorCode])).toEqual([
      ["g1", 0],
      ["nope", ErrorCode.GROUP_ID_NOT_FOUND],
    ]);
    const listed = await client.request<ListGroupsResponse>(ApiKey.ListGroups, 0, {
      statesFilter: [],
      typesFilter: [],
    });
    expect(listed.groups.map((g) => g.groupId)).toEqual(["g2"]);
  });

  it("hands out distinct producer ids", async () => {
    const ids = await Promise.all(
      [0, 1].map(() =>
        client.request<InitProducerIdResponse>(ApiKey.InitProducerId, 4, {
          transactionalId: null,
          transactionTimeoutMs: 60_000,
          producerId: -1n,
          producerEpoch: -1,
        }),
      ),
    );
    expect(ids.map((r) => r.errorCode)).toEqual([0, 0]);
    expect(ids[0]!.producerId).not.toBe(ids[1]!.producerId);
    expect(ids[0]!.producerId).toBeGreaterThanOrEqual(1000n);
  });
});
