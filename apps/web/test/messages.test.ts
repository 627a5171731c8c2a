import { Kafka, CompressionTypes, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { webConfig } from "../src/server/config.ts";
import { withClusterConnection } from "../src/server/kafka/cluster-connection.ts";
import { readMessages } from "../src/server/messages/read-messages.ts";
import { appRouter } from "../src/server/routers/app.ts";
import { createCallerFactory } from "../src/server/trpc.ts";
import { startAgentProcess, type AgentProcess } from "./agent-process.ts";
import { addMember, callerFor, contextFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let agent: AgentProcess;
let owner: TestUser;
let viewer: TestUser;
let stranger: TestUser;
let clusterId: string;
const base = Date.UTC(2026, 10, 1);
const binary = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xc3]);

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  [owner, viewer, stranger] = await Promise.all([
    signUp(db.prisma, "owner@messages.test"),
    signUp(db.prisma, "viewer@messages.test"),
    signUp(db.prisma, "stranger@messages.test"),
  ]);
  await addMember(db.prisma, owner.organizationId, viewer, "readonly");
  const api = callerFor(db.prisma, owner);
  clusterId = (await api.clusters.create({ name: "browse", region: "local" })).id;
  await api.topics.create({ clusterId, name: "orders", partitions: 2 });
  await api.topics.create({ clusterId, name: "batches", partitions: 1 });
  agent = await startAgentProcess(db.url);

  // Messages written by a real Kafka client with an application credential of the cluster.
  const { username, password } = await api.credentials.createKafkaCredential({ clusterId });
  const kafka = new Kafka({
    brokers: [agent.bootstrap],
    sasl: { mechanism: "scram-sha-256", username, password },
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: "orders",
    compression: CompressionTypes.GZIP,
    messages: Array.from({ length: 30 }, (_, i) => ({
      partition: 0,
      key: `order-${i}`,
      value: JSON.stringify({ id: i, customer: { name: i % 2 ? "Ada" : "Linus" } }),
      headers: { source: i === 7 ? "import" : "web" },
      timestamp: String(base + i * 1000),
    })),
  });
  await producer.send({
    topic: "orders",
    messages: [{ partition: 1, key: null, value: binary, timestamp: String(base + 500) }],
  });
  for (let batch = 0; batch < 5; batch++) {
    await producer.send({
      topic: "batches",
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `batch ${batch} message ${i}` })),
    });
  }
  await producer.disconnect();
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
});

const browse = (user: TestUser, input: Record<string, unknown>, organizationId?: string) =>
  callerFor(db.prisma, user, organizationId).messages.browse({
    clusterId,
    topic: "orders",
    partition: null,
    start: { kind: "latest" },
    order: "newest",
    limit: 100,
    filter: null,
    ...input,
  });

const json = (b: { base64: string } | null) =>
  b && (JSON.parse(Buffer.from(b.base64, "base64").toString()) as { id: number });

