import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { pino } from "pino";
import { startJobWorker } from "../src/server/jobs/job-worker.ts";
import { jobRegistry } from "../src/server/jobs/registry.ts";
import { markClusterMinutes, reportClusterMinutes } from "../src/server/usage/cluster-minutes.ts";
import { controlPlaneEvent } from "../src/server/usage/control-plane-events.ts";
import { reconcileWriteBytes } from "../src/server/usage/reconciliation.ts";
import { reportStorageByteHours, sampleStorage } from "../src/server/usage/storage-sampling.ts";
import { storeUsageEvents } from "../src/server/usage/store-usage-events.ts";
import { callerFor, signUp, type TestUser } from "./harness.ts";

const MINUTE = 60_000;
const GiB = 2n ** 30n;
const log = pino({ level: "silent" });

let db: TestDatabase;
let owner: TestUser;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@usage-jobs.test");
});
afterAll(() => db.drop());

async function newCluster(name: string) {
  const { id } = await callerFor(db.prisma, owner).clusters.create({ name, region: "local" });
  return { id, organizationId: owner.organizationId };
}

async function total(clusterId: string, dimension: string) {
  const { _sum } = await db.prisma.usageEvent.aggregate({
    where: { clusterId, dimension },
    _sum: { quantity: true },
  });
  return _sum.quantity ?? 0n;
}

/** Runs `step` once a minute (at :30 past) of simulated time from `from` to `to`. */
async function everyMinute(from: string, to: string, step: (now: Date) => Promise<void>) {
  for (let t = Date.parse(from) + 30_000; t <= Date.parse(to); t += MINUTE) await step(new Date(t));
}

describe("cluster-minute accounting", () => {
  it("bills a cluster whose agent lived 40 minutes 45 minutes, wherever the 40 minutes start", async () => {
    const aligned = await newCluster("aligned");
    const offset = await newCluster("offset");
    const lives = [
      { agentId: "agent-aligned", cluster: aligned, from: "2026-12-02T10:00:00Z", minutes: 40 },
      { agentId: "agent-offset", cluster: offset, from: "2026-12-02T10:10:00Z", minutes: 40 },
    ];
    await everyMinute("2026-12-02T10:00:00Z", "2026-12-02T11:30:00Z", async (now) => {
      for (const life of lives) {
        const start = Date.parse(life.from);
        const alive = now.getTime() >= start && now.getTime() < start + life.minutes * MINUTE;
        if (alive)
          await db.prisma.agent.upsert({
            where: { id: life.agentId },
            create: {
              id: life.agentId,
              clusterId: life.cluster.id,
              host: "127.0.0.1",
              port: 9092,
              httpPort: 10092,
              version: "test",
              startedAt: new Date(start),
              lastHeartbeatAt: now,
            },
            update: { lastHeartbeatAt: now },
          });
        // A stopped agent deregisters.
        else await db.prisma.agent.deleteMany({ where: { id: life.agentId } });
      }
      await markClusterMinutes(db.prisma, now);
      await reportClusterMinutes(db.prisma, now);
    });
    expect(await total(aligned.id, "cluster_minutes")).toBe(45n);
    expect(await total(offset.id, "cluster_minutes")).toBe(45n);
    const events = await db.prisma.usageEvent.findMany({
      where: { clusterId: offset.id },
      orderBy: { windowStart: "asc" },
    });
    expect(events.map((e) => [e.windowStart.toISOString(), e.quantity, e.windowSeconds])).toEqual([
      ["2026-12-02T10:00:00.000Z", 15n, 900],
      ["2026-12-02T10:15:00.000Z", 15n, 900],
      ["2026-12-02T10:30:00.000Z", 15n, 900],
    ]);
    expect(events[0]!.source).toBe("control-plane");
  });

  it("counts shared agents for every cluster", async () => {
    const cluster = await newCluster("served-by-shared");
    const start = Date.parse("2026-12-03T08:00:00Z");
    await everyMinute("2026-12-03T08:00:00Z", "2026-12-03T08:40:00Z", async (now) => {
      await db.prisma.agent.upsert({
        where: { id: "shared-1" },
        create: {
          id: "shared-1",
          clusterId: null,
          host: "127.0.0.1",
          port: 9092,
          httpPort: 10092,
          version: "test",
          startedAt: new Date(start),
          lastHeartbeatAt: now,
        },
        update: { lastHeartbeatAt: now },
      });
      await markClusterMinutes(db.prisma, now);
      await reportClusterMinutes(db.prisma, now);
    });
    await db.prisma.agent.delete({ where: { id: "shared-1" } });
    // 08:00-08:30 reported by 08:40 (a block is reported 5 minutes after it ends).
    expect(await total(cluster.id, "cluster_minutes")).toBe(30n);
  });
});

