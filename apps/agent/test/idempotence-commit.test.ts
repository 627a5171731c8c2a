import { createPgPool } from "@streambed/db";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlushEntry } from "../src/metadata/metadata-store.ts";
import { PostgresMetadataStore } from "../src/metadata/postgres/postgres-metadata-store.ts";
import { initProducerId } from "../src/metadata/postgres/producers.ts";
import { databaseForFile } from "./support/postgres-per-file.ts";

let database: Awaited<ReturnType<typeof databaseForFile>>;
let agentA: PostgresMetadataStore;
let agentB: PostgresMetadataStore;
let poolB: pg.Pool;
const cluster = "idem";

beforeAll(async () => {
  database = await databaseForFile();
  agentA = new PostgresMetadataStore({ pool: database.db.pool });
  poolB = createPgPool(database.db.url, { max: 4 });
  agentB = new PostgresMetadataStore({ pool: poolB, ownsPool: true });
});
afterAll(async () => {
  await agentB?.close();
  await agentA?.close();
  await database?.close();
});

let objects = 0;
const commit = (store: PostgresMetadataStore, entries: FlushEntry[]) =>
  store.commitFlush(cluster, `obj-${++objects}`, 1000, entries);

describe("idempotent producers in the commit transaction", () => {
  it("commits each batch once across agents, answers retries with the original offset, rejects gaps and stale epochs", async () => {
    const topic = await agentA.createTopic(cluster, "payments", 2, {});
    const init = await initProducerId(database.db.pool, cluster, {
      transactionalId: null,
      producerId: -1n,
      producerEpoch: -1,
    });
    if (!init.ok) throw new Error("no producer id");
    const entry = (
      partition: number,
      baseSequence: number,
      count: number,
      byteOffset: number,
      producerEpoch = 0,
    ): FlushEntry => ({
      topicId: topic.id,
      partition,
      byteOffset,
      byteLength: 10 * count,
      recordCount: count,
      maxTimestamp: 1n,
      producer: {
        producerId: init.producerId,
        producerEpoch,
        baseSequence,
        lastSequence: baseSequence + count - 1,
      },
    });

    const first = await commit(agentA, [entry(0, 0, 3, 0), entry(1, 0, 2, 30), entry(0, 3, 2, 50)]);
    expect(first.entries).toEqual([
      { ok: true, baseOffset: 0n },
      { ok: true, baseOffset: 0n },
      { ok: true, baseOffset: 3n },
    ]);
    // The retry of the first two batches lands on another agent, together with a new batch.
    const retry = await commit(agentB, [entry(0, 0, 3, 0), entry(0, 3, 2, 30), entry(0, 5, 1, 50)]);
    expect(retry.entries).toEqual([
      { ok: true, baseOffset: 0n, duplicate: true },
      { ok: true, baseOffset: 3n, duplicate: true },
      { ok: true, baseOffset: 5n },
    ]);
    const gap = await commit(agentA, [entry(0, 9, 1, 0), entry(1, 2, 1, 10)]);
    expect(gap.entries).toEqual([
      { ok: false, errorCode: "OUT_OF_ORDER_SEQUENCE_NUMBER" },
      { ok: true, baseOffset: 2n },
    ]);
    const bumped = await commit(agentB, [entry(1, 0, 1, 0, 1)]);
    expect(bumped.entries).toEqual([{ ok: true, baseOffset: 3n }]);
    const stale = await commit(agentA, [entry(1, 3, 1, 0, 0)]);
    expect(stale.entries).toEqual([{ ok: false, errorCode: "INVALID_PRODUCER_EPOCH" }]);

    const heads = await agentA.partitionHeads(
      cluster,
      [0, 1].map((partition) => ({ topicId: topic.id, partition })),
    );
    expect(heads.map((h) => [h.partition, h.highWatermark]).sort()).toEqual([
      [0, 6n],
      [1, 4n],
    ]);
    const rows = await agentA.findIndexRows(cluster, [
      { topicId: topic.id, partition: 0, fromOffset: 0n, maxBytes: 1 << 20 },
    ]);
    expect(rows[0]!.map((r) => [r.baseOffset, r.lastOffset])).toEqual([
      [0n, 2n],
      [3n, 4n],
      [5n, 5n],
    ]);
  });
});
