import { describe, expect, it } from "vitest";
import { FetchSessionCache, type FetchSessionRequest } from "./fetch-sessions.ts";

const part = (topic: string, partition: number, fetchOffset = 0n) => ({
  topic,
  partition,
  fetchOffset,
  partitionMaxBytes: 1 << 20,
});

function request(
  sessionId: number,
  sessionEpoch: number,
  partitions: FetchSessionRequest["partitions"] = [],
  forgotten: FetchSessionRequest["forgotten"] = [],
): FetchSessionRequest {
  return { sessionId, sessionEpoch, partitions, forgotten, usesTopicIds: false };
}

function sessionOf(outcome: ReturnType<FetchSessionCache["open"]>) {
  if ("errorCode" in outcome) throw new Error(outcome.errorCode);
  return outcome;
}

describe("FetchSessionCache", () => {
  it("creates a session, advances its epoch, applies moves and forgotten partitions", () => {
    const cache = new FetchSessionCache({ maxSessions: 10, evictionMs: 1000 });
    const created = sessionOf(cache.open("c", request(0, 0, [part("t", 0), part("t", 1)])));
    expect(created.sessionId).toBeGreaterThan(0);
    expect(created.incremental).toBe(false);

    const next = sessionOf(
      cache.open("c", request(created.sessionId, 1, [part("t", 1, 5n), part("u", 0)])),
    );
    expect(next.incremental).toBe(true);
    expect(next.partitions.map((p) => [p.topic, p.partition, p.fetchOffset])).toEqual([
      ["t", 0, 0n],
      ["t", 1, 5n],
      ["u", 0, 0n],
    ]);
    const forgot = sessionOf(
      cache.open("c", request(created.sessionId, 2, [], [{ topic: "t", partitions: [0, 1] }])),
    );
    expect(forgot.partitions.map((p) => p.topic)).toEqual(["u"]);

    expect(cache.open("c", request(created.sessionId, 2))).toEqual({
      errorCode: "INVALID_FETCH_SESSION_EPOCH",
    });
    expect(cache.open("other-cluster", request(created.sessionId, 3))).toEqual({
      errorCode: "FETCH_SESSION_ID_NOT_FOUND",
    });
    // Epoch -1 closes the session and fetches without one.
    expect(
      sessionOf(cache.open("c", request(created.sessionId, -1, [part("t", 0)]))).sessionId,
    ).toBe(0);
    expect(cache.open("c", request(created.sessionId, 3))).toEqual({
      errorCode: "FETCH_SESSION_ID_NOT_FOUND",
    });
  });

  it("reports a partition changed only when its high watermark or log start moved", () => {
    const cache = new FetchSessionCache({ maxSessions: 1, evictionMs: 1000 });
    const [p] = sessionOf(cache.open("c", request(0, 0, [part("t", 0)]))).partitions;
    expect(FetchSessionCache.changed(p!, { highWatermark: 3n, logStartOffset: 0n })).toBe(true);
    expect(FetchSessionCache.changed(p!, { highWatermark: 3n, logStartOffset: 0n })).toBe(false);
    expect(FetchSessionCache.changed(p!, { highWatermark: 3n, logStartOffset: 1n })).toBe(true);
  });

  it("gives the least recently used session up only when stale or smaller than the new one", () => {
    let now = 0;
    const cache = new FetchSessionCache({ maxSessions: 1, evictionMs: 1000, now: () => now });
    const big = sessionOf(cache.open("c", request(0, 0, [part("t", 0), part("t", 1)])));
    // A smaller new session finds no room: it is answered without a session.
    expect(sessionOf(cache.open("c", request(0, 0, [part("t", 2)]))).sessionId).toBe(0);
    expect(cache.size).toBe(1);
    // A larger one takes the place.
    const bigger = sessionOf(
      cache.open("c", request(0, 0, [part("t", 0), part("t", 1), part("t", 2)])),
    );
    expect(bigger.sessionId).toBeGreaterThan(0);
    expect(cache.open("c", request(big.sessionId, 1))).toEqual({
      errorCode: "FETCH_SESSION_ID_NOT_FOUND",
    });
    // Once idle past the eviction time, any new session may take it.
    now = 1000;
    expect(sessionOf(cache.open("c", request(0, 0, [part("t", 9)]))).sessionId).toBeGreaterThan(0);
    expect(cache.open("c", request(bigger.sessionId, 1))).toEqual({
      errorCode: "FETCH_SESSION_ID_NOT_FOUND",
    });
  });
});
