import { answerCommit, partitionKey, planCommit } from "../metadata/commit-plan.ts";
import type { FetchMetadata } from "../fetch/fetch-reader.ts";
import type {
  CommitResult,
  FlushedObject,
  HeadChangeHandlers,
  HeadChangeSubscription,
  IndexLookup,
  IndexRow,
  MetadataStore,
  PartitionHead,
  PartitionRef,
} from "../metadata/metadata-store.ts";
import type { ProducerPartitionState } from "../producers/sequence-check.ts";
import { SequenceGate } from "../producers/sequence-gate.ts";
import { noFaults, type OperationFaults, type Owner, type SimScheduler } from "./sim-scheduler.ts";

/** What the data plane's core asks of the metadata store, and the simulation provides. */
export type DataPlaneMetadata = Pick<
  MetadataStore,
  | "commitFlushes"
  | "recordOrphanedObject"
  | "partitionHeads"
  | "findIndexRows"
  | "subscribeHeadChanges"
>;

/** The chances of faults per metadata request. */
export interface SimMetadataFaults {
  commit: OperationFaults;
  read: OperationFaults;
  /** A listener's connection breaks instead of delivering a change: it resyncs on reconnect. */
  notifyLost: number;
}

interface PartitionRow {
  topicId: string;
  partition: number;
  nextOffset: bigint;
  logStartOffset: bigint;
}

/** Rows returned per lookup at most, as in the Postgres store. */
const MAX_ROWS_PER_LOOKUP = 500;

/**
 * The metadata store's tables as maps: what survives every crash. Commits are planned by the
 * same code as the Postgres store's (metadata/commit-plan.ts) and applied atomically.
 */
export class SimMetadata {
  readonly partitions = new Map<string, PartitionRow>();
  /** Per partition, sorted by baseOffset. */
  readonly index = new Map<string, IndexRow[]>();
  readonly objects = new Map<string, "committed" | "orphaned">();
  readonly producerStates = new Map<string, ProducerPartitionState>();
  readonly knownProducers = new Set<bigint>();
  /** Head-change listeners, by the agent incarnation listening. */
  readonly listeners = new Map<Owner, HeadChangeHandlers>();

  constructor(readonly clusterId: string) {}

  createPartitions(topicId: string, count: number): void {
    for (let partition = 0; partition < count; partition++) {
      const key = partitionKey({ topicId, partition });
      this.partitions.set(key, { topicId, partition, nextOffset: 0n, logStartOffset: 0n });
      this.index.set(key, []);
    }
  }

  head(ref: PartitionRef): PartitionHead | undefined {
    const row = this.partitions.get(partitionKey(ref));
    return (
      row && {
        topicId: row.topicId,
        partition: row.partition,
        highWatermark: row.nextOffset,
        logStartOffset: row.logStartOffset,
        leaderEpoch: 0,
      }
    );
  }

  /** One commit transaction: all of it or (when it throws) nothing. */
  commit(objects: readonly FlushedObject[], committedAtMs: bigint): CommitResult[] {
    const entries = objects.flatMap((o) => o.entries);
    const heads = new Map<string, PartitionHead>();
    for (const e of entries) {
      const head = this.head(e);
      if (head) heads.set(partitionKey(e), head);
    }
    const gate = new SequenceGate({
      states: new Map(this.producerStates),
      knownProducers: this.knownProducers,
    });
    const plan = planCommit(objects, { heads, gate });
    const advanced: PartitionHead[] = [];
    for (const [key, total] of plan.taken) {
      const row = this.partitions.get(key)!;
      const before = row.nextOffset;
      row.nextOffset += total;
      advanced.push(this.head(row)!);
      for (const r of plan.indexRows.filter((r) => partitionKey(r) === key)) {
        this.index
          .get(key)!
          .push({ ...r, baseOffset: before + r.baseOffset, lastOffset: before + r.lastOffset });
      }
    }
    for (const o of objects)
      this.objects.set(
        o.objectKey,
        plan.indexRows.some((r) => r.objectKey === o.objectKey) ? "committed" : "orphaned",
      );
    for (const change of plan.producerStates)
      this.producerStates.set(
        `${change.producerId}:${change.topicId}:${change.partition}`,
        change.state,
      );
    return answerCommit(objects, plan, advanced, committedAtMs);
  }