describe("message browser", () => {
  it("reads the newest messages of every partition through the agent", async () => {
    const result = await browse(owner, { limit: 3 });
    expect(result.stoppedBy).toBe("limit");
    expect(result.messages.map((m) => [m.partition, m.offset, m.timestamp])).toEqual([
      [0, 29n, base + 29_000],
      [0, 28n, base + 28_000],
      [0, 27n, base + 27_000],
    ]);
    expect(json(result.messages[0]!.value)).toEqual({ id: 29, customer: { name: "Ada" } });
    expect(result.messages[0]!.key).toEqual({
      base64: Buffer.from("order-29").toString("base64"),
      size: 8,
    });
    expect(result.messages[0]!.headers).toEqual([
      { key: "source", value: { base64: Buffer.from("web").toString("base64"), size: 3 } },
    ]);
  });

  it("reads binary values byte for byte", async () => {
    const [message] = (await browse(owner, { partition: 1 })).messages;
    expect(message).toMatchObject({ partition: 1, offset: 0n, key: null });
    expect(Buffer.from(message!.value!.base64, "base64")).toEqual(binary);
    expect(message!.value!.size).toBe(binary.length);
  });

  it("starts at earliest, an offset or a timestamp, in either order", async () => {
    const offsets = async (input: Record<string, unknown>) =>
      (await browse(owner, { partition: 0, limit: 4, ...input })).messages.map((m) => m.offset);
    expect(await offsets({ start: { kind: "earliest" }, order: "oldest" })).toEqual([
      0n,
      1n,
      2n,
      3n,
    ]);
    expect(await offsets({ start: { kind: "offset", offset: "10" }, order: "oldest" })).toEqual([
      10n,
      11n,
      12n,
      13n,
    ]);
    expect(await offsets({ start: { kind: "offset", offset: "10" }, order: "newest" })).toEqual([
      9n,
      8n,
      7n,
      6n,
    ]);
    const at = { kind: "timestamp", timestamp: base + 20_000 };
    expect(await offsets({ start: at, order: "oldest" })).toEqual([20n, 21n, 22n, 23n]);
    expect(await offsets({ start: at, order: "newest" })).toEqual([20n, 19n, 18n, 17n]);
    expect(await offsets({ start: { kind: "latest" }, order: "oldest" })).toEqual([]);
  });

  it("filters on key, value and headers by substring and JSON path", async () => {
    const ids = async (filter: Record<string, unknown>) =>
      (await browse(owner, { partition: 0, filter })).messages.map((m) => json(m.value)!.id);
    expect(await ids({ target: "key", mode: "contains", query: "ORDER-1" })).toEqual([
      19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1,
    ]);
    expect(await ids({ target: "headers", mode: "contains", query: "import" })).toEqual([7]);
    expect(
      await ids({ target: "value", mode: "jsonPath", query: "$.customer.name", equals: "Linus" }),
    ).toHaveLength(15);
    expect(await ids({ target: "value", mode: "jsonPath", query: "$.id", equals: "3" })).toEqual([
      3,
    ]);
    expect(await ids({ target: "value", mode: "jsonPath", query: "$.missing" })).toEqual([]);
  });

  it("stops at its byte budget", async () => {
    const input = {
      topic: "batches",
      partition: 0,
      start: { kind: "earliest" } as const,
      order: "oldest" as const,
      limit: 100,
      filter: null,
    };
    const result = await withClusterConnection(
      db.prisma,
      {
        clusterId,
        role: "fetch",
        secret: webConfig().authSecret,
        signal: new AbortController().signal,
      },
      (connection) => readMessages(connection, input, [0], { maxBytes: 1, maxMs: 10_000 }),
    );
    // One Fetch answers with at least one whole batch (KIP-74), then the budget is spent.
    expect(result.stoppedBy).toBe("bytes");
    expect(result.messages.map((m) => m.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it("stops when the caller goes away", async () => {
    const aborted = createCallerFactory(appRouter)(contextFor(db.prisma, owner), {
      signal: AbortSignal.abort(),
    });
    await expect(
      aborted.messages.browse({
        clusterId,
        topic: "orders",
        partition: null,
        start: { kind: "earliest" },
        order: "oldest",
      }),
    ).rejects.toMatchObject({ code: "CLIENT_CLOSED_REQUEST" });
  });

  it("produces from the browser, audited, and the message is there to read", async () => {
    const api = callerFor(db.prisma, owner);
    const produced = await api.messages.produce({
      clusterId,
      topic: "orders",
      partition: null,
      key: "order-1",
      value: '{"id":1000}',
      headers: [{ key: "via", value: "console" }],
    });
    // Kafka's default partitioner: murmur2("order-1") lands on the same partition in Java clients.
    expect(produced).toEqual({ partition: 0, offset: 30n });
    const [newest] = (await browse(owner, { partition: 0, limit: 1 })).messages;
    expect(json(newest!.value)).toEqual({ id: 1000 });
    expect(newest!.headers[0]!.key).toBe("via");
    const explicit = await api.messages.produce({
      clusterId,
      topic: "orders",
      partition: 1,
      key: null,
      value: "plain text",
      headers: [],
    });
    expect(explicit).toEqual({ partition: 1, offset: 1n });
    const audit = await db.prisma.auditLog.findMany({ where: { action: "message.produced" } });
    expect(audit.map((a) => a.metadata)).toEqual([
      { clusterId, topic: "orders", partition: 0, offset: "30" },
      { clusterId, topic: "orders", partition: 1, offset: "1" },
    ]);
    // The console's own credential stays out of the users' list.
    const listed = await api.credentials.listKafkaCredentials({ clusterId });
    expect(listed).toHaveLength(1);
    expect(await db.prisma.kafkaCredential.count({ where: { clusterId, internal: true } })).toBe(1);
  });

  it("lets a viewer read but not produce, and hides the cluster from other organizations", async () => {
    expect((await browse(viewer, { limit: 1 }, owner.organizationId)).messages).toHaveLength(1);
    const produce = (user: TestUser, organizationId?: string) =>
      callerFor(db.prisma, user, organizationId).messages.produce({
        clusterId,
        topic: "orders",
        partition: null,
        key: null,
        value: "x",
        headers: [],
      });
    await expect(produce(viewer, owner.organizationId)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(produce(stranger)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(browse(stranger, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
