import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { callerFor, signUp, type Caller, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
let api: Caller;
let clusterId: string;
let topicId: string;

/** What an agent's flush commit leaves: next_offset advanced and one index row per partition batch. */
async function committed(
  partition: number,
  baseOffset: bigint,
  count: number,
  maxTimestamp: bigint,
) {
  const key = `o/${partition}/${baseOffset}`;
  await db.prisma.storedObject.create({
    data: { key, clusterId, sizeBytes: 100n, state: "committed" },
  });
  await db.prisma.partitionIndexRow.create({
    data: {
      topicId,
      partition,
      baseOffset,
      lastOffset: baseOffset + BigInt(count) - 1n,
      clusterId,
      objectKey: key,
      byteOffset: 0n,
      byteLength: 100,
      maxTimestamp,
      recordCount: count,
    },
  });
  await db.prisma.partition.update({
    where: { topicId_partition: { topicId, partition } },
    data: { nextOffset: baseOffset + BigInt(count) },
  });
}

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@ops.test");
  api = callerFor(db.prisma, owner);
  clusterId = (await api.clusters.create({ name: "ops", region: "local" })).id;
  topicId = (await api.topics.create({ clusterId, name: "orders", partitions: 2 })).id;
  // Partition 0: offsets 0-9 written at t=1000, 10-19 at t=2000; partition 1: 0-4 at t=1500.
  await committed(0, 0n, 10, 1000n);
  await committed(0, 10n, 10, 2000n);
  await committed(1, 0n, 5, 1500n);
  await db.prisma.partition.update({
    where: { topicId_partition: { topicId, partition: 0 } },
    data: { logStartOffset: 5n },
  });
});
afterAll(() => db.drop());

const offsetsOf = async (groupId: string) =>
  (
    await db.prisma.committedOffset.findMany({
      where: { clusterId, groupId },
      orderBy: { partition: "asc" },
    })
  ).map((o) => [o.partition, o.committedOffset]);

