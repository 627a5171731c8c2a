import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic } from "../support/kafkajs-admin.ts";
import { runClient, runPythonClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "librdkafka",
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

const kcat = "/usr/bin/kcat";

describe("kcat (librdkafka 2.0)", () => {
  for (const codec of ["none", "gzip", "snappy", "lz4", "zstd"]) {
    it(`produces and consumes with ${codec} compression, keys and headers`, async () => {
      const topic = `kcat-${codec}`;
      const lines = Array.from({ length: 200 }, (_, i) => `key${i}:value-${i}`);
      await runClient(
        kcat,
        [
          "-P",
          "-b",
          agent.bootstrap,
          "-t",
          topic,
          "-p",
          "0",
          "-z",
          codec,
          "-K:",
          "-H",
          "origin=kcat",
          "-X",
          "acks=all",
        ],
        {
          input: lines.join("\n") + "\n",
        },
      );
      const out = await runClient(kcat, [
        "-C",
        "-b",
        agent.bootstrap,
        "-t",
        topic,
        "-p",
        "0",
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%o|%k|%s|%h\\n",
      ]);
      const consumed = out.trim().split("\n");
      expect(consumed).toEqual(
        lines.map((line, i) => `${i}|${line.replace(":", "|")}|origin=kcat`),
      );
    });
  }

  it("lists brokers and topics with -L", async () => {
    const out = await runClient(kcat, ["-L", "-b", agent.bootstrap, "-J"]);
    const metadata = JSON.parse(out) as {
      brokers: { name: string }[];
      topics: { topic: string }[];
    };
    expect(metadata.brokers.map((b) => b.name)).toEqual([agent.bootstrap]);
    expect(metadata.topics.map((t) => t.topic)).toContain("kcat-none");
  });
});

interface RoundTrip {
  acked: [number, number][];
  consumed: {
    partition?: number;
    offset: number;
    key: string | null;
    value: string | null;
    h: string | null;
  }[];
  errors?: string[];
  topics?: string[];
}

describe("confluent-kafka (Python, librdkafka)", () => {
  it("round-trips across 4 partitions with lz4, null keys and values", async () => {
    await createTopic(agent.bootstrap, "confluent", 4);
    const result = await runPythonClient<RoundTrip>("confluent_roundtrip.py", [
      agent.bootstrap,
      "confluent",
      "400",
      "lz4",
      "4",
    ]);
    expect(result.errors).toEqual([]);
    expect(result.acked).toHaveLength(400);
    expect(result.consumed).toHaveLength(400);
    for (let p = 0; p < 4; p++) {
      const offsets = result.consumed.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offsets).toEqual([...offsets.keys()]);
    }
    const byHeader = new Map(result.consumed.map((m) => [Number(m.h), m]));
    for (let i = 0; i < 400; i++) {
      const m = byHeader.get(i)!;
      expect(m.key).toBe(i % 10 === 9 ? null : `key-${i}`);
      expect(m.value).toBe(i % 10 === 8 ? null : `value-${i}`.repeat(3));
    }
  });
});

describe("kafka-python 2.0 (old protocol versions)", () => {
  it("round-trips with gzip and sees the topic in Metadata", async () => {
    const admin = await runClient(
      kcat,
      ["-P", "-b", agent.bootstrap, "-t", "kafka-python", "-p", "0"],
      { input: "" },
    );
    expect(admin).toBe("");
    const result = await runPythonClient<RoundTrip>("kafka_python_roundtrip.py", [
      agent.bootstrap,
      "kafka-python",
      "100",
      "gzip",
    ]);
    expect(result.acked.map(([, offset]) => offset)).toEqual([...Array(100).keys()]);
    expect(result.consumed.map((m) => m.value)).toEqual(
      Array.from({ length: 100 }, (_, i) => `value-${i}`),
    );
    expect(result.consumed.map((m) => m.h)).toEqual(
      Array.from({ length: 100 }, (_, i) => String(i)),
    );
    expect(result.topics).toContain("kafka-python");
  });
});
