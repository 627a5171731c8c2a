import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProducerPartitionState } from "./sequence-check.ts";
import { appendBatch, checkSequence, nextSequence } from "./sequence-check.ts";

const batch = (baseSequence: number, count: number, producerEpoch = 0) => ({
  producerId: 1000n,
  producerEpoch,
  baseSequence,
  lastSequence: baseSequence + count - 1,
});

describe("checkSequence", () => {
  it("accepts the first batch of an unknown producer and then only the next sequence", () => {
    expect(checkSequence(undefined, batch(0, 3))).toEqual({ kind: "append" });
    const s = appendBatch(undefined, batch(0, 3), 100n, 3);
    expect(s).toMatchObject({ lastSequence: 2, lastOffset: 102n });
    expect(checkSequence(s, batch(3, 2))).toEqual({ kind: "append" });
    expect(checkSequence(s, batch(4, 2))).toEqual({
      kind: "reject",
      errorCode: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    });
  });

  it("answers a duplicate of any of the last five batches with its original offset", () => {
    let s: ProducerPartitionState | undefined;
    for (let i = 0; i < 7; i++) s = appendBatch(s, batch(i * 2, 2), BigInt(i * 10), 2);
    expect(s!.recent).toHaveLength(5);
    expect(checkSequence(s, batch(12, 2))).toEqual({ kind: "duplicate", baseOffset: 60n });
    expect(checkSequence(s, batch(4, 2))).toEqual({ kind: "duplicate", baseOffset: 20n });
    // Older than the remembered window: no longer recognisable, so it is a sequence error.
    expect(checkSequence(s, batch(2, 2))).toEqual({
      kind: "reject",
      errorCode: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    });
  });

  it("fences stale epochs and requires a new epoch to start at zero", () => {
    const s = appendBatch(undefined, batch(0, 1, 3), 0n, 1);
    expect(checkSequence(s, batch(1, 1, 2))).toEqual({
      kind: "reject",
      errorCode: "INVALID_PRODUCER_EPOCH",
    });
    expect(checkSequence(s, batch(5, 1, 4))).toEqual({
      kind: "reject",
      errorCode: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    });
    expect(checkSequence(s, batch(0, 1, 4))).toEqual({ kind: "append" });
    expect(appendBatch(s, batch(0, 1, 4), 1n, 1).recent).toEqual([
      { firstSeq: 0, lastSeq: 0, baseOffset: 1n },
    ]);
  });

  it("wraps the sequence after int32 max", () => {
    expect(nextSequence(0x7fffffff)).toBe(0);
    const s = appendBatch(
      undefined,
      { producerId: 1n, producerEpoch: 0, baseSequence: 0x7ffffffe, lastSequence: 0x7fffffff },
      0n,
      2,
    );
    expect(checkSequence(s, batch(0, 1))).toEqual({ kind: "append" });
  });

  it("keeps every batch exactly once when a producer retries any of its five in-flight batches", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 40 }), (retries) => {
        let s: ProducerPartitionState | undefined;
        let next = 0n;
        const appended: number[] = [];
        for (let seq = 0; seq < 20; seq++) {
          const attempts = [
            batch(seq, 1),
            ...retries.filter((r) => r <= Math.min(4, seq)).map((back) => batch(seq - back, 1)),
          ];
          for (const b of attempts) {
            const v = checkSequence(s, b);
            if (v.kind === "append") {
              s = appendBatch(s, b, next, 1);
              appended.push(b.baseSequence);
              next += 1n;
            } else {
              expect(v.kind).toBe("duplicate");
            }
          }
        }
        expect(appended).toEqual([...Array(20).keys()]);
      }),
    );
  });
});
