import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { startChildAgent, tempBucket, type ChildAgent } from "../support/test-agents.ts";
import { startUsageIngestServer, type UsageIngestServer } from "../support/usage-ingest-server.ts";

const WINDOW_MS = 1000;
const CLUSTER = "spooled";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let spoolDir: string;
let ingest: UsageIngestServer;
let agent: ChildAgent | undefined;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  spoolDir = await mkdtemp(path.join(tmpdir(), "usage-spool-"));
  ingest = await startUsageIngestServer();
});

afterAll(async () => {
  await agent?.kill("SIGKILL");
  await ingest?.close();
  await db?.drop();
  await bucket?.remove();
  await rm(spoolDir, { recursive: true, force: true });
});

const start = () =>
  startChildAgent({
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

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(100);
  }
}

describe("an agent SIGKILLed with unsent usage", () => {
  it("resends its spool after a restart, under the same agent id, counted once", async () => {
    ingest.mode = "down";
    agent = await start();
    const agentId = (await readFile(path.join(spoolDir, "agent-id"), "utf8")).trim();
    await createTopic(agent.bootstrap, "spooled", 1);
    const producer = kafkaClient(agent.bootstrap).producer();
    await producer.connect();
    await producer.send({
      topic: "spooled",
      acks: -1,
      messages: Array.from({ length: 500 }, (_, i) => ({ value: `record-${i}`.padEnd(200) })),
    });
    await producer.disconnect();
    // The windows holding the produce close (and are spooled) while the control plane is down.
    await sleep(2.5 * WINDOW_MS);
    await agent.kill("SIGKILL");
    expect(ingest.events.size).toBe(0);

    const { rows } = await db.pool.query<{ bytes: string }>(
      "SELECT sum(byte_length)::text AS bytes FROM partition_index WHERE cluster_id = $1",
      [CLUSTER],
    );
    const written = BigInt(rows[0]!.bytes);
    // The first delivery is stored but its answer lost: the agent sends it again.
    ingest.mode = "lose-answer";
    agent = await start();
    await until(() => ingest.total("write_bytes", CLUSTER) >= written && ingest.resent > 0, 20_000);
    expect(ingest.total("write_bytes", CLUSTER)).toBe(written);
    expect([...ingest.events.keys()].every((key) => key.startsWith(`${CLUSTER}:${agentId}:`))).toBe(
      true,
    );
    await agent.kill("SIGTERM");
    agent = undefined;
  }, 60_000);
});
