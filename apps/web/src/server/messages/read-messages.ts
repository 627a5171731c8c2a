import type { FetchRequest } from "@streambed/protocol/generated/fetch-request";
import type { FetchResponse } from "@streambed/protocol/generated/fetch-response";
import type { ListOffsetsRequest } from "@streambed/protocol/generated/list-offsets-request";
import type { ListOffsetsResponse } from "@streambed/protocol/generated/list-offsets-response";
import { errorInfo, ErrorCode } from "@streambed/protocol/errors/error-codes";
import { records } from "@streambed/protocol/records/read-records";
import { splitBatches } from "@streambed/protocol/records/split-batches";
import type { AgentConnection } from "../kafka/agent-connection.ts";
import { compileFilter, type FilterableMessage } from "./message-filter.ts";
import type { BrowseMessagesInput, MessageStart } from "./schemas.ts";

const FETCH = 1;
const LIST_OFFSETS = 2;
const EARLIEST = -2n;
const LATEST = -1n;

/** What one browse may cost the agent and the console, whatever the filter matches. */
export interface ReadBudget {
  maxBytes: number;
  maxMs: number;
}
export const defaultReadBudget: ReadBudget = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000 };
/** Per partition and Fetch: a batch larger than this still comes whole (KIP-74). */
const PARTITION_FETCH_BYTES = 1024 * 1024;
/** Backward reads look at windows of this many offsets first, doubling while they find too few. */
const FIRST_WINDOW = 256n;

export interface BrowsedMessage {
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface BrowseResult {
  messages: BrowsedMessage[];
  scannedBytes: number;
  /** Why reading stopped: enough messages, nothing more in range, or the budget ran out. */
  stoppedBy: "limit" | "end" | "bytes" | "time";
}

interface Range {
  partition: number;
  from: bigint;
  end: bigint;
}

class Scan {
  scannedBytes = 0;
  exhausted: "bytes" | "time" | null = null;
  private readonly deadline: number;
  constructor(
    readonly connection: AgentConnection,
    readonly topic: string,
    readonly budget: ReadBudget,
  ) {
    this.deadline = Date.now() + budget.maxMs;
  }

  check(): boolean {
    if (this.scannedBytes >= this.budget.maxBytes) this.exhausted = "bytes";
    else if (Date.now() >= this.deadline) this.exhausted = "time";
    return this.exhausted === null;
  }

  async listOffsets(partitions: number[], timestamp: bigint): Promise<Map<number, bigint>> {
    const response = await this.connection.request<ListOffsetsResponse>(LIST_OFFSETS, 7, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 0,
      topics: [
        {
          name: this.topic,
          partitions: partitions.map((p) => ({
            partitionIndex: p,
            currentLeaderEpoch: -1,
            timestamp,
            maxNumOffsets: 1,
          })),
        },
      ],
    } satisfies ListOffsetsRequest);
    const offsets = new Map<number, bigint>();
    for (const p of response.topics[0]?.partitions ?? []) {
      if (p.errorCode !== 0) throw kafkaError("ListOffsets", p.errorCode);
      offsets.set(p.partitionIndex, p.offset);
    }
    return offsets;
  }

  /**
   * Reads every record of the ranges (from inclusive, end exclusive), all partitions per Fetch,
   * until each range is done, `enough` says a partition has what it needs, or the budget runs out.
   */
  async read(
    ranges: Range[],
    keep: (m: BrowsedMessage) => void,
    enough: (partition: number) => boolean,
  ): Promise<void> {
    const next = new Map(ranges.map((r) => [r.partition, r]));
    while (next.size > 0 && this.check()) {
      const request: FetchRequest = {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1n },
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: Math.max(1, Math.min(8 * 1024 * 1024, this.budget.maxBytes - this.scannedBytes)),
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: this.topic,
            topicId: "00000000-0000-0000-0000-000000000000",
            partitions: [...next.values()].map((r) => ({
              partition: r.partition,
              currentLeaderEpoch: -1,
              fetchOffset: r.from,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: PARTITION_FETCH_BYTES,
              replicaDirectoryId: "00000000-0000-0000-0000-000000000000",
            })),
          },
        ],
        forgottenTopicsData: [],
        rackId: "",
      };
      const response = await this.connection.request<FetchResponse>(FETCH, 11, request);
      for (const p of response.responses[0]?.partitions ?? []) {
        const range = next.get(p.partitionIndex);
        if (!range) continue;
        // Retention may have removed the range's start since ListOffsets: nothing left to show.
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          next.delete(range.partition);
          continue;
        }
        if (p.errorCode !== 0) throw kafkaError("Fetch", p.errorCode);
        const bytes = p.records ?? Buffer.alloc(0);
        this.scannedBytes += bytes.length;
        const before = range.from;
        let reached = range.from;
        for (const batch of splitBatches(bytes).batches) {
          const h = batch.header;
          reached = h.baseOffset + BigInt(h.lastOffsetDelta) + 1n;
          if (h.isControl) continue;
          for await (const r of records(batch)) {
            const offset = h.baseOffset + BigInt(r.offsetDelta);
            if (offset < range.from || offset >= range.end) continue;
            keep({
              partition: range.partition,
              offset,
              timestamp: Number(
                h.timestampType === "log-append-time"
                  ? h.maxTimestamp
                  : h.firstTimestamp + BigInt(r.timestampDelta),
              ),
              key: r.key && Buffer.from(r.key),
              value: r.value && Buffer.from(r.value),
              headers: r.headers.map((hd) => ({
                key: hd.key,
                value: hd.value && Buffer.from(hd.value),
              })),
            });
          }
        }
        range.from = reached;
        // No progress means the log ends before `end` (a race with retention or a deletion).
        if (reached <= before || range.from >= range.end || enough(range.partition))
          next.delete(range.partition);
      }
    }
  }
}

