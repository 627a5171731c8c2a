// Every model is written and read back through PrismaClient against the hand-written migration
// SQL: a column missing, misnamed, mistyped or without its default there fails here.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
});

afterAll(async () => {
  await db.drop();
});

const at = new Date("2026-01-02T03:04:05.678Z");
const scram = { salt: "c2FsdA==", iterations: 4096, storedKey: "c3RvcmVk", serverKey: "c2VydmVy" };

describe("control-plane models", () => {
  it("round-trips accounts, organizations, clusters, credentials and audit logs", async () => {
    const { prisma } = db;
    const user = await prisma.user.create({
      data: { id: "u1", name: "Ada", email: "ada@example.com" },
    });
    expect(user).toMatchObject({ emailVerified: false, image: null });
    expect(user.createdAt).toBeInstanceOf(Date);
    expect(user.updatedAt).toBeInstanceOf(Date);

    await prisma.session.create({
      data: {
        id: "s1",
        expiresAt: at,
        token: "tok",
        ipAddress: "127.0.0.1",
        userAgent: "ua",
        userId: user.id,
        activeOrganizationId: "o1",
      },
    });
    await prisma.account.create({
      data: {
        id: "a1",
        accountId: "acc",
        providerId: "credential",
        userId: user.id,
        accessToken: "at",
        refreshToken: "rt",
        idToken: "it",
        accessTokenExpiresAt: at,
        refreshTokenExpiresAt: at,
        scope: "s",
        password: "hash",
      },
    });
    await prisma.verification.create({
      data: { id: "v1", identifier: "email:ada", value: "123", expiresAt: at },
    });

    const org = await prisma.organization.create({
      data: {
        name: "Acme",
        slug: "acme",
        logo: "l.png",
        metadata: '{"a":1}',
        stripeCustomerId: "cus_1",
      },
    });
    await prisma.member.create({
      data: { organizationId: org.id, userId: user.id, role: "owner" },
    });
    await prisma.invitation.create({
      data: {
        organizationId: org.id,
        email: "bob@example.com",
        role: "member",
        expiresAt: at,
        inviterId: user.id,
      },
    });
    const cluster = await prisma.virtualCluster.create({
      data: { organizationId: org.id, name: "prod", region: "local" },
    });
    expect(cluster).toMatchObject({
      autoCreateTopics: true,
      defaultPartitions: 1,
      defaultRetentionMs: 604800000n,
      requireSasl: false,
      deletionProtection: false,
      deletedAt: null,
    });
    await prisma.agentKey.create({
      data: {
        clusterId: cluster.id,
        name: "k",
        keyPrefix: "sbak_12",
        keyHash: "ab".repeat(32),
        createdById: user.id,
        lastUsedAt: at,
      },
    });
    await prisma.apiKey.create({
      data: {
        organizationId: org.id,
        name: "ci",
        keyPrefix: "sbk_1234",
        keyHash: "cd".repeat(32),
        role: "readonly",
        createdById: user.id,
        revokedAt: at,
      },
    });
    await prisma.kafkaCredential.create({
      data: {
        clusterId: cluster.id,
        username: "app",
        scramSha256: scram,
        scramSha512: scram,
        plainHash: "$scrypt$...",
        description: "d",
        createdById: user.id,
        revokedAt: at,
      },
    });
    await prisma.auditLog.create({
      data: {
        organizationId: org.id,
        actorUserId: user.id,
        action: "cluster.created",
        targetType: "cluster",
        targetId: cluster.id,
        ip: "::1",
      },
    });

    const read = await prisma.user.findUniqueOrThrow({
      where: { email: "ada@example.com" },
      include: {
        sessions: true,
        accounts: true,
        members: { include: { organization: true } },
        invitations: true,
        agentKeys: true,
        kafkaCredentials: true,
        apiKeys: { include: { organization: true } },
        auditLogs: true,
      },
    });
    expect(read.sessions[0]).toMatchObject({
      token: "tok",
      expiresAt: at,
      activeOrganizationId: "o1",
    });
    expect(read.accounts[0]).toMatchObject({
      providerId: "credential",
      accessTokenExpiresAt: at,
      password: "hash",
    });
    expect(read.members[0]).toMatchObject({
      role: "owner",
      organization: { slug: "acme", stripeCustomerId: "cus_1", metadata: '{"a":1}' },
    });
    expect(read.invitations[0]).toMatchObject({ status: "pending", role: "member" });
    expect(read.agentKeys[0]).toMatchObject({
      keyPrefix: "sbak_12",
      lastUsedAt: at,
      revokedAt: null,
    });
    expect(read.apiKeys[0]).toMatchObject({
      role: "readonly",
      keyHash: "cd".repeat(32),
      lastUsedAt: null,
      revokedAt: at,
      organization: { slug: "acme" },
    });
    expect(read.apiKeys[0]!.createdAt).toBeInstanceOf(Date);
    expect(read.kafkaCredentials[0]).toMatchObject({
      scramSha256: scram,
      scramSha512: scram,
      revokedAt: at,
      lastUsedAt: null,
    });
    expect(read.auditLogs[0]).toMatchObject({ action: "cluster.created", metadata: {}, ip: "::1" });
    expect(await prisma.verification.findUniqueOrThrow({ where: { id: "v1" } })).toMatchObject({
      value: "123",
      expiresAt: at,
    });
  });

  it("enforces the contract's unique constraints", async () => {
    const { prisma } = db;
    const org = await prisma.organization.create({ data: { name: "Uniq", slug: "uniq" } });
    await prisma.virtualCluster.create({
      data: { organizationId: org.id, name: "a", region: "r" },
    });
    await expect(
      prisma.virtualCluster.create({ data: { organizationId: org.id, name: "a", region: "r" } }),
    ).rejects.toThrow();
    await expect(
      prisma.organization.create({ data: { name: "Other", slug: "uniq" } }),
    ).rejects.toThrow();
  });
});

