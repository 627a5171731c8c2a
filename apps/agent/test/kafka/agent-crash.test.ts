import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { startS3Server, type S3TestServer } from "../storage/s3-server.ts";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { readPartition } from "../support/kafkajs-partition-reader.ts";
import { startChildAgent, tempBucket, type ChildAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let s3: S3TestServer;
let agent: ChildAgent | undefined;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  s3 = await startS3Server();
  // Child agents inherit these: the S3 store takes credentials from the usual AWS variables.
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
});

afterAll(async () => {
  await agent?.kill("SIGKILL");
  await db?.drop();
  await bucket?.remove();
  await s3?.stop();
});

describe("SIGKILL during acks=all production", () => {
  it.each(["local-dir", "s3"])(
    "keeps every acknowledged record exactly once and in order across a restart (%s store)",
    async (store) => {
      const [kafkaPort, httpPort] = [await freePort(), await freePort()];
      const bucketUrl = store === "s3" ? s3.bucketUrl("crash") : bucket.url;
      const clusterId = `crash-${store}`;
      const start = () =>
        startChildAgent({
          databaseUrl: db.url,
          bucketUrl,
          clusterId,
          extra: ["--kafka-port", String(kafkaPort), "--http-port", String(httpPort)],
        });
      agent = await start();
      await createTopic(agent.bootstrap, "crash", 1);

      // No client retries: a record is either acknowledged once or reported failed, never resent.
      // Each of four concurrent senders waits for one send before the next, so its acknowledged
      // records must appear in the log in the order it sent them.
      const producer = kafkaClient(agent.bootstrap).producer({ retry: { retries: 0 } });
      await producer.connect();
      const acked: string[] = [];
      const ackedBySender: string[][] = [[], [], [], []];
      let next = 0;
      let killed = false;
      const sender = async (id: number) => {
        while (!killed) {
          const values = Array.from({ length: 20 }, () => `${id}:${next++}`);
          try {
            await producer.send({
              topic: "crash",
              acks: -1,
              messages: values.map((value) => ({ partition: 0, value })),
            });
            acked.push(...values);
            ackedBySender[id]!.push(...values);
          } catch {
            // Unacknowledged: may or may not have been committed before the crash.
          }
        }
      };
      const senders = Promise.all([0, 1, 2, 3].map(sender));
      await expect.poll(() => acked.length, { timeout: 20_000, interval: 50 }).toBeGreaterThan(400);
      await agent.kill("SIGKILL");
      killed = true;
      await senders;
      await producer.disconnect().catch(() => undefined);
      const ackedBeforeCrash = acked.length;

      agent = await start();
      const after = kafkaClient(agent.bootstrap).producer();
      await after.connect();
      const more = Array.from({ length: 20 }, () => `0:${next++}`);
      const sent = await after.send({
        topic: "crash",
        acks: -1,
        messages: more.map((value) => ({ partition: 0, value })),
      });
      expect(sent.map((r) => r.errorCode)).toEqual([0]);
      acked.push(...more);
      ackedBySender[0]!.push(...more);
      await after.disconnect();

      const admin = kafkaClient(agent.bootstrap).admin();
      await admin.connect();
      const high = (await admin.fetchTopicOffsets("crash"))[0]!.high;
      await admin.disconnect();
      const stored = (await readPartition(agent.bootstrap, "crash", 0, 0n, Number(high))).map((m) =>
        m.value!.toString(),
      );

      await agent.kill("SIGTERM");
      expect(ackedBeforeCrash).toBeGreaterThan(400);
      expect(stored).toHaveLength(Number(high));
      expect(new Set(stored).size).toBe(stored.length);
      const ackedSet = new Set(acked);
      expect(stored.filter((v) => ackedSet.has(v))).toHaveLength(acked.length);
      for (const [id, values] of ackedBySender.entries()) {
        const inLog = new Set(values);
        expect(stored.filter((v) => v.startsWith(`${id}:`) && inLog.has(v))).toEqual(values);
      }
    },
    90_000,
  );

  it("answers every request on SIGTERM, flushing what is buffered, and exits cleanly", async () => {
    const child = await startChildAgent({
      databaseUrl: db.url,
      bucketUrl: bucket.url,
      clusterId: "graceful",
      extra: ["--batch-timeout-ms", "400"],
    });
    await createTopic(child.bootstrap, "graceful", 1);
    const producer = kafkaClient(child.bootstrap).producer({ retry: { retries: 0 } });
    await producer.connect();
    // Sent while the buffer holds them (400 ms batches): SIGTERM lands before their flush is due.
    const sends = Array.from({ length: 5 }, (_, i) =>
      producer
        .send({ topic: "graceful", acks: -1, messages: [{ partition: 0, value: `g${i}` }] })
        .then(
          (r) => r[0]!.baseOffset,
          (err: Error) => err.message,
        ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exitCode = await child.kill("SIGTERM");
    const results = await Promise.all(sends);
    await producer.disconnect().catch(() => undefined);
    expect(exitCode).toBe(0);
    expect(results.sort()).toEqual(["0", "1", "2", "3", "4"]);
  });
});
