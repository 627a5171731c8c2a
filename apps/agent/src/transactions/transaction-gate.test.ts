import { describe, expect, it } from "vitest";
import type { FlushEntry } from "../metadata/metadata-store.ts";
import { appendMarker, checkSequence } from "../producers/sequence-check.ts";
import { TransactionGate } from "./transaction-gate.ts";
import { transactionEffects } from "./transaction-effects.ts";

const entry = (producer: Partial<NonNullable<FlushEntry["producer"]>> = {}): FlushEntry => ({
  topicId: "t",
  partition: 0,
  byteOffset: 0,
  byteLength: 10,
  recordCount: 2,
  maxTimestamp: 0n,
  producer: {
    producerId: 7n,
    producerEpoch: 3,
    baseSequence: 0,
    lastSequence: 1,
    transactional: true,
    ...producer,
  },
});

const member = { producerId: 7n, topicId: "t", partition: 0, epoch: 3, ongoing: true, added: true };

describe("TransactionGate", () => {
  it("takes a transactional batch only from the current epoch, in an open transaction that added the partition", () => {
    expect(new TransactionGate([member]).check(entry())).toBeNull();
    expect(new TransactionGate([member]).check(entry({ producerEpoch: 2 }))).toBe(
      "INVALID_PRODUCER_EPOCH",
    );
    expect(new TransactionGate([{ ...member, added: false }]).check(entry())).toBe(
      "INVALID_TXN_STATE",
    );
    expect(new TransactionGate([{ ...member, ongoing: false }]).check(entry())).toBe(
      "INVALID_TXN_STATE",
    );
    expect(new TransactionGate([]).check(entry())).toBe("INVALID_TXN_STATE");
  });

  it("lets markers and non-transactional batches through", () => {
    expect(new TransactionGate([]).check(entry({ control: "abort" }))).toBeNull();
    expect(new TransactionGate([]).check(entry({ transactional: false }))).toBeNull();
  });
});

describe("appendMarker", () => {
  it("keeps the sequences of the same epoch and restarts them after a newer epoch's marker", () => {
    const state = { producerEpoch: 3, lastSequence: 9, lastOffset: 20n, recent: [] };
    expect(appendMarker(state, 3, 21n)).toEqual({ ...state, lastOffset: 21n });
    const fenced = appendMarker(state, 4, 21n);
    // The zombie's epoch is refused; the new epoch starts at 0.
    const batch = { producerId: 7n, baseSequence: 10, lastSequence: 10 };
    expect(checkSequence(fenced, { ...batch, producerEpoch: 3 })).toEqual({
      kind: "reject",
      errorCode: "INVALID_PRODUCER_EPOCH",
    });
    expect(
      checkSequence(fenced, { ...batch, producerEpoch: 4, baseSequence: 0, lastSequence: 0 }),
    ).toEqual({
      kind: "append",
    });
  });
});

describe("transactionEffects", () => {
  it("finds each transaction's first offset per partition and the markers of a commit", () => {
    const objects = [
      {
        objectKey: "o",
        sizeBytes: 30,
        entries: [
          entry(),
          entry({ baseSequence: 2, lastSequence: 3 }),
          entry({ control: "commit", producerId: 8n }),
        ],
      },
    ];
    const results = [
      {
        entries: [
          { ok: true as const, baseOffset: 10n },
          { ok: true as const, baseOffset: 12n },
          { ok: true as const, baseOffset: 14n },
        ],
        heads: [],
        committedAtMs: 0n,
      },
    ];
    expect(transactionEffects(objects, results)).toEqual({
      starts: [{ topicId: "t", partition: 0, producerId: 7n, offset: 10n }],
      markers: [
        { topicId: "t", partition: 0, producerId: 8n, producerEpoch: 3, commit: true, offset: 14n },
      ],
    });
  });
});
