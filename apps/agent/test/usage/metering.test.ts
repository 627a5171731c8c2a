import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CompressionTypes } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { registerKafkajsCodecs } from "../support/kafkajs-codecs.ts";
import { runPythonClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";
import { startUsageIngestServer, type UsageIngestServer } from "../support/usage-ingest-server.ts";

const WINDOW_MS = 1000;
const CLUSTER = "metering";
const MiB = 1024 * 1024;

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let spoolDir: string;
let ingest: UsageIngestServer;
let agent: TestAgent;

beforeAll(async () => {
  registerKafkajsCodecs();
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  spoolDir = await mkdtemp(path.join(tmpdir(), "usage-spool-"));
  ingest = await startUsageIngestServer();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: CLUSTER,
    extra: [
      "--control-plane-url",
      ingest.url,
      "--usage-spool-dir",
      spoolDir,
      "--usage-window-ms",
      String(WINDOW_MS),
    ],
  });
});

afterAll(async () => {
  await agent?.stop();
  await ingest?.close();
  await db?.drop();
  await bucket?.remove();
  await rm(spoolDir, { recursive: true, force: true });
});

/** Waits until everything counted so far sits in closed, acknowledged windows. */
async function settle(): Promise<void> {
  // Twice: a batch decompressed after a window closed lands in the next one.
  for (let i = 0; i < 2; i++) {
    await sleep(WINDOW_MS + 200);
    await agent.usageSent();
  }
}

/** write_bytes metered while `produce` runs. */
async function meteredWrite(produce: () => Promise<unknown>): Promise<number> {
  await settle();
  const before = ingest.total("write_bytes", CLUSTER);
  await produce();
  await settle();
  return Number(ingest.total("write_bytes", CLUSTER) - before);
}

/** Stored (as sent, maybe compressed) bytes of a topic's batches, from the index rows. */
async function storedBytes(topic: string): Promise<number> {
  const { rows } = await db.pool.query<{ bytes: string }>(
    `SELECT coalesce(sum(i.byte_length), 0)::text AS bytes FROM partition_index i
     JOIN topics t ON t.id = i.topic_id WHERE t.cluster_id = $1 AND t.name = $2`,
    [CLUSTER, topic],
  );
  return Number(rows[0]!.bytes);
}

const codecs = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

describe("write_bytes is the uncompressed size, whatever the codec", () => {
  it("with confluent-kafka (librdkafka)", { timeout: 240_000 }, async () => {
    const metered: Record<string, number> = {};
    for (const codec of codecs) {
      const topic = `rdkafka-${codec}`;
      await createTopic(agent.bootstrap, topic, 2);
      metered[codec] = await meteredWrite(async () => {
        const result = await runPythonClient<{ errors: number }>("usage_produce.py", [
          agent.bootstrap,
          topic,
          codec,
          "4",
        ]);
        expect(result.errors).toBe(0);
      });
      if (codec === "none") expect(metered[codec]).toBe(await storedBytes(topic));
      else expect(await storedBytes(topic)).toBeLessThan(metered.none! / 2);
    }
    expect(metered.none).toBeGreaterThan(4 * MiB);
    for (const codec of codecs)
      expect(Math.abs(metered[codec]! / metered.none! - 1), codec).toBeLessThan(0.02);
  });

  it("with KafkaJS", { timeout: 120_000 }, async () => {
    const producer = kafkaClient(agent.bootstrap).producer();
    await producer.connect();
    const messages = Array.from({ length: 200 }, (_, i) => ({
      key: `k${i % 8}`,
      value: JSON.stringify({ order: i, note: "y".repeat(900) }),
    }));
    const metered: Record<string, number> = {};
    try {
      for (const codec of codecs) {
        const topic = `kafkajs-${codec}`;
        await createTopic(agent.bootstrap, topic, 1);
        metered[codec] = await meteredWrite(async () => {
          for (let i = 0; i < 12; i++)
            await producer.send({
              topic,
              acks: -1,
              compression: CompressionTypes[codecName(codec)],
              messages,
            });
        });
        if (codec === "none") expect(metered[codec]).toBe(await storedBytes(topic));
      }
    } finally {
      await producer.disconnect();
    }
    expect(metered.none).toBeGreaterThan(2 * MiB);
    for (const codec of codecs)
      expect(Math.abs(metered[codec]! / metered.none! - 1), codec).toBeLessThan(0.02);
  });
});

function codecName(codec: (typeof codecs)[number]) {
  return ({ none: "None", gzip: "GZIP", snappy: "Snappy", lz4: "LZ4", zstd: "ZSTD" } as const)[
    codec
  ];
}

describe("read_bytes and requests", () => {
  it("meters the bytes Fetch returned to a consumer", { timeout: 60_000 }, async () => {
    const topic = "rdkafka-gzip";
    await settle();
    const before = ingest.total("read_bytes", CLUSTER);
    const requestsBefore = ingest.total("requests", CLUSTER);
    const consumer = kafkaClient(agent.bootstrap).consumer({ groupId: "metering-reader" });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let read = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          read += batch.messages.length;
          if (read >= 4 * 1024) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();
    await settle();
    const readBytes = Number(ingest.total("read_bytes", CLUSTER) - before);
    const stored = await storedBytes(topic);
    expect(readBytes).toBeGreaterThanOrEqual(stored);
    expect(readBytes / stored).toBeLessThan(1.02);
    expect(ingest.total("requests", CLUSTER)).toBeGreaterThan(requestsBefore);
  });

  it("sends the cluster's operational figures beside its usage, matching the bytes fetched", () => {
    const reports = ingest.clusterMetrics.flatMap((r) =>
      r.clusters.filter((c) => c.clusterId === CLUSTER),
    );
    expect(reports.length).toBeGreaterThan(0);
    const fetched = reports.reduce((sum, c) => sum + c.fetchBytes, 0);
    expect(fetched).toBe(Number(ingest.total("read_bytes", CLUSTER)));
    expect(reports.some((c) => (c.requests.Produce ?? 0) > 0)).toBe(true);
    expect(reports.flatMap((c) => c.produceLatency).reduce((a, b) => a + b)).toBeGreaterThan(0);
    expect(new Set(ingest.clusterMetrics.map((r) => r.windowStart)).size).toBe(
      ingest.clusterMetrics.length,
    );
  });

  it("never sends the same window twice under different keys", () => {
    const keys = [...ingest.events.values()].map(
      (e) => `${e.clusterId}:${e.dimension}:${e.windowStart}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect([...ingest.events.keys()].every((k) => k.startsWith(`${CLUSTER}:${agent.id}:`))).toBe(
      true,
    );
  });
});