describe("storage sampling", () => {
  it("time-weights each hour's samples into storage_byte_hours", async () => {
    const cluster = await newCluster("storage");
    await db.prisma.storedObject.create({
      data: { key: "o1", clusterId: cluster.id, sizeBytes: GiB, state: "committed" },
    });
    // Garbage on its way out is not the customer's data.
    await db.prisma.storedObject.create({
      data: { key: "o2", clusterId: cluster.id, sizeBytes: GiB, state: "orphaned" },
    });
    await everyMinute("2026-12-02T11:59:00Z", "2026-12-02T13:01:00Z", async (now) => {
      if (now.toISOString() === "2026-12-02T12:30:30.000Z")
        await db.prisma.storedObject.create({
          data: { key: "o3", clusterId: cluster.id, sizeBytes: GiB, state: "committed" },
        });
      await sampleStorage(db.prisma, now);
      await reportStorageByteHours(db.prisma, now);
    });
    const event = await db.prisma.usageEvent.findFirstOrThrow({
      where: {
        clusterId: cluster.id,
        dimension: "storage_byte_hours",
        windowStart: new Date("2026-12-02T12:00:00Z"),
      },
    });
    expect(event.windowSeconds).toBe(3600);
    // 1 GiB for 30.5 minutes, then 2 GiB for 29.5 minutes.
    expect(event.quantity).toBe((GiB * 305n + 2n * GiB * 295n) / 600n);
  });
});

describe("write_bytes reconciliation", () => {
  it("flags clusters whose metered write_bytes fall more than 1% below what was committed", async () => {
    const drifting = await newCluster("drifting");
    const fine = await newCluster("fine");
    const day = new Date("2026-11-30T00:00:00Z");
    for (const [cluster, metered] of [
      [drifting, 980_000n],
      [fine, 995_000n],
    ] as const) {
      await db.prisma.partitionIndexRow.create({
        data: {
          topicId: crypto.randomUUID(),
          partition: 0,
          baseOffset: 0n,
          lastOffset: 9n,
          clusterId: cluster.id,
          objectKey: `k-${cluster.id}`,
          byteOffset: 0n,
          byteLength: 1_000_000,
          maxTimestamp: 0n,
          recordCount: 10,
          createdAt: new Date("2026-11-30T10:00:00Z"),
        },
      });
      await storeUsageEvents(db.prisma, [
        {
          ...controlPlaneEvent(
            cluster,
            "write_bytes",
            new Date("2026-11-30T10:00:00Z"),
            60,
            metered,
          ),
          source: "agent-x",
          idempotencyKey: `${cluster.id}:agent-x:write_bytes:2026-11-30T10:00:00.000Z`,
        },
      ]);
    }
    const warnings: unknown[] = [];
    const results = await reconcileWriteBytes(db.prisma, day, {
      warn: (obj: unknown) => warnings.push(obj),
      info: () => undefined,
    } as never);
    expect(results.find((r) => r.clusterId === drifting.id)).toMatchObject({
      flagged: true,
      drift: 0.02,
    });
    expect(results.find((r) => r.clusterId === fine.id)).toMatchObject({ flagged: false });
    expect(warnings).toEqual([expect.objectContaining({ clusterId: drifting.id })]);
  });
});

describe("job worker", () => {
  it("runs registered jobs on pg-boss and serves their metrics", async () => {
    const worker = await startJobWorker({
      databaseUrl: db.url,
      prisma: db.prisma,
      jobs: jobRegistry,
      log,
      metricsPort: 0,
    });
    try {
      await worker.runNow("usage.cluster-minutes");
      await worker.runNow("usage.write-bytes-reconciliation", new Date("2026-12-01T00:30:00Z"));
      const text = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
      expect(text).toContain('streambed_job_runs_total{job="usage.cluster-minutes",result="ok"} 1');
      expect(text).toContain("streambed_usage_write_bytes_drift_ratio");
    } finally {
      await worker.stop();
    }
  });

  it("stops cleanly on SIGTERM as its own process", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/server/jobs/worker.ts"], {
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("job worker started")) resolve();
      });
      void exited.then((code) => reject(new Error(`worker exited ${code}: ${out}`)));
    });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
