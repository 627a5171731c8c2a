/**
 * Fuzz through a live agent's socket: frames that real clients sent (KafkaJS and librdkafka,
 * captured on the way), mutated, plus random ones. Each connection gets an answer or is closed;
 * the agent never crashes or wedges, and a bystander connection keeps being served throughout.
 * STREAMBED_FUZZ_FRAMES sets the count (1,000,000 for a soak); the seed is printed.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiKey, defaultMetadataRequest, type MetadataResponse } from "@streambed/protocol";
import { mutate, prng, randomFrame, type Rand } from "@streambed/protocol/fuzzing";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { captureFrames, type FrameCapture } from "../support/frame-capture.ts";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { runClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

const FRAMES = Number(process.env.STREAMBED_FUZZ_FRAMES ?? 12_000);
const SEED = Number(process.env.STREAMBED_FUZZ_SEED ?? 0xf0f0);
const CONNECTIONS = 8;
/** An answer slower than this ends the connection: legitimate waits (a long poll, a join) exist. */
const PATIENCE_MS = 1_000;

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let capture: FrameCapture;
let seeds: Buffer[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "fuzz",
    extra: [
      ...["--log-level", "error", "--group-initial-rebalance-delay-ms", "0"],
      // Clients reach the agent through the capturing proxy on 127.0.0.2 (see captureFrames).
      ...["--advertised-host", "127.0.0.2"],
    ],
  });
  capture = await captureFrames(agent.bootstrap, `127.0.0.2:${agent.kafkaPort}`);
  await createTopic(capture.address, "fuzz", 3);
  const kafka = kafkaClient(capture.address);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: "fuzz",
    messages: [{ key: "k", value: "v", headers: { h: "1" } }],
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: "fuzz-group" });
  await consumer.connect();
  await consumer.subscribe({ topic: "fuzz", fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({ eachMessage: async () => resolve() });
  });
  await consumer.disconnect();
  const kcat = ["-b", capture.address, "-X", "api.version.request=true"];
  await runClient("/usr/bin/kcat", [...kcat, "-P", "-t", "fuzz", "-z", "lz4"], {
    input: "a\nb\n",
  });
  await runClient("/usr/bin/kcat", [...kcat, "-C", "-t", "fuzz", "-o", "beginning", "-e"]);
  await runClient("/usr/bin/kcat", [...kcat, "-L"]);
  seeds = [...capture.frames];
}, 120_000);

afterAll(async () => {
  await capture?.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

interface Tally {
  sent: number;
  answered: number;
  closedByAgent: number;
  impatient: number;
}

function frame(body: Buffer, rand: Rand): Buffer {
  const size = Buffer.alloc(4);
  // Now and then a size prefix that lies, the way a broken client's would.
  size.writeInt32BE(rand(50) === 0 ? [0, -1, body.length + 7, 0x7fffffff][rand(4)]! : body.length);
  return Buffer.concat([size, body]);
}

/** Sends frames one at a time on one connection, reconnecting whenever the agent closes it. */
async function fuzzConnection(count: number, rand: Rand, tally: Tally): Promise<void> {
  const [host, port] = agent.bootstrap.split(":") as [string, string];
  let socket: net.Socket | undefined;
  let waiting: ((outcome: "answered" | "closed") => void) | undefined;
  const open = async () => {
    const s = net.connect(Number(port), host);
    await new Promise<void>((resolve, reject) => s.once("connect", resolve).once("error", reject));
    // Whole response frames only: one answer per request, in order.
    let pending = Buffer.alloc(0);
    s.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        pending = pending.subarray(4 + pending.readInt32BE(0));
        waiting?.("answered");
      }
    });
    s.on("error", () => undefined);
    s.on("close", () => waiting?.("closed"));
    return s;
  };
  for (let i = 0; i < count; i++) {
    socket ??= await open();
    const body = rand(4) === 0 ? randomFrame(rand) : mutate(seeds[rand(seeds.length)]!, rand);
    const outcome = await new Promise<"answered" | "closed" | "slow">((resolve) => {
      const timer = setTimeout(() => resolve("slow"), PATIENCE_MS);
      waiting = (o) => {
        clearTimeout(timer);
        resolve(o);
      };
      socket!.write(frame(body, rand));
    });
    waiting = undefined;
    tally.sent++;
    if (outcome === "answered") tally.answered++;
    else {
      if (outcome === "closed") tally.closedByAgent++;
      else tally.impatient++;
      socket.destroy();
      socket = undefined;
    }
  }
  socket?.destroy();
}

describe("frame fuzzing through a live agent", () => {
  it(
    `survives ${FRAMES} mutated and random frames, serving a bystander throughout`,
    async () => {
      expect(seeds.length).toBeGreaterThan(20);
      const apis = new Set(seeds.map((s) => s.readInt16BE(0)));
      expect(apis).toContain(ApiKey.Produce);
      expect(apis).toContain(ApiKey.Fetch);
      expect(apis).toContain(ApiKey.JoinGroup);

      const bystander = await RawKafkaClient.connect(agent.bootstrap);
      let bystanderSlowest = 0;
      let bystanderRequests = 0;
      let fuzzing = true;
      const watch = (async () => {
        while (fuzzing) {
          const started = performance.now();
          const response = await bystander.request<MetadataResponse>(ApiKey.Metadata, 12, {
            ...defaultMetadataRequest(),
            topics: [{ name: "fuzz", topicId: "00000000-0000-0000-0000-000000000000" }],
          });
          expect(response.topics[0]!.partitions).toHaveLength(3);
          bystanderSlowest = Math.max(bystanderSlowest, performance.now() - started);
          bystanderRequests++;
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      const tally: Tally = { sent: 0, answered: 0, closedByAgent: 0, impatient: 0 };
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      await Promise.all(
        Array.from({ length: CONNECTIONS }, (_, c) =>
          fuzzConnection(Math.ceil(FRAMES / CONNECTIONS), prng(SEED + c), tally),
        ),
      );
      const cpu = process.cpuUsage(cpuBefore);
      fuzzing = false;
      await watch;
      bystander.close();
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `agent fuzz (seed ${SEED}): ${tally.sent} frames from ${seeds.length} captured seeds in ` +
          `${seconds.toFixed(1)} s (${(tally.sent / seconds).toFixed(0)}/s, ` +
          `${((cpu.user + cpu.system) / 1000 / tally.sent).toFixed(3)} ms CPU each): ` +
          `${tally.answered} answered, ${tally.closedByAgent} connections closed by the agent, ` +
          `${tally.impatient} left waiting > ${PATIENCE_MS} ms; bystander ${bystanderRequests} ` +
          `requests, slowest ${bystanderSlowest.toFixed(0)} ms`,
      );
      expect(tally.sent).toBeGreaterThanOrEqual(FRAMES);
      expect(tally.answered).toBeGreaterThan(0);
      expect(tally.closedByAgent).toBeGreaterThan(0);
      // Waits are legitimate (long polls, joins); a wedged agent would make nearly all of them wait.
      expect(tally.impatient).toBeLessThan(tally.sent / 20);
      expect(bystanderRequests).toBeGreaterThan(0);
      expect(bystanderSlowest).toBeLessThan(5_000);

      // Still a working broker for a real client afterwards.
      const producer = kafkaClient(agent.bootstrap).producer();
      await producer.connect();
      const [sent] = await producer.send({ topic: "fuzz", messages: [{ value: "after" }] });
      await producer.disconnect();
      expect(sent!.errorCode).toBe(0);
    },
    Math.max(600_000, FRAMES * 3),
  );
});