  findIndexRows(lookup: IndexLookup): IndexRow[] {
    const rows = this.index.get(partitionKey(lookup)) ?? [];
    let from = lookup.fromOffset;
    for (const r of rows) if (r.baseOffset <= lookup.fromOffset) from = r.baseOffset;
    const found: IndexRow[] = [];
    let bytesBefore = 0;
    for (const r of rows) {
      if (r.baseOffset < from || r.lastOffset < lookup.fromOffset) continue;
      if (found.length === MAX_ROWS_PER_LOOKUP || bytesBefore >= Math.max(1, lookup.maxBytes))
        break;
      found.push({ ...r });
      bytesBefore += r.byteLength;
    }
    return found;
  }
}

/**
 * One agent incarnation's connection to the simulated metadata store: every request waits for
 * the scheduler, which decides its order and faults; head changes reach listeners as operations
 * too, so they arrive late and out of order as NOTIFYs may.
 */
export class SimMetadataStore implements DataPlaneMetadata {
  constructor(
    private readonly tables: SimMetadata,
    private readonly scheduler: SimScheduler,
    private readonly owner: Owner,
    private readonly faults: SimMetadataFaults,
  ) {}

  /** The simulation runs no transactional producers: every offset is stable, none aborted. */
  readonly transactions: FetchMetadata["transactions"] = {
    stablePartitions: async (_clusterId, partitions) =>
      partitions.map((p) => ({
        topicId: p.topicId,
        partition: p.partition,
        firstOpenOffset: null,
        aborted: [],
      })),
  };

  async commitFlushes(
    clusterId: string,
    objects: readonly FlushedObject[],
  ): Promise<CommitResult[]> {
    this.checkCluster(clusterId);
    try {
      return await this.scheduler.submit(this.owner, "commit", this.faults.commit, () => {
        const results = this.tables.commit(objects, this.committedAtMs());
        // NOTIFY goes out with the commit, whether or not its answer reaches the agent.
        this.notify(results.at(-1)?.heads ?? []);
        return results;
      });
    } catch (error) {
      // As the Postgres store: a failed commit's objects are recorded as orphaned.
      for (const o of objects)
        await this.recordOrphanedObject(clusterId, o.objectKey).catch(() => undefined);
      throw error;
    }
  }

  recordOrphanedObject(clusterId: string, objectKey: string): Promise<void> {
    this.checkCluster(clusterId);
    return this.scheduler.submit(this.owner, "record-orphan", this.faults.read, () => {
      // A key that did get committed (its commit's answer was lost) stays committed.
      if (!this.tables.objects.has(objectKey)) this.tables.objects.set(objectKey, "orphaned");
    });
  }

  partitionHeads(clusterId: string, refs: readonly PartitionRef[]): Promise<PartitionHead[]> {
    this.checkCluster(clusterId);
    return this.scheduler.submit(this.owner, "partition-heads", this.faults.read, () =>
      refs.map((r) => this.tables.head(r)).filter((h) => h !== undefined),
    );
  }

  findIndexRows(clusterId: string, lookups: readonly IndexLookup[]): Promise<IndexRow[][]> {
    this.checkCluster(clusterId);
    return this.scheduler.submit(this.owner, "find-index-rows", this.faults.read, () =>
      lookups.map((l) => this.tables.findIndexRows(l)),
    );
  }

  subscribeHeadChanges(handlers: HeadChangeHandlers): HeadChangeSubscription {
    this.tables.listeners.set(this.owner, handlers);
    return {
      ready: Promise.resolve(),
      close: () => {
        this.tables.listeners.delete(this.owner);
        return Promise.resolve();
      },
    };
  }

  /**
   * NOTIFY: every listening agent learns the new heads, each when the scheduler says; or its
   * listener connection broke meanwhile, and it hears only that it must resync.
   */
  private notify(heads: readonly PartitionHead[]): void {
    if (heads.length === 0) return;
    for (const [owner, handlers] of this.tables.listeners) {
      const lost = this.scheduler.faultsEnabled && this.scheduler.chance(this.faults.notifyLost);
      void this.scheduler.submit(owner, lost ? "notify-lost" : "notify", noFaults, () => {
        if (lost) handlers.onResync();
        else for (const h of heads) handlers.onChange({ clusterId: this.tables.clusterId, ...h });
      });
    }
  }

  private committedAtMs(): bigint {
    return BigInt(this.scheduler.clockFor(this.owner).wallNow());
  }

  private checkCluster(clusterId: string): void {
    if (clusterId !== this.tables.clusterId) throw new Error(`unknown cluster ${clusterId}`);
  }
}