describe("data-plane models", () => {
  it("round-trips agents, topics, partitions, objects, index rows, groups, offsets and producers", async () => {
    const { prisma } = db;
    const agent = await prisma.agent.create({
      data: { id: "agent-1", host: "127.0.0.1", port: 9092, httpPort: 8080, version: "0.1.0" },
    });
    expect(agent).toMatchObject({ clusterId: null, zone: "default", roles: [] });
    await prisma.agent.create({
      data: {
        id: "agent-2",
        clusterId: "c1",
        host: "h",
        port: 1,
        httpPort: 2,
        zone: "az-1",
        roles: ["produce", "jobs"],
        version: "v",
        lastHeartbeatAt: at,
      },
    });
    expect(await prisma.agent.findUniqueOrThrow({ where: { id: "agent-2" } })).toMatchObject({
      roles: ["produce", "jobs"],
      lastHeartbeatAt: at,
    });

    const topic = await prisma.topic.create({
      data: { clusterId: "c1", name: "orders", partitionCount: 2 },
    });
    expect(topic.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(topic.configs).toEqual({});
    await prisma.topic.update({
      where: { id: topic.id },
      data: { configs: { "retention.ms": "1000" } },
    });

    const partition = await prisma.partition.create({
      data: { topicId: topic.id, partition: 0, clusterId: "c1" },
    });
    expect(partition).toMatchObject({ nextOffset: 0n, logStartOffset: 0n, leaderEpoch: 0 });
    const object = await prisma.storedObject.create({
      data: { key: "p/c1/l0/01J", clusterId: "c1", sizeBytes: 8_589_934_592n, state: "committed" },
    });
    expect(object).toMatchObject({ level: 0, deletedAt: null, sizeBytes: 8_589_934_592n });
    const big = 2n ** 62n;
    await prisma.partitionIndexRow.create({
      data: {
        topicId: topic.id,
        partition: 0,
        baseOffset: big,
        lastOffset: big + 9n,
        clusterId: "c1",
        objectKey: object.key,
        byteOffset: 4_294_967_296n,
        byteLength: 1024,
        maxTimestamp: 1_767_225_600_000n,
        recordCount: 10,
      },
    });
    const withRows = await prisma.topic.findUniqueOrThrow({
      where: { clusterId_name: { clusterId: "c1", name: "orders" } },
      include: { partitions: true },
    });
    expect(withRows.configs).toEqual({ "retention.ms": "1000" });
    expect(withRows.partitions).toHaveLength(1);
    expect(
      await prisma.partitionIndexRow.findFirstOrThrow({
        where: { topicId: topic.id, partition: 0 },
      }),
    ).toMatchObject({
      baseOffset: big,
      lastOffset: big + 9n,
      byteOffset: 4_294_967_296n,
      maxTimestamp: 1_767_225_600_000n,
      objectKey: object.key,
    });

    const group = await prisma.consumerGroup.create({ data: { clusterId: "c1", groupId: "g" } });
    expect(group).toMatchObject({
      state: "Empty",
      generationId: 0,
      members: [],
      protocolType: null,
      leaderId: null,
    });
    // Kafka strings are opaque: NUL must survive (text and jsonb refuse it).
    const opaque = "m\u0000\u{1F600}";
    const updated = await prisma.consumerGroup.update({
      where: { clusterId_groupId: { clusterId: "c1", groupId: "g" } },
      data: {
        members: [{ memberId: opaque }],
        state: "Stable",
        protocolType: Buffer.from("consumer"),
        protocolName: Buffer.from("range"),
        leaderId: Buffer.from(opaque),
        generationId: 1,
      },
    });
    expect(updated.members).toEqual([{ memberId: opaque }]);
    expect(Buffer.from(updated.leaderId!).toString()).toBe(opaque);
    const offset = await prisma.committedOffset.create({
      data: {
        clusterId: "c1",
        groupId: "g",
        topic: "orders",
        partition: 0,
        committedOffset: 42n,
        metadata: Buffer.from([0, 0xff, 0]),
      },
    });
    expect(offset).toMatchObject({ leaderEpoch: -1, expiresAt: null, committedOffset: 42n });
    expect([...offset.metadata!]).toEqual([0, 0xff, 0]);

    const producer = await prisma.producerId.create({ data: { clusterId: "c1" } });
    expect(producer.producerId).toBeGreaterThanOrEqual(1000n);
    expect(producer).toMatchObject({ epoch: 0, transactionalId: null });
    await prisma.producerId.create({
      data: { clusterId: "c1", transactionalId: Buffer.from("tx\u00001"), epoch: 3 },
    });
    const quota = await prisma.clientQuota.create({
      data: {
        clusterId: "c1",
        entity: JSON.stringify([["user", "a\u0000b"]]),
        quotaKey: "producer_byte_rate",
        value: 1048576.5,
      },
    });
    expect(JSON.parse(quota.entity)).toEqual([["user", "a\u0000b"]]);
    expect(quota.value).toBe(1048576.5);
    await prisma.producerPartitionState.create({
      data: {
        clusterId: "c1",
        producerId: producer.producerId,
        topicId: topic.id,
        partition: 0,
        producerEpoch: 0,
        lastSequence: 4,
        lastOffset: 41n,
      },
    });
    const state = await prisma.producerPartitionState.findUniqueOrThrow({
      where: {
        producerId_topicId_partition: {
          producerId: producer.producerId,
          topicId: topic.id,
          partition: 0,
        },
      },
      include: { producer: true, topic: true },
    });
    expect(state).toMatchObject({
      recent: [],
      lastOffset: 41n,
      producer: { clusterId: "c1" },
      topic: { name: "orders" },
    });
    await prisma.producerId.update({
      where: { producerId: producer.producerId },
      data: { txnState: "Ongoing", txnTimeoutMs: 5000, txnStartedAt: new Date() },
    });
    await prisma.transactionPartition.create({
      data: {
        producerId: producer.producerId,
        clusterId: "c1",
        topicId: topic.id,
        partition: 0,
        firstOffset: 7n,
      },
    });
    await prisma.transactionOffset.create({
      data: {
        producerId: producer.producerId,
        clusterId: "c1",
        groupId: "g1",
        topic: "orders",
        partition: 0,
        committedOffset: 8n,
        metadata: Buffer.from(opaque),
      },
    });
    await prisma.abortedTransaction.create({
      data: {
        clusterId: "c1",
        topicId: topic.id,
        partition: 0,
        producerId: producer.producerId,
        firstOffset: 1n,
        lastOffset: 3n,
      },
    });
    expect(
      await prisma.producerId.findUniqueOrThrow({
        where: { producerId: producer.producerId },
        include: { transactionPartitions: true, transactionOffsets: true },
      }),
    ).toMatchObject({
      txnState: "Ongoing",
      txnTimeoutMs: 5000,
      transactionPartitions: [{ firstOffset: 7n }],
      transactionOffsets: [{ groupId: "g1", committedOffset: 8n, leaderEpoch: -1 }],
    });
    expect(await prisma.abortedTransaction.findFirstOrThrow()).toMatchObject({
      firstOffset: 1n,
      lastOffset: 3n,
    });
    expect(await prisma.consumerGroup.findFirstOrThrow()).toMatchObject({
      members: [{ memberId: opaque }],
      state: "Stable",
    });
  });

  it("deletes a topic's partitions and their index rows, and nothing else, but keeps objects", async () => {
    const { prisma } = db;
    const topic = await prisma.topic.create({
      data: { clusterId: "c2", name: "gone", partitionCount: 1 },
    });
    await prisma.partition.create({ data: { topicId: topic.id, partition: 0, clusterId: "c2" } });
    await prisma.storedObject.create({
      data: { key: "k-gone", clusterId: "c2", sizeBytes: 1n, state: "committed" },
    });
    await prisma.partitionIndexRow.create({
      data: {
        topicId: topic.id,
        partition: 0,
        baseOffset: 0n,
        lastOffset: 0n,
        clusterId: "c2",
        objectKey: "k-gone",
        byteOffset: 0n,
        byteLength: 1,
        maxTimestamp: 0n,
        recordCount: 1,
      },
    });
    const kept = await prisma.topic.create({
      data: { clusterId: "c2", name: "kept", partitionCount: 1 },
    });
    await prisma.partition.create({ data: { topicId: kept.id, partition: 0, clusterId: "c2" } });
    await prisma.partitionIndexRow.create({
      data: {
        topicId: kept.id,
        partition: 0,
        baseOffset: 0n,
        lastOffset: 0n,
        clusterId: "c2",
        objectKey: "k-gone",
        byteOffset: 1n,
        byteLength: 1,
        maxTimestamp: 0n,
        recordCount: 1,
      },
    });
    await prisma.topic.delete({ where: { id: topic.id } });
    expect(
      await prisma.partitionIndexRow.findMany({
        where: { clusterId: "c2" },
        select: { topicId: true },
      }),
    ).toEqual([{ topicId: kept.id }]);
    expect(await prisma.storedObject.count({ where: { key: "k-gone" } })).toBe(1);
  });

  it("hands the pg pool BIGINT columns as bigint", async () => {
    const { rows } = await db.pool.query<{ n: bigint }>(
      "SELECT next_offset AS n FROM partitions LIMIT 1",
    );
    expect(typeof rows[0]!.n).toBe("bigint");
  });
});

describe("usage models", () => {
  it("round-trips usage events and hourly rollups with quantities beyond 2^53", async () => {
    const { prisma } = db;
    const huge = 2n ** 62n + 7n;
    const event = await prisma.usageEvent.create({
      data: {
        idempotencyKey: "c9:agent-1:write_bytes:2026-01-02T03:04:00.000Z",
        organizationId: "o9",
        clusterId: "c9",
        source: "agent-1",
        dimension: "write_bytes",
        windowStart: at,
        windowSeconds: 60,
        quantity: huge,
      },
    });
    expect(event.quantity).toBe(huge);
    expect(event.receivedAt).toBeInstanceOf(Date);
    const hour = new Date("2026-01-02T03:00:00.000Z");
    await prisma.usageHourly.create({
      data: {
        clusterId: "c9",
        dimension: "write_bytes",
        hourStart: hour,
        organizationId: "o9",
        quantity: huge,
      },
    });
    expect(
      await prisma.usageHourly.findUniqueOrThrow({
        where: {
          clusterId_dimension_hourStart: {
            clusterId: "c9",
            dimension: "write_bytes",
            hourStart: hour,
          },
        },
      }),
    ).toMatchObject({ organizationId: "o9", quantity: huge });
  });

  it("round-trips a cluster metric window with its latency buckets and counts by key", async () => {
    const { prisma } = db;
    const data = {
      clusterId: "c9",
      agentId: "agent-1",
      windowStart: at,
      windowSeconds: 60,
      produceBytes: 2n ** 40n,
      fetchBytes: 5n,
      requests: { Produce: 3, Fetch: 9 },
      errors: { "6": 1 },
      produceLatency: [0, 2, 1],
      fetchLatency: [4],
      connections: 2,
      objectPuts: 1,
      objectGets: 7,
      cacheHits: 30,
      cacheMisses: 2,
      throttleMs: 1500n,
    };
    await prisma.clusterMetricWindow.create({ data });
    expect(
      await prisma.clusterMetricWindow.findUniqueOrThrow({
        where: {
          clusterId_windowStart_agentId: { clusterId: "c9", windowStart: at, agentId: "agent-1" },
        },
      }),
    ).toEqual(data);
  });

  it("round-trips REST idempotency records", async () => {
    const { prisma } = db;
    const expiresAt = new Date("2026-01-03T03:04:05.678Z");
    await prisma.idempotencyRecord.create({
      data: { organizationId: "o9", key: "k-1", requestHash: "h", expiresAt },
    });
    await prisma.idempotencyRecord.update({
      where: { organizationId_key: { organizationId: "o9", key: "k-1" } },
      data: { responseStatus: 201, responseBody: { data: { id: "c1" } } },
    });
    expect(
      await prisma.idempotencyRecord.findUniqueOrThrow({
        where: { organizationId_key: { organizationId: "o9", key: "k-1" } },
      }),
    ).toMatchObject({
      requestHash: "h",
      responseStatus: 201,
      responseBody: { data: { id: "c1" } },
      expiresAt,
    });
  });

  it("round-trips storage samples and cluster minutes", async () => {
    const { prisma } = db;
    const sampledAt = new Date("2026-01-02T03:04:05.678Z");
    await prisma.usageStorageSample.create({
      data: { clusterId: "c9", sampledAt, bytes: 2n ** 60n },
    });
    expect(
      await prisma.usageStorageSample.findUniqueOrThrow({
        where: { clusterId_sampledAt: { clusterId: "c9", sampledAt } },
      }),
    ).toMatchObject({ bytes: 2n ** 60n });
    const minuteStart = new Date("2026-01-02T03:04:00.000Z");
    await prisma.usageClusterMinute.create({ data: { clusterId: "c9", minuteStart } });
    expect(await prisma.usageClusterMinute.count({ where: { clusterId: "c9", minuteStart } })).toBe(
      1,
    );
  });

  it("round-trips billing accounts, credits, invoices, number sequences and Stripe events", async () => {
    const { prisma } = db;
    await prisma.organization.create({ data: { id: "ob", name: "Billed", slug: "billed" } });
    const account = await prisma.billingAccount.create({
      data: { organizationId: "ob", spendAlertThreshold: "250.5", pastDueSince: at },
    });
    expect(account.clockOffsetMs).toBe(0n);
    expect(account.spendAlertThreshold?.toString()).toBe("250.5");
    const invoice = await prisma.invoice.create({
      data: {
        organizationId: "ob",
        number: "SB-2026-000001",
        periodStart: new Date("2026-01-01T00:00:00Z"),
        periodEnd: new Date("2026-02-01T00:00:00Z"),
        status: "open",
        priceBookVersion: 1,
        document: { lines: [] },
        subtotal: "593.92",
        creditsApplied: "400",
        total: "193.92",
        contentHash: "abc",
        finalizedAt: at,
      },
    });
    expect(invoice.total.toString()).toBe("193.92");
    expect(invoice.paymentAttempts).toBe(0);
    await prisma.creditEntry.create({
      data: { organizationId: "ob", amount: "-400", reason: "applied", invoiceId: invoice.id },
    });
    const credit = await prisma.creditEntry.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    expect(credit.amount.toString()).toBe("-400");
    await prisma.invoiceNumberSequence.create({ data: { year: 2026, lastNumber: 1 } });
    await prisma.stripeEvent.create({ data: { id: "evt_1", type: "invoice.paid" } });
    expect((await prisma.stripeEvent.findUniqueOrThrow({ where: { id: "evt_1" } })).type).toBe(
      "invoice.paid",
    );
    // Payment state moves; the document does not.
    await prisma.invoice.update({
      where: { id: invoice.id },
      data: { status: "paid", paidAt: at },
    });
    await expect(
      prisma.invoice.update({ where: { id: invoice.id }, data: { total: "0" } }),
    ).rejects.toThrow(/finalized/);
    await expect(prisma.invoice.delete({ where: { id: invoice.id } })).rejects.toThrow(/finalized/);
  });
});