function kafkaError(api: string, code: number): Error {
  const info = errorInfo(code);
  return new Error(`${api} failed: ${info.name} (${info.message})`);
}

function startOffset(
  start: MessageStart,
  partition: number,
  bounds: { earliest: Map<number, bigint>; latest: Map<number, bigint> },
  byTimestamp: Map<number, bigint> | null,
): bigint {
  const lo = bounds.earliest.get(partition) ?? 0n;
  const hi = bounds.latest.get(partition) ?? 0n;
  const clamp = (o: bigint) => (o < lo ? lo : o > hi ? hi : o);
  switch (start.kind) {
    case "earliest":
      return lo;
    case "latest":
      return hi;
    case "offset":
      return clamp(BigInt(start.offset));
    case "timestamp": {
      const found = byTimestamp?.get(partition) ?? -1n;
      return found < 0n ? hi : clamp(found);
    }
  }
}

/**
 * The message browser's read: a group-less consumer of the chosen partitions. Oldest first reads
 * forward from the start position; newest first reads backward from it (windows of offsets read
 * forward, further back each time), so "latest, newest first" shows the last messages.
 */
export async function readMessages(
  connection: AgentConnection,
  input: BrowseMessagesInput,
  partitions: number[],
  budget: ReadBudget = defaultReadBudget,
): Promise<BrowseResult> {
  const scan = new Scan(connection, input.topic, budget);
  const matches = compileFilter(input.filter);
  const [earliest, latest] = [
    await scan.listOffsets(partitions, EARLIEST),
    await scan.listOffsets(partitions, LATEST),
  ];
  const byTimestamp =
    input.start.kind === "timestamp"
      ? await scan.listOffsets(
          partitions,
          // Newest first ends at the last message at or before the time: start after it.
          BigInt(input.start.timestamp) + (input.order === "newest" ? 1n : 0n),
        )
      : null;
  const found = new Map<number, BrowsedMessage[]>(partitions.map((p) => [p, []]));
  const keep = (m: BrowsedMessage) => {
    if (matches(m as FilterableMessage)) found.get(m.partition)!.push(m);
  };
  const starts = partitions.map((p) => ({
    partition: p,
    offset: startOffset(input.start, p, { earliest, latest }, byTimestamp),
  }));

  let reachedEnd = true;
  if (input.order === "oldest") {
    const ranges = starts.map((s) => ({
      partition: s.partition,
      from: s.offset,
      end: latest.get(s.partition) ?? 0n,
    }));
    await scan.read(ranges, keep, (p) => found.get(p)!.length >= input.limit);
    reachedEnd = ranges.every((r) => r.from >= r.end);
  } else {
    // Each partition walks back from its start until it has `limit` matches or reaches its start.
    const cursors = starts.map((s) => ({
      partition: s.partition,
      end: s.offset,
      low: earliest.get(s.partition) ?? 0n,
      window: FIRST_WINDOW,
      older: [] as BrowsedMessage[],
    }));
    let active = cursors.filter((c) => c.end > c.low);
    while (active.length > 0 && scan.check()) {
      const ranges = active.map((c) => {
        const from = c.end - c.window > c.low ? c.end - c.window : c.low;
        return { partition: c.partition, from, end: c.end };
      });
      const windowStarts = ranges.map((r) => r.from);
      const windowFound = new Map<number, BrowsedMessage[]>(active.map((c) => [c.partition, []]));
      await scan.read(
        ranges,
        (m) => {
          if (matches(m as FilterableMessage)) windowFound.get(m.partition)!.push(m);
        },
        () => false,
      );
      for (const [i, c] of active.entries()) {
        found.set(c.partition, [...windowFound.get(c.partition)!, ...found.get(c.partition)!]);
        c.end = windowStarts[i]!;
        c.window *= 2n;
      }
      active = active.filter((c) => c.end > c.low && found.get(c.partition)!.length < input.limit);
    }
    reachedEnd = active.length === 0;
  }

  const all = [...found.values()].flat();
  const direction = input.order === "newest" ? -1 : 1;
  // One partition reads in offset order; several interleave by time.
  all.sort(
    (a, b) =>
      (partitions.length > 1 ? direction * (a.timestamp - b.timestamp) : 0) ||
      direction * (a.partition - b.partition) ||
      direction * Number(a.offset - b.offset),
  );
  const messages = all.slice(0, input.limit);
  const stoppedBy =
    all.length >= input.limit ? "limit" : (scan.exhausted ?? (reachedEnd ? "end" : "limit"));
  return { messages, scannedBytes: scan.scannedBytes, stoppedBy };
}
