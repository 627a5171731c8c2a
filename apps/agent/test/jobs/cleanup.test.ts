import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ulid } from "ulid";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { sweepOrphanObjects } from "../../src/jobs/orphan-sweep.ts";
import { PostgresJobStore } from "../../src/metadata/postgres/jobs.ts";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { LocalDirObjectStore } from "../../src/storage/local-dir.ts";
import { tempBucket } from "../support/test-agents.ts";

const HOUR = 3_600_000;
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let store: LocalDirObjectStore;
let jobs: PostgresJobStore;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  store = new LocalDirObjectStore(bucket.dir);
  jobs = new PostgresJobStore(db.pool);
});

afterAll(async () => {
  await store?.close();
  await db?.drop();
  await bucket?.remove();
});

describe("cleanup jobs", () => {
  it("deletes objects the metadata store never knew once old, and nothing else", async () => {
    const now = Date.now();
    const keys = {
      crashed: `sweep/flush/${ulid(now - 2 * HOUR)}`,
      committed: `sweep/flush/${ulid(now - 2 * HOUR)}`,
      inFlight: `sweep/flush/${ulid(now - 1000)}`,
      otherCluster: `elsewhere/flush/${ulid(now - 2 * HOUR)}`,
    };
    for (const key of Object.values(keys)) await store.put(key, Buffer.from("batch bytes"));
    await db.pool.query(
      "INSERT INTO objects (key, cluster_id, size_bytes, level, state) VALUES ($1, 'sweep', 11, 0, 'committed')",
      [keys.committed],
    );

    const swept = await sweepOrphanObjects(jobs, store, {
      clusterId: "sweep",
      minAgeMs: HOUR,
      nowMs: now,
    });
    expect(swept).toEqual({ deleted: 1, deletedBytes: 11 });
    expect(await store.head(keys.crashed)).toBeUndefined();
    for (const key of [keys.committed, keys.inFlight, keys.otherCluster])
      expect(await store.head(key)).toBeDefined();
  });

  it("drops idempotent producers' partition states unused for producer.id.expiration.ms", async () => {
    const metadata = new PostgresMetadataStore({ pool: db.pool });
    const topic = await metadata.createTopic("producers", "t", 2, {});
    const { rows } = await db.pool.query<{ producer_id: string }>(
      "INSERT INTO producer_ids (cluster_id) VALUES ('producers'), ('producers') RETURNING producer_id::text",
    );
    const [idle, active] = rows.map((r) => r.producer_id);
    for (const [producerId, partition, age] of [
      [idle, 0, "2 days"],
      [active, 0, "2 days"],
      [active, 1, "1 minute"],
    ] as const)
      await db.pool.query(
        `INSERT INTO producer_partition_states (cluster_id, producer_id, topic_id, partition, producer_epoch,
           last_sequence, last_offset, updated_at)
         VALUES ('producers', $1, $2, $3, 0, 4, 9, now() - $4::interval)`,
        [producerId, topic.id, partition, age],
      );

    expect(await jobs.expireProducerStates("other-cluster", 86_400_000)).toEqual({
      partitionStates: 0,
    });
    expect(await jobs.expireProducerStates("producers", 86_400_000)).toEqual({
      partitionStates: 2,
    });
    const left = await db.pool.query<{ producer_id: string; partition: number }>(
      "SELECT producer_id::text, partition FROM producer_partition_states",
    );
    expect(left.rows).toEqual([{ producer_id: active, partition: 1 }]);
  });

  it("forgets agents that stopped heartbeating an hour ago", async () => {
    for (const [id, age] of [
      ["dead", "2 hours"],
      ["recently-dead", "1 minute"],
    ])
      await db.pool.query(
        `INSERT INTO agents (id, cluster_id, host, port, http_port, version, last_heartbeat_at)
         VALUES ($1, 'agents', '127.0.0.1', 1, 2, 'test', now() - $2::interval)`,
        [id, age],
      );
    expect(await jobs.forgetDeadAgents("agents", HOUR)).toBe(1);
    const { rows } = await db.pool.query<{ id: string }>("SELECT id FROM agents ORDER BY id");
    expect(rows).toEqual([{ id: "recently-dead" }]);
  });
});
