import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkHistory, type Anomalies } from "./check-history.ts";
import type { HistoryEvent } from "./history.ts";
import { summarizeReport } from "./summary.ts";

let clock = 0;
const t = () => ++clock;
const send = (value: string, producer = "p1"): HistoryEvent => ({
  type: "send",
  value,
  topic: "t",
  producer,
  time: t(),
});
const ack = (value: string, offset: number, partition = 0): HistoryEvent => ({
  type: "ack",
  value,
  topic: "t",
  partition,
  offset,
  time: t(),
});
const read = (value: string, offset: number, consumer = "c1", partition = 0): HistoryEvent => ({
  type: "read",
  consumer,
  topic: "t",
  partition,
  offset,
  value,
  time: t(),
});
const committed = (offset: number, source: "commit" | "fetch" = "commit"): HistoryEvent => ({
  type: "committed",
  group: "g",
  topic: "t",
  partition: 0,
  offset,
  source,
  time: t(),
});

/** a, b, c sent, acknowledged at 0, 1, 2 and read back in order; the group commits 3. */
const clean: HistoryEvent[] = [
  send("a"),
  send("b"),
  send("c"),
  ack("a", 0),
  ack("b", 1),
  ack("c", 2),
  read("a", 0),
  read("b", 1),
  read("c", 2),
  committed(3),
];

/** The kinds of anomaly a report has. */
function kinds(events: HistoryEvent[]): (keyof Anomalies)[] {
  const { anomalies } = checkHistory(events);
  return (Object.keys(anomalies) as (keyof Anomalies)[]).filter((k) => anomalies[k].length > 0);
}

describe("checkHistory", () => {
  it("passes a clean history, with its figures", () => {
    const report = checkHistory(clean);
    expect(report.valid).toBe(true);
    expect(report.counts).toMatchObject({ sent: 3, acknowledged: 3, reads: 3, lost: 0 });
    expect(summarizeReport(report)).toMatch(/^history VALID: 3 acknowledged, 0 lost, 0 duplicated/);
  });

  it("finds an acknowledged record that no read returned", () => {
    const events = clean.filter((e) => !(e.type === "read" && e.value === "c"));
    const report = checkHistory(events);
    expect(report.valid).toBe(false);
    expect(report.anomalies.lost).toEqual([{ topic: "t", partition: 0, offset: 2, value: "c" }]);
    expect(kinds(events)).toEqual(["lost"]);
    expect(summarizeReport(report)).toContain("1 acknowledged records lost");
  });

  it("finds a record written twice, and allows it without idempotence", () => {
    const events = [...clean, ack("c", 3), read("c", 3)];
    expect(kinds(events)).toEqual(["duplicated"]);
    expect(checkHistory(events).anomalies.duplicated[0]!.positions.map((p) => p.offset)).toEqual([
      2, 3,
    ]);
    const lenient = checkHistory(events, { idempotent: false });
    expect(lenient.valid).toBe(true);
    expect(lenient.counts.duplicated).toBe(1);
  });

  it("finds a record read somewhere else than its acknowledged offset", () => {
    const events = [send("a"), ack("a", 0), read("a", 1, "c1", 1)];
    expect(kinds(events)).toEqual(["misplaced"]);
  });

  it("finds one offset read with two different records", () => {
    const events = [...clean, read("b", 1, "c2"), read("c", 1, "c3")];
    expect(kinds(events)).toEqual(["duplicated", "divergent"]);
  });

  it("finds offsets skipped inside a partition", () => {
    const events = [send("a"), send("c"), ack("a", 0), ack("c", 2), read("a", 0), read("c", 2)];
    expect(checkHistory(events).anomalies.gaps).toEqual([
      { topic: "t", partition: 0, from: 1, to: 1 },
    ]);
    expect(kinds(events)).toEqual(["gaps"]);
  });

  it("finds a consumer going back without a seek, and accepts it after one", () => {
    const back = [...clean, read("b", 1)];
    expect(kinds(back)).toEqual(["reordered"]);
    const seek: HistoryEvent = {
      type: "seek",
      consumer: "c1",
      topic: "t",
      partition: 0,
      time: t(),
    };
    expect(checkHistory([...clean, seek, read("b", 1)]).valid).toBe(true);
  });

  it("finds a record read that was never sent", () => {
    const events = [...clean, read("z", 3)];
    expect(checkHistory(events).anomalies.phantom).toEqual([
      { topic: "t", partition: 0, offset: 3, value: "z" },
    ]);
    expect(kinds(events)).toEqual(["phantom"]);
  });

  it("finds a producer's records acknowledged out of the order it sent them", () => {
    const events = [send("a"), send("b"), ack("b", 0), ack("a", 1), read("b", 0), read("a", 1)];
    expect(kinds(events)).toEqual(["producerOrder"]);
    // Two producers interleaving is fine.
    const two = [
      send("a", "p1"),
      send("b", "p2"),
      ack("b", 0),
      ack("a", 1),
      read("b", 0),
      read("a", 1),
    ];
    expect(checkHistory(two).valid).toBe(true);
  });

  it("finds a group's committed offset going backwards, by commit or by fetch", () => {
    expect(kinds([...clean, committed(2, "fetch")])).toEqual(["committedRegression"]);
    expect(checkHistory([...clean, committed(3, "fetch"), committed(5)]).valid).toBe(true);
  });

  it("counts failed sends, including those written anyway, without calling them anomalies", () => {
    const events: HistoryEvent[] = [
      ...clean,
      send("d"),
      { type: "error", value: "d", error: "REQUEST_TIMED_OUT", time: t() },
      send("e"),
      { type: "error", value: "e", error: "REQUEST_TIMED_OUT", time: t() },
      read("d", 3),
    ];
    const report = checkHistory(events);
    expect(report.valid).toBe(true);
    expect(report.counts).toMatchObject({ failed: 2, failedButWritten: 1 });
  });

  it("is a JSON report that survives a round trip", () => {
    const report = checkHistory(clean.slice(0, 8));
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

/** A clean history of one partition: n records sent by p producers, acknowledged, read in order. */
const cleanHistory = fc
  .record({ n: fc.integer({ min: 1, max: 60 }), producers: fc.integer({ min: 1, max: 4 }) })
  .map(({ n, producers }): HistoryEvent[] => {
    const values = Array.from({ length: n }, (_, i) => `v${i}`);
    return [
      ...values.map((v, i) => send(v, `p${i % producers}`)),
      ...values.map((v, i) => ack(v, i)),
      ...values.map((v, i) => read(v, i)),
    ];
  });

describe("checkHistory properties", () => {
  it("passes every clean history", () => {
    fc.assert(fc.property(cleanHistory, (events) => checkHistory(events).valid));
  });

  it("reports exactly the acknowledged records whose reads were dropped", () => {
    fc.assert(
      fc.property(
        cleanHistory.chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.subarray(
              events.filter((e) => e.type === "read").map((e) => e.value),
              {
                minLength: 1,
              },
            ),
          ),
        ),
        ([events, dropped]) => {
          const kept = events.filter((e) => !(e.type === "read" && dropped.includes(e.value)));
          const lost = checkHistory(kept).anomalies.lost.map((l) => l.value);
          expect(lost.sort()).toEqual([...dropped].sort());
        },
      ),
    );
  });
});
