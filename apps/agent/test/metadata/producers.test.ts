import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlushEntry } from "../../src/metadata/metadata-store.ts";
import {
  initProducerId,
  loadProducerStates,
  saveProducerStates,
} from "../../src/metadata/postgres/producers.ts";
import { SequenceGate } from "../../src/producers/sequence-gate.ts";
import { databaseForFile } from "../support/postgres-per-file.ts";

let database: Awaited<ReturnType<typeof databaseForFile>>;
beforeAll(async () => {
  database = await databaseForFile();
});
afterAll(() => database.close());

describe("initProducerId", () => {
  it("gives every idempotent producer a fresh cluster-wide id", async () => {
    const a = await initProducerId(database.db.pool, "c1", {
      transactionalId: null,
      producerId: -1n,
      producerEpoch: -1,
    });
    const b = await initProducerId(database.db.pool, "c2", {
      transactionalId: null,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(a.producerId).toBeGreaterThanOrEqual(1000n);
      expect(b.producerId).not.toBe(a.producerId);
      expect(a.producerEpoch).toBe(0);
    }
  });

  it("bumps the epoch of a transactional id and fences the previous holder", async () => {
    const first = await initProducerId(database.db.pool, "c1", {
      transactionalId: "tx",
      producerId: -1n,
      producerEpoch: -1,
    });
    const second = await initProducerId(database.db.pool, "c1", {
      transactionalId: "tx",
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(first).toMatchObject({ ok: true, producerEpoch: 0 });
    expect(second).toMatchObject({ ok: true, producerEpoch: 1 });
    if (!first.ok || !second.ok) return;
    expect(second.producerId).toBe(first.producerId);
    expect(
      await initProducerId(database.db.pool, "c1", {
        transactionalId: "tx",
        producerId: first.producerId,
        producerEpoch: 0,
      }),
    ).toEqual({
      ok: false,
      errorCode: "PRODUCER_FENCED",
    });
    expect(
      await initProducerId(database.db.pool, "c1", {
        transactionalId: "tx",
        producerId: first.producerId,
        producerEpoch: 1,
      }),
    ).toMatchObject({
      ok: true,
      producerEpoch: 2,
    });
  });
});

describe("SequenceGate", () => {
  const topicId = randomUUID();
  let producerId = 0n;
  beforeAll(async () => {
    await database.db.pool.query(
      "INSERT INTO topics (id, cluster_id, name, partition_count) VALUES ($1, 'c1', 't', 2)",
      [topicId],
    );
    const init = await initProducerId(database.db.pool, "c1", {
      transactionalId: null,
      producerId: -1n,
      producerEpoch: -1,
    });
    if (init.ok) producerId = init.producerId;
  });
  const entry = (baseSequence: number, count: number, producerEpoch = 0): FlushEntry => ({
    topicId,
    partition: 0,
    byteOffset: 0,
    byteLength: 10,
    recordCount: count,
    maxTimestamp: 0n,
    producer: { producerId, producerEpoch, baseSequence, lastSequence: baseSequence + count - 1 },
  });

  it("persists producer states so a retry on another agent is recognised as a duplicate", async () => {
    const pool = database.db.pool;
    const gate = new SequenceGate(await loadProducerStates(pool, [entry(0, 2)]));
    expect(gate.admit(entry(0, 2), 10n)).toEqual({ kind: "append" });
    expect(gate.admit(entry(0, 2), 12n)).toEqual({ kind: "duplicate", baseOffset: 10n });
    expect(gate.admit(entry(2, 3), 12n)).toEqual({ kind: "append" });
    await saveProducerStates(pool, "c1", gate.changedStates());

    const other = new SequenceGate(await loadProducerStates(pool, [entry(2, 3)]));
    expect(other.admit(entry(2, 3), 15n)).toEqual({ kind: "duplicate", baseOffset: 12n });
    expect(other.admit(entry(9, 1), 15n)).toEqual({
      kind: "reject",
      errorCode: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    });
    expect(other.admit(entry(5, 1), 15n)).toEqual({ kind: "append" });
    await saveProducerStates(pool, "c1", other.changedStates());
    const { rows } = await pool.query(
      "SELECT last_sequence, last_offset, recent FROM producer_partition_states WHERE producer_id = $1",
      [producerId],
    );
    expect(rows).toEqual([
      {
        last_sequence: 5,
        last_offset: 15n,
        recent: [
          { firstSeq: 0, lastSeq: 1, baseOffset: "10" },
          { firstSeq: 2, lastSeq: 4, baseOffset: "12" },
          { firstSeq: 5, lastSeq: 5, baseOffset: "15" },
        ],
      },
    ]);
  });

  it("does not track producer ids the cluster never handed out", async () => {
    const stranger = {
      ...entry(7, 1),
      producer: { producerId: 999_999n, producerEpoch: 0, baseSequence: 7, lastSequence: 7 },
    };
    const gate = new SequenceGate(await loadProducerStates(database.db.pool, [stranger]));
    expect(gate.admit(stranger, 0n)).toEqual({ kind: "append" });
    await saveProducerStates(database.db.pool, "c1", gate.changedStates());
  });

  it("ignores entries without a producer id", async () => {
    const plain: FlushEntry = {
      topicId,
      partition: 1,
      byteOffset: 0,
      byteLength: 1,
      recordCount: 1,
      maxTimestamp: 0n,
    };
    const gate = new SequenceGate(await loadProducerStates(database.db.pool, [plain]));
    expect(gate.admit(plain, 0n)).toEqual({ kind: "append" });
    await saveProducerStates(database.db.pool, "c1", gate.changedStates());
  });
});
