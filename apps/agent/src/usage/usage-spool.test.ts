import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UsageEvent } from "./usage-event.ts";
import { UsageSpool } from "./usage-spool.ts";

const minute = 60_000;
const t0 = Date.parse("2026-12-02T14:00:00Z");

describe("usage spool", () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), "usage-spool-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const event = (minuteIndex: number): UsageEvent => ({
    clusterId: "c1",
    dimension: "write_bytes",
    windowStart: new Date(t0 + minuteIndex * minute).toISOString(),
    windowSeconds: 60,
    quantity: String(minuteIndex + 1),
    idempotencyKey: `c1:a:write_bytes:${new Date(t0 + minuteIndex * minute).toISOString()}`,
  });

  it("keeps unacknowledged windows across a restart and forgets acknowledged ones", async () => {
    const spool = await UsageSpool.open(dir);
    await spool.append([event(0), event(1)], t0);
    await spool.append([event(2)], t0 + minute);
    await spool.acknowledge([event(0).idempotencyKey]);
    // A kill in the middle of an append leaves a torn line: it is skipped.
    await appendFile(path.join(dir, "usage-events.jsonl"), '{"clusterId":"c1","dimen');

    const reopened = await UsageSpool.open(dir);
    expect(reopened.pending()).toEqual([event(1), event(2)]);
    expect(reopened.lastWindowStart).toBe(t0 + minute);
    await reopened.acknowledge([event(1).idempotencyKey, event(2).idempotencyKey]);
    expect(await readFile(path.join(dir, "usage-events.jsonl"), "utf8")).toBe("");
  });
});
