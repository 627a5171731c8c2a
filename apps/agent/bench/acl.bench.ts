/**
 * Produce throughput and the agent's CPU per MiB with ACL enforcement off and on, in the same run
 * (alternating rounds, so drift in the machine's load hits both alike). With enforcement on, the
 * producer's principal (User:ANONYMOUS: no SASL here) is allowed by a PREFIXED ACL among others,
 * so every Produce is checked; the per-connection decision cache should make that free.
 * Producer: confluent-kafka (librdkafka), acks=all, 1 KiB records, 8 partitions. Then the cost of
 * the check itself, as a Produce handler pays it (access + one allows per topic), in ns.
 *
 *   npx tsx bench/acl.bench.ts [MiB per run, default 64] [rounds, default 3]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { pino } from "pino";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { AclCache } from "../src/acl/acl-cache.ts";
import { parsePrincipalMappingRules } from "../src/acl/principal-mapping.ts";
import { startAgent } from "../src/agent.ts";
import { SaslSession } from "../src/auth/sasl-authenticator.ts";
import { PostgresAclStore } from "../src/metadata/postgres/acls.ts";
import { parseConfig } from "../src/config.ts";
import { createTopic, kafkaClient } from "../test/support/kafkajs-admin.ts";
import { runClient } from "./run-client.ts";

const [runMiB = 64, rounds = 3] = process.argv.slice(2).map(Number);
const MiB = 1024 * 1024;
const PARTITIONS = 8;
const CLUSTER = "acl-bench";
const here = path.dirname(fileURLToPath(import.meta.url));

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const bucketDir = await mkdtemp(path.join(tmpdir(), "streambed-acl-bench-"));
await db.pool.query(
  "INSERT INTO organizations (id, name, slug, created_at) VALUES ('acl-bench', 'b', 'b', now())",
);
await db.pool.query(
  `INSERT INTO virtual_clusters (id, organization_id, name, region, updated_at)
   VALUES ($1, 'acl-bench', $1, 'local', now())`,
  [CLUSTER],
);
// The producer's ACL, among bindings of other principals and resources the check must skip.
const bindings: [string, string, string, string, string][] = [
  ["acl-bench-", "PREFIXED", "User:ANONYMOUS", "WRITE", "ALLOW"],
  ...Array.from({ length: 200 }, (_, i): [string, string, string, string, string] => [
    `other-${i}`,
    i % 2 ? "LITERAL" : "PREFIXED",
    `User:u${i}`,
    i % 3 ? "READ" : "WRITE",
    i % 5 ? "ALLOW" : "DENY",
  ]),
];
for (const [i, [name, pattern, principal, operation, permission]] of bindings.entries())
  await db.pool.query(
    `INSERT INTO acl_bindings (id, cluster_id, resource_type, resource_name, pattern_type, principal, host, operation, permission)
     VALUES ($1, $2, 'TOPIC', $3, $4, $5, '*', $6, $7)`,
    [`b${i}`, CLUSTER, name, pattern, principal, operation, permission],
  );

const parsed = parseConfig(
  [
    ...["--database-url", db.url, "--bucket-url", pathToFileURL(bucketDir).href],
    ...["--cluster-id", CLUSTER, "--kafka-port", "0", "--http-port", "0"],
    ...["--batch-timeout-ms", "20"],
  ],
  {},
);
if (parsed.help) throw new Error("unreachable");
const agent = await startAgent(parsed.config, pino({ level: "warn" }));
const bootstrap = `127.0.0.1:${agent.kafkaPort}`;

async function produceRun(topic: string) {
  let before = 0;
  const out = await runClient(
    "/usr/bin/python3",
    [
      path.join(here, "clients/produce.py"),
      ...["throughput", bootstrap, topic, String(PARTITIONS), String(runMiB * 1024)],
    ],
    () => (before = cpuMs()),
  );
  const agentCpuMs = cpuMs() - before;
  const result = JSON.parse(out.trim().split("\n").pop()!) as {
    bytes: number;
    seconds: number;
    errors: number;
  };
  if (result.errors > 0) throw new Error(`${result.errors} produce errors on ${topic}`);
  const mib = result.bytes / MiB;
  return { mibPerSecond: mib / result.seconds, cpuMsPerMiB: agentCpuMs / mib };
}

/** Whether the agent enforces ACLs now: a write to a topic no ACL allows is refused. */
async function enforced(): Promise<boolean> {
  const producer = kafkaClient(bootstrap).producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic: "guard", messages: [{ value: "v" }] });
    return false;
  } catch {
    return true;
  } finally {
    await producer.disconnect();
  }
}

