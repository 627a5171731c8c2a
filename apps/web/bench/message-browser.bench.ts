/**
 * The message browser's time to the first 100 messages on a large topic, from latest (newest
 * first) and from a timestamp in the middle (oldest first), read through a real agent exactly as
 * `messages.browse` does. Throwaway Postgres, local-directory bucket.
 *
 *   npx tsx bench/message-browser.bench.ts [MiB to produce, default 256]
 */
import { Kafka, logLevel } from "kafkajs";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { credentialSecrets } from "../src/server/credentials/kafka-credential.ts";
import { withClusterConnection } from "../src/server/kafka/cluster-connection.ts";
import { readMessages } from "../src/server/messages/read-messages.ts";
import { startAgentProcess } from "../test/agent-process.ts";

const mebibytes = Number(process.argv[2] ?? 256);
const PARTITIONS = 4;
const MESSAGE_BYTES = 1024;
const PER_SEND = 1000;

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const agent = await startAgentProcess(db.url);
try {
  const { prisma } = db;
  const organization = await prisma.organization.create({ data: { name: "Bench", slug: "bench" } });
  const cluster = await prisma.virtualCluster.create({
    data: { organizationId: organization.id, name: "bench", region: "local" },
  });
  await prisma.topic.create({
    data: {
      clusterId: cluster.id,
      name: "large",
      partitionCount: PARTITIONS,
      partitions: {
        create: Array.from({ length: PARTITIONS }, (_, partition) => ({
          partition,
          clusterId: cluster.id,
        })),
      },
    },
  });
  await prisma.kafkaCredential.create({
    data: { clusterId: cluster.id, username: "bench", ...(await credentialSecrets("bench-pass")) },
  });
  const producer = new Kafka({
    brokers: [agent.bootstrap],
    sasl: { mechanism: "scram-sha-256", username: "bench", password: "bench-pass" },
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  const sends = Math.ceil((mebibytes * 1024 * 1024) / (MESSAGE_BYTES * PER_SEND));
  const value = Buffer.alloc(MESSAGE_BYTES - 40, "x").toString();
  const started = performance.now();
  let middle = 0;
  for (let s = 0; s < sends; s++) {
    if (s === Math.floor(sends / 2)) middle = Date.now();
    await producer.send({
      topic: "large",
      messages: Array.from({ length: PER_SEND }, (_, i) => ({
        key: `k${s * PER_SEND + i}`,
        value: `{"n":${s * PER_SEND + i},"pad":"${value}"}`,
      })),
    });
  }
  await producer.disconnect();
  console.log(
    `produced ${sends * PER_SEND} messages (${mebibytes} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const time = async (
    label: string,
    start: Parameters<typeof readMessages>[1]["start"],
    order: "newest" | "oldest",
  ) => {
    const samples: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      const result = await withClusterConnection(
        prisma,
        {
          clusterId: cluster.id,
          role: "fetch",
          secret: "bench-secret-bench-secret",
          signal: new AbortController().signal,
        },
        (connection) =>
          readMessages(
            connection,
            { topic: "large", partition: null, start, order, limit: 100, filter: null },
            Array.from({ length: PARTITIONS }, (_, p) => p),
          ),
      );
      samples.push(performance.now() - t0);
      if (result.messages.length !== 100)
        throw new Error(`${label}: ${result.messages.length} messages`);
    }
    samples.sort((a, b) => a - b);
    console.log(
      `${label}: median ${samples[2]!.toFixed(0)} ms, max ${samples[4]!.toFixed(0)} ms (5 runs, first 100 of ${PARTITIONS} partitions, incl. connect + SASL)`,
    );
  };
  await time("from latest, newest first", { kind: "latest" }, "newest");
  await time("from a timestamp, oldest first", { kind: "timestamp", timestamp: middle }, "oldest");
} finally {
  await agent.stop();
  await db.drop();
  await postgres.teardown();
}
