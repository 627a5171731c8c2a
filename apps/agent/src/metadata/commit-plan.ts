import type {
  CommitEntryResult,
  CommitResult,
  FlushedObject,
  FlushEntry,
  PartitionHead,
} from "./metadata-store.ts";
import type { ProducerStateChange, SequenceGate } from "../producers/sequence-gate.ts";
import type { TransactionGate } from "../transactions/transaction-gate.ts";

/**
 * A flush commit planned apart from how it is stored: the Postgres store writes the plan in one
 * statement, the simulation's in-memory store (src/sim/) applies it to its maps, so both assign
 * offsets, coalesce index rows and check sequences the same way.
 */

/** An index row to insert, its offsets relative to its partition's next_offset at commit. */
export interface NewIndexRow {
  topicId: string;
  partition: number;
  objectKey: string;
  baseOffset: bigint;
  lastOffset: bigint;
  byteOffset: number;
  byteLength: number;
  maxTimestamp: bigint;
  recordCount: number;
}

/** What one commit writes, and what each entry gets. */
export interface CommitPlan {
  /** Offsets taken per partition ("topicId:partition"), objects in the order given. */
  taken: Map<string, bigint>;
  indexRows: NewIndexRow[];
  /** Per object, per entry: its offset relative to the partition's next_offset, or its answer. */
  outcomes: (bigint | CommitEntryResult)[][];
  producerStates: ProducerStateChange[];
}

/** The idempotent-producer check, over the partitions locked before planning. */
export interface SequenceCheck {
  heads: Map<string, PartitionHead>;
  gate: SequenceGate;
  /** Transactional batches: refused unless their partition is in the producer's open transaction. */
  transactions?: TransactionGate;
}

export const partitionKey = (ref: { topicId: string; partition: number }) =>
  `${ref.topicId}:${ref.partition}`;

/**
 * Gives each entry its offsets relative to its partition's next_offset. With a sequence check,
 * entries of partitions that do not exist are answered at once, and duplicates (answered with
 * their original offsets) and rejected batches take no offsets.
 */
export function planCommit(objects: readonly FlushedObject[], check?: SequenceCheck): CommitPlan {
  const taken = new Map<string, bigint>();
  const indexRows: NewIndexRow[] = [];
  const outcomes = objects.map((object) =>
    object.entries.map((entry): bigint | CommitEntryResult => {
      const key = partitionKey(entry);
      const relative = taken.get(key) ?? 0n;
      if (check) {
        const head = check.heads.get(key);
        if (!head) return { ok: false, errorCode: "UNKNOWN_TOPIC_OR_PARTITION" };
        const txnError = check.transactions?.check(entry);
        if (txnError) return { ok: false, errorCode: txnError };
        const verdict = check.gate.admit(entry, head.highWatermark + relative);
        if (verdict.kind === "duplicate")
          return { ok: true, baseOffset: verdict.baseOffset, duplicate: true };
        if (verdict.kind === "reject") return { ok: false, errorCode: verdict.errorCode };
      }
      taken.set(key, relative + BigInt(entry.recordCount));
      appendIndexRow(indexRows, object.objectKey, entry, relative);
      return relative;
    }),
  );
  return { taken, indexRows, outcomes, producerStates: check?.gate.changedStates() ?? [] };
}

/**
 * Each object's result once the plan is written: `heads` are the partitions' heads after the
 * commit (a partition missing from them was deleted meanwhile and took nothing).
 */
export function answerCommit(
  objects: readonly FlushedObject[],
  plan: CommitPlan,
  heads: PartitionHead[],
  committedAtMs: bigint,
): CommitResult[] {
  const headOf = new Map(heads.map((h) => [partitionKey(h), h]));
  return objects.map((object, o) => ({
    entries: object.entries.map((entry, e): CommitEntryResult => {
      const outcome = plan.outcomes[o]![e]!;
      if (typeof outcome !== "bigint") return outcome;
      const key = partitionKey(entry);
      const head = headOf.get(key);
      if (!head) return { ok: false, errorCode: "UNKNOWN_TOPIC_OR_PARTITION" };
      return { ok: true, baseOffset: head.highWatermark - plan.taken.get(key)! + outcome };
    }),
    heads,
    committedAtMs,
  }));
}

/** Adds the entry's index row, merged into the previous one when it directly continues it. */
function appendIndexRow(
  rows: NewIndexRow[],
  objectKey: string,
  entry: FlushEntry,
  baseOffset: bigint,
): void {
  const lastOffset = baseOffset + BigInt(entry.recordCount) - 1n;
  const previous = rows.at(-1);
  if (
    previous &&
    previous.objectKey === objectKey &&
    previous.topicId === entry.topicId &&
    previous.partition === entry.partition &&
    previous.byteOffset + previous.byteLength === entry.byteOffset &&
    previous.lastOffset + 1n === baseOffset
  ) {
    previous.lastOffset = lastOffset;
    previous.byteLength += entry.byteLength;
    previous.recordCount += entry.recordCount;
    if (entry.maxTimestamp > previous.maxTimestamp) previous.maxTimestamp = entry.maxTimestamp;
    return;
  }
  rows.push({
    topicId: entry.topicId,
    partition: entry.partition,
    objectKey,
    baseOffset,
    lastOffset,
    byteOffset: entry.byteOffset,
    byteLength: entry.byteLength,
    maxTimestamp: entry.maxTimestamp,
    recordCount: entry.recordCount,
  });
}