/** Nanoseconds per Produce-shaped check on a warm connection: `accessFor` then one `allows`. */
async function checkNs(enforcement: boolean): Promise<number> {
  await db.pool.query("UPDATE virtual_clusters SET acl_enforcement = $2 WHERE id = $1", [
    CLUSTER,
    enforcement,
  ]);
  const cache = new AclCache(new PostgresAclStore(db.pool), parsePrincipalMappingRules("DEFAULT"));
  const connection = {
    id: 1,
    remoteAddress: "127.0.0.1:5000",
    clusterId: CLUSTER,
    sasl: new SaslSession(),
    certificateSubject: null,
  };
  const n = 1_000_000;
  let allowed = 0;
  const check = async () => {
    const acl = await cache.accessFor(connection);
    if (acl.allows("WRITE", "TOPIC", "acl-bench-on-0")) allowed++;
  };
  for (let i = 0; i < 10_000; i++) await check();
  const started = performance.now();
  for (let i = 0; i < n; i++) await check();
  const ns = ((performance.now() - started) * 1e6) / n;
  if (allowed !== n + 10_000) throw new Error("the benchmark's principal was refused");
  return ns;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  type Run = Awaited<ReturnType<typeof produceRun>>;
  const results: Record<"off" | "on", Run[]> = { off: [], on: [] };
  const topicOf = (mode: string, round: number) => `acl-bench-${mode}-${round}`;
  // Created up front: the benchmark's principal may only write.
  for (let round = 0; round < rounds; round++)
    for (const mode of ["off", "on"])
      await createTopic(bootstrap, topicOf(mode, round), PARTITIONS);
  await createTopic(bootstrap, "guard", 1);
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 ? (["on", "off"] as const) : (["off", "on"] as const)) {
      await db.pool.query("UPDATE virtual_clusters SET acl_enforcement = $2 WHERE id = $1", [
        CLUSTER,
        mode === "on",
      ]);
      // The agent hears the change by NOTIFY.
      while ((await enforced()) !== (mode === "on")) await new Promise((r) => setTimeout(r, 100));
      const run = await produceRun(topicOf(mode, round));
      results[mode].push(run);
      console.log(
        `round ${round + 1} enforcement ${mode}: ${run.mibPerSecond.toFixed(1)} MiB/s, agent ${run.cpuMsPerMiB.toFixed(2)} ms CPU per MiB`,
      );
    }
  }
  const summary = (mode: "off" | "on") => ({
    mibPerSecond: median(results[mode].map((r) => r.mibPerSecond)),
    cpuMsPerMiB: median(results[mode].map((r) => r.cpuMsPerMiB)),
  });
  const off = summary("off");
  const on = summary("on");
  console.log(
    `ACL check per Produce request (warm connection): enforcement off ${(await checkNs(false)).toFixed(0)} ns, on ${(await checkNs(true)).toFixed(0)} ns`,
  );
  console.log(
    `ACL enforcement on/off (medians of ${rounds} runs of ${runMiB} MiB): throughput ${(on.mibPerSecond / off.mibPerSecond).toFixed(3)}x (${on.mibPerSecond.toFixed(1)} vs ${off.mibPerSecond.toFixed(1)} MiB/s), agent CPU per MiB ${(on.cpuMsPerMiB / off.cpuMsPerMiB).toFixed(3)}x (${on.cpuMsPerMiB.toFixed(2)} vs ${off.cpuMsPerMiB.toFixed(2)} ms)`,
  );
} finally {
  await agent.stop();
  await db.drop();
  await postgres.teardown();
  await rm(bucketDir, { recursive: true, force: true });
}
