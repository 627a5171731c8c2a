// Consume-transform-produce with send_offsets_to_transaction across two agents, one of them
// SIGKILLed mid-run: the output holds each input exactly once (read_committed).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { createClusterWithCredential, type TestCluster } from "../support/console-credentials.ts";
import { runPythonClient } from "../support/run-client.ts";
import { startChildAgent, tempBucket, type ChildAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let cluster: TestCluster;
const agents: ChildAgent[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  cluster = await createClusterWithCredential(db.pool);
});

afterAll(async () => {
  for (const agent of agents) await agent.kill("SIGKILL");
  await db?.drop();
  await bucket?.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("exactly-once consume-transform-produce", () => {
  it("outputs each input once although an agent is SIGKILLed mid-run", async () => {
    const metadata = new PostgresMetadataStore({ pool: db.pool });
    await metadata.createTopic(cluster.clusterId, "inputs", 4, {});
    await metadata.createTopic(cluster.clusterId, "outputs", 4, {});
    const options = {
      databaseUrl: db.url,
      bucketUrl: bucket.url,
      clusterId: "",
      extra: ["--batch-timeout-ms", "20", "--transaction-check-interval-ms", "500"],
    };
    agents.push(await startChildAgent(options), await startChildAgent(options));
    const bootstrap = agents.map((a) => a.bootstrap).join(",");
    const scenario = <T>(name: string, topic: string, ...args: string[]) =>
      runPythonClient<T>(
        "transactions.py",
        [name, bootstrap, cluster.username, cluster.password, topic, ...args],
        180_000,
      );
    const count = 3000;
    await scenario("fill", "inputs", String(count));

    const transforming = scenario<{ transactions: number; aborts: number }>(
      "transform",
      "inputs",
      "outputs",
      String(count),
    );
    let finished = false;
    void transforming.then(() => (finished = true));
    await sleep(4000);
    // Mid-run: transactions (and their group coordinator, maybe) are on the killed agent.
    expect(finished).toBe(false);
    await agents[1]!.kill("SIGKILL");
    const run = await transforming;
    console.log("transform run", run);
    expect(run.transactions).toBeGreaterThan(0);

    const output = await runPythonClient<Record<string, string[]>>(
      "transactions.py",
      [
        "consume",
        agents[0]!.bootstrap,
        cluster.username,
        cluster.password,
        "outputs",
        "read_committed",
      ],
      120_000,
    );
    const values = Object.values(output).flat();
    expect(values.length).toBe(count);
    expect(new Set(values).size).toBe(count);
    expect(values.map((v) => Number(v.slice(4))).toSorted((a, b) => a - b)).toEqual([
      ...Array(count).keys(),
    ]);
  }, 300_000);
});