describe("consumer group operations", () => {
  it("resets an empty group's offsets to earliest, latest, a timestamp or an offset", async () => {
    await db.prisma.consumerGroup.create({
      data: {
        clusterId,
        groupId: "billing",
        state: "Empty",
        protocolType: Buffer.from("consumer"),
      },
    });
    const reset = (
      to: Parameters<Caller["groups"]["resetOffsets"]>[0]["to"],
      partitions?: number[],
    ) =>
      api.groups.resetOffsets({ clusterId, groupId: "billing", topic: "orders", partitions, to });

    const latest = await reset({ kind: "latest" });
    expect(latest.partitions.map((p) => [p.partition, p.committedOffset, p.lag])).toEqual([
      [0, 20n, 0n],
      [1, 5n, 0n],
    ]);
    expect(
      (await api.groups.get({ clusterId, groupId: "billing" })).offsets.map((o) => o.lag),
    ).toEqual([0n, 0n]);

    await reset({ kind: "earliest" });
    expect(await offsetsOf("billing")).toEqual([
      [0, 5n], // the log start, not 0
      [1, 0n],
    ]);
    const lagged = await api.groups.get({ clusterId, groupId: "billing" });
    expect(lagged.offsets.map((o) => o.lag)).toEqual([15n, 5n]);

    // The first index row whose newest record is at or after the timestamp; none: the end.
    await reset({ kind: "timestamp", timestamp: 1500 });
    expect(await offsetsOf("billing")).toEqual([
      [0, 10n],
      [1, 0n],
    ]);
    await reset({ kind: "timestamp", timestamp: 1800 });
    expect(await offsetsOf("billing")).toEqual([
      [0, 10n],
      [1, 5n],
    ]);

    // One partition only; a specific offset is clamped into [log start, high watermark].
    await reset({ kind: "offset", offset: "12" }, [0]);
    expect(await offsetsOf("billing")).toEqual([
      [0, 12n],
      [1, 5n],
    ]);
    await reset({ kind: "offset", offset: "1" }, [0]);
    expect(await offsetsOf("billing")).toEqual([
      [0, 5n],
      [1, 5n],
    ]);
    await expect(reset({ kind: "latest" }, [7])).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      api.groups.resetOffsets({
        clusterId,
        groupId: "billing",
        topic: "nope",
        to: { kind: "latest" },
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });

    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { organizationId: owner.organizationId, action: "group.offsets_reset" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit).toMatchObject({
      actorUserId: owner.id,
      targetType: "consumer_group",
      targetId: "billing",
      metadata: { clusterId, topic: "orders", offsets: { "0": "5" } },
    });
  });

  it("refuses to reset or delete a group with active members, as Kafka does", async () => {
    await db.prisma.consumerGroup.create({
      data: {
        clusterId,
        groupId: "live",
        state: "Stable",
        protocolType: Buffer.from("consumer"),
        generationId: 3,
        members: [{ memberId: "m-1", clientId: "c", clientHost: "/127.0.0.1" }],
      },
    });
    await db.prisma.committedOffset.create({
      data: { clusterId, groupId: "live", topic: "orders", partition: 0, committedOffset: 7n },
    });
    const refusal = {
      code: "CONFLICT",
      message: expect.stringMatching(/1 active member .*stop its consumers/),
    };
    await expect(
      api.groups.resetOffsets({
        clusterId,
        groupId: "live",
        topic: "orders",
        to: { kind: "earliest" },
      }),
    ).rejects.toMatchObject(refusal);
    await expect(api.groups.delete({ clusterId, groupId: "live" })).rejects.toMatchObject(refusal);
    expect(await offsetsOf("live")).toEqual([[0, 7n]]);
  });

  it("deletes an empty group with its offsets, and a group that only has offsets", async () => {
    await api.groups.delete({ clusterId, groupId: "billing" });
    expect(await offsetsOf("billing")).toEqual([]);
    expect(await db.prisma.consumerGroup.count({ where: { clusterId, groupId: "billing" } })).toBe(
      0,
    );
    await expect(api.groups.get({ clusterId, groupId: "billing" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await db.prisma.committedOffset.create({
      data: { clusterId, groupId: "manual", topic: "orders", partition: 1, committedOffset: 1n },
    });
    await api.groups.delete({ clusterId, groupId: "manual" });
    await expect(api.groups.delete({ clusterId, groupId: "manual" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(
      await db.prisma.auditLog.count({
        where: { organizationId: owner.organizationId, action: "group.deleted" },
      }),
    ).toBe(2);
  });
});

describe("topic operations", () => {
  it("describes every config with its type, default and description", async () => {
    const topic = await api.topics.get({ clusterId, name: "orders" });
    const retention = topic.describedConfigs.find((c) => c.name === "retention.ms");
    expect(retention).toMatchObject({
      value: "604800000",
      override: null,
      default: "604800000",
      type: "long",
      description: expect.stringContaining("kept"),
    });
    expect(topic.describedConfigs.find((c) => c.name === "cleanup.policy")).toMatchObject({
      value: "delete",
      override: "delete",
      type: "list",
    });
  });

  it("changes configs after validating them as the agents do, and resets them to the default", async () => {
    const configs = await api.topics.updateConfigs({
      clusterId,
      name: "orders",
      changes: { "retention.ms": "3600000", "max.message.bytes": "2048" },
    });
    expect(configs.find((c) => c.name === "retention.ms")).toMatchObject({
      value: "3600000",
      override: "3600000",
    });
    const row = await db.prisma.topic.findUniqueOrThrow({ where: { id: topicId } });
    expect(row.configs).toEqual({
      "cleanup.policy": "delete",
      "retention.ms": "3600000",
      "max.message.bytes": "2048",
    });
    await api.topics.updateConfigs({
      clusterId,
      name: "orders",
      changes: { "max.message.bytes": null },
    });
    expect((await db.prisma.topic.findUniqueOrThrow({ where: { id: topicId } })).configs).toEqual({
      "cleanup.policy": "delete",
      "retention.ms": "3600000",
    });
    for (const changes of <Record<string, string>[]>[
      { "retention.ms": "soon" },
      { "no.such.config": "1" },
      { "cleanup.policy": "shred" },
    ]) {
      await expect(
        api.topics.updateConfigs({ clusterId, name: "orders", changes }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringContaining(Object.keys(changes)[0]!),
      });
    }
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { organizationId: owner.organizationId, action: "topic.configs_changed" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.metadata).toMatchObject({
      name: "orders",
      changes: { "max.message.bytes": null },
    });
  });

  it("adds partitions, never removes them", async () => {
    const raised = await api.topics.addPartitions({ clusterId, name: "orders", partitionCount: 4 });
    expect(raised.partitionCount).toBe(4);
    const partitions = await db.prisma.partition.findMany({
      where: { topicId },
      orderBy: { partition: "asc" },
    });
    expect(partitions.map((p) => [p.partition, p.nextOffset])).toEqual([
      [0, 20n],
      [1, 5n],
      [2, 0n],
      [3, 0n],
    ]);
    await expect(
      api.topics.addPartitions({ clusterId, name: "orders", partitionCount: 4 }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("4 partitions"),
    });
    expect(
      (await db.prisma.auditLog.findFirstOrThrow({ where: { action: "topic.partitions_added" } }))
        .metadata,
    ).toMatchObject({ from: 2, to: 4 });
  });

  it("deletes a topic only with its name typed, with its groups' offsets", async () => {
    await expect(
      api.topics.delete({ clusterId, name: "orders", confirmName: "order" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await api.topics.delete({ clusterId, name: "orders", confirmName: "orders" });
    expect(await db.prisma.topic.count({ where: { id: topicId } })).toBe(0);
    expect(await db.prisma.partitionIndexRow.count({ where: { topicId } })).toBe(0);
    expect(await db.prisma.committedOffset.count({ where: { clusterId, topic: "orders" } })).toBe(
      0,
    );
  });
});
