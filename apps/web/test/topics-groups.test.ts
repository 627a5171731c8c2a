import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
let clusterId: string;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@topics.test");
  clusterId = (
    await callerFor(db.prisma, owner).clusters.create({ name: "events", region: "local" })
  ).id;
});
afterAll(() => db.drop());

describe("topics router", () => {
  it("creates a topic with its partition rows, shows offsets and stored bytes, and deletes it", async () => {
    const api = callerFor(db.prisma, owner);
    const topic = await api.topics.create({
      clusterId,
      name: "clicks",
      partitions: 3,
      retentionMs: 3_600_000,
    });
    const partitions = await db.prisma.partition.findMany({
      where: { topicId: topic.id },
      orderBy: { partition: "asc" },
    });
    expect(partitions.map((p) => [p.partition, p.clusterId, p.nextOffset])).toEqual([
      [0, clusterId, 0n],
      [1, clusterId, 0n],
      [2, clusterId, 0n],
    ]);

    // What the agent does when it commits a flush: advance next_offset and index the batch.
    await db.prisma.storedObject.create({
      data: { key: "o/1", clusterId, sizeBytes: 4096n, state: "committed" },
    });
    await db.prisma.partition.update({
      where: { topicId_partition: { topicId: topic.id, partition: 1 } },
      data: { nextOffset: 42n },
    });
    await db.prisma.partitionIndexRow.create({
      data: {
        topicId: topic.id,
        partition: 1,
        baseOffset: 0n,
        lastOffset: 41n,
        clusterId,
        objectKey: "o/1",
        byteOffset: 0n,
        byteLength: 2048,
        maxTimestamp: 0n,
        recordCount: 42,
      },
    });

    const [listed] = (await api.topics.list({ clusterId })).topics;
    expect(listed).toMatchObject({
      name: "clicks",
      partitionCount: 3,
      highWatermark: 42n,
      storedBytes: 2048n,
      retentionMs: 3_600_000n,
    });
    expect(await api.clusters.stats({ clusterId })).toEqual({
      topics: 1,
      partitions: 3,
      recordsProduced: 42n,
      storedBytes: 2048n,
      activeCredentials: 0,
      consumerGroups: 0,
    });
    expect(listed!.recordsPerSecond).toBeCloseTo(42 / 300);
    expect(listed!.bytesPerSecond).toBeCloseTo(2048 / 300);
    expect(await api.topics.list({ clusterId, search: "nomatch" })).toEqual({
      topics: [],
      nextCursor: null,
      total: 0,
    });
    const detail = await api.topics.get({ clusterId, name: "clicks" });
    expect(detail.partitions.map((p) => [p.partition, p.highWatermark, p.storedBytes])).toEqual([
      [0, 0n, 0n],
      [1, 42n, 2048n],
      [2, 0n, 0n],
    ]);
    expect(detail.configs).toEqual({ "cleanup.policy": "delete", "retention.ms": "3600000" });

    await expect(api.topics.create({ clusterId, name: "clicks" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await api.topics.delete({ clusterId, name: "clicks", confirmName: "clicks" });
    expect(await db.prisma.partition.count({ where: { topicId: topic.id } })).toBe(0);
  });

  it("uses the cluster's default partitions and rejects names Kafka rejects", async () => {
    const api = callerFor(db.prisma, owner);
    const topic = await api.topics.create({ clusterId, name: "defaults" });
    expect(topic.partitionCount).toBe(1);
    await expect(api.topics.create({ clusterId, name: "bad name!" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(api.topics.create({ clusterId, name: "..", partitions: 1 })).rejects.toMatchObject(
      { code: "BAD_REQUEST" },
    );
    await expect(api.topics.create({ clusterId, name: "ok", partitions: 0 })).rejects.toMatchObject(
      { code: "BAD_REQUEST" },
    );
  });

  it("pages through topics by name on the server, within a search too", async () => {
    const api = callerFor(db.prisma, owner);
    const paged = (await api.clusters.create({ name: "many-topics", region: "local" })).id;
    for (const name of ["app.a", "app.b", "app.c", "app.d", "app.e", "other"])
      await api.topics.create({ clusterId: paged, name });
    const names = async (search: string | undefined) => {
      const seen: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await api.topics.list({ clusterId: paged, search, cursor, limit: 2 });
        expect(page.total).toBe(search ? 5 : 6);
        seen.push(page.topics.map((t) => t.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    expect(await names(undefined)).toEqual([
      ["app.a", "app.b"],
      ["app.c", "app.d"],
      ["app.e", "other"],
    ]);
    // The search holds on every page (a cursor once replaced it).
    expect(await names("APP.")).toEqual([["app.a", "app.b"], ["app.c", "app.d"], ["app.e"]]);
  });
});

describe("groups router", () => {
  it("lists groups with lag = high watermark - committed offset", async () => {
    const api = callerFor(db.prisma, owner);
    const topic = await api.topics.create({ clusterId, name: "orders", partitions: 2 });
    await db.prisma.partition.updateMany({
      where: { topicId: topic.id },
      data: { nextOffset: 10n },
    });
    await db.prisma.consumerGroup.create({
      data: {
        clusterId,
        groupId: "billing",
        state: "Stable",
        protocolType: Buffer.from("consumer"),
        protocolName: Buffer.from("range"),
        leaderId: Buffer.from("m-1\u0000"),
        // As the agent stores it: a v0 ConsumerProtocolAssignment of orders [0, 1], base64.
        members: [
          {
            memberId: "m-1",
            clientId: "c",
            clientHost: "/127.0.0.1",
            assignment: "AAAAAAABAAZvcmRlcnMAAAACAAAAAAAAAAH/////",
          },
        ],
      },
    });
    await db.prisma.committedOffset.createMany({
      data: [
        { clusterId, groupId: "billing", topic: "orders", partition: 0, committedOffset: 10n },
        { clusterId, groupId: "billing", topic: "orders", partition: 1, committedOffset: 4n },
        { clusterId, groupId: "audit", topic: "orders", partition: 0, committedOffset: 10n },
      ],
    });
    const groups = await api.groups.list({ clusterId });
    expect(groups.map((g) => [g.groupId, g.state, g.members, g.lag])).toEqual([
      ["audit", "Empty", 0, 0n],
      ["billing", "Stable", 1, 6n],
    ]);
    const billing = await api.groups.get({ clusterId, groupId: "billing" });
    expect(billing).toMatchObject({
      protocolType: "consumer",
      protocol: "range",
      leaderId: "m-1\u0000",
    });
    expect(
      billing.offsets.map((o) => [o.partition, o.committedOffset, o.highWatermark, o.lag]),
    ).toEqual([
      [0, 10n, 10n, 0n],
      [1, 4n, 10n, 6n],
    ]);
    expect(billing.members).toEqual([
      {
        memberId: "m-1",
        clientId: "c",
        clientHost: "/127.0.0.1",
        assignment: [{ topic: "orders", partitions: [0, 1] }],
      },
    ]);
    await expect(api.groups.get({ clusterId, groupId: "nobody" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("counts lag to the last stable offset: records of open transactions are not yet readable", async () => {
    const api = callerFor(db.prisma, owner);
    const topic = await api.topics.create({ clusterId, name: "payments", partitions: 1 });
    await db.prisma.partition.updateMany({
      where: { topicId: topic.id },
      data: { nextOffset: 20n },
    });
    const producer = await db.prisma.producerId.create({
      data: { clusterId, transactionalId: Buffer.from("tx"), txnState: "Ongoing" },
    });
    await db.prisma.transactionPartition.create({
      data: {
        producerId: producer.producerId,
        clusterId,
        topicId: topic.id,
        partition: 0,
        firstOffset: 15n,
      },
    });
    await db.prisma.committedOffset.create({
      data: { clusterId, groupId: "eos", topic: "payments", partition: 0, committedOffset: 12n },
    });
    const eos = await api.groups.get({ clusterId, groupId: "eos" });
    expect(eos.offsets.map((o) => [o.highWatermark, o.lastStableOffset, o.lag])).toEqual([
      [20n, 15n, 3n],
    ]);
    const listed = await api.groups.list({ clusterId });
    expect(listed.find((g) => g.groupId === "eos")!.lag).toBe(3n);
  });
});
