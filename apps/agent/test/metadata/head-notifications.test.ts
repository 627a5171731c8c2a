import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HeadChange } from "../../src/metadata/metadata-store.ts";
import {
  listenForHeadChanges,
  notifyHeadChanges,
} from "../../src/metadata/postgres/head-notifications.ts";
import { databaseForFile } from "../support/postgres-per-file.ts";

let database: Awaited<ReturnType<typeof databaseForFile>>;
beforeAll(async () => {
  database = await databaseForFile();
});
afterAll(() => database.close());

describe("head change notifications", () => {
  it("split into NOTIFY-sized payloads that deliver every change", async () => {
    const topicId = randomUUID();
    const heads = Array.from({ length: 1500 }, (_, p) => ({
      topicId,
      partition: p,
      highWatermark: 9_000_000_000_000n + BigInt(p),
      logStartOffset: BigInt(p),
      leaderEpoch: 0,
    }));
    const seen: HeadChange[] = [];
    const subscription = listenForHeadChanges(database.db.pool, {
      onChange: (change) => seen.push(change),
      onResync: () => undefined,
    });
    await subscription.ready;
    try {
      // Postgres refuses a payload of 8000 bytes or more, so this fails unless they are split.
      await notifyHeadChanges(database.db.pool, "cluster-1", heads);
      await notifyHeadChanges(database.db.pool, "cluster-1", []);
      await vi.waitFor(() => expect(seen.length).toBe(heads.length));
      expect(seen.sort((a, b) => a.partition - b.partition)).toEqual(
        heads.map(({ leaderEpoch: _, ...h }) => ({ clusterId: "cluster-1", ...h })),
      );
    } finally {
      await subscription.close();
    }
  });
});
