import type { GroupSnapshot } from "../groups/group-types.ts";
import type {
  CommittedOffset,
  GroupListing,
  GroupStore,
  PartitionLag,
} from "../metadata/group-store.ts";
import type { OperationFaults, Owner, SimScheduler } from "./sim-scheduler.ts";

/** The chances of faults per group store request. */
export interface SimGroupStoreFaults {
  write: OperationFaults;
  read: OperationFaults;
}

/** An offset commit as it took effect in the tables, in the order commits took effect. */
export interface AppliedCommit {
  groupId: string;
  offset: CommittedOffset;
  simulatedMs: number;
}

const offsetKey = (groupId: string, topic: string, partition: number) =>
  `${groupId}\u0000${topic}\u0000${partition}`;

/**
 * The consumer_groups and committed_offsets tables as maps: what survives every crash.
 */
export class SimGroupTables {
  readonly groups = new Map<string, GroupSnapshot>();
  readonly offsets = new Map<string, CommittedOffset>();
  /** Every commit that took effect, in order: what the offset invariants are checked on. */
  readonly appliedCommits: AppliedCommit[] = [];

  constructor(
    readonly clusterId: string,
    /** Whether saves and members' commits are fenced by generation (the harness check turns it off). */
    readonly fencing = true,
  ) {}
}

/**
 * One agent incarnation's connection to the simulated group tables: every request waits for the
 * scheduler, which decides its order and faults (a write may take effect with its answer lost).
 */
export class SimGroupStore implements GroupStore {
  constructor(
    private readonly tables: SimGroupTables,
    private readonly scheduler: SimScheduler,
    private readonly owner: Owner,
    private readonly faults: SimGroupStoreFaults,
  ) {}

  load(clusterId: string, groupId: string): Promise<GroupSnapshot | null> {
    return this.read(clusterId, "group-load", () => {
      const stored = this.tables.groups.get(groupId);
      return stored ? structuredClone(stored) : null;
    });
  }

  save(
    clusterId: string,
    snapshot: GroupSnapshot,
    expectedGeneration: number | null,
  ): Promise<boolean> {
    const copy = structuredClone(snapshot);
    return this.write(clusterId, "group-save", () => {
      // As the Postgres store's statements: a compare-and-set on the stored generation.
      const stored = this.tables.groups.get(copy.groupId);
      if (this.tables.fencing && (stored?.generationId ?? null) !== expectedGeneration)
        return false;
      this.tables.groups.set(copy.groupId, copy);
      return true;
    });
  }

  delete(clusterId: string, groupId: string): Promise<void> {
    return this.write(clusterId, "group-delete", () => {
      this.tables.groups.delete(groupId);
      for (const key of [...this.tables.offsets.keys()])
        if (key.startsWith(`${groupId}\u0000`)) this.tables.offsets.delete(key);
    });
  }

  list(clusterId: string): Promise<GroupListing[]> {
    return this.read(clusterId, "group-list", () =>
      [...this.tables.groups.values()].map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        state: g.state,
      })),
    );
  }

  commitOffsets(
    clusterId: string,
    groupId: string,
    offsets: readonly CommittedOffset[],
    generationId?: number,
  ): Promise<boolean> {
    const copies = offsets.map((o) => ({ ...o }));
    return this.write(clusterId, "offset-commit", () => {
      if (copies.length === 0) return true;
      // As the Postgres store's statement: a member's commit only at the stored generation.
      const stored = this.tables.groups.get(groupId);
      const fenced = this.tables.fencing && generationId !== undefined;
      if (fenced && stored?.generationId !== generationId) return false;
      for (const o of copies) {
        this.tables.offsets.set(offsetKey(groupId, o.topic, o.partition), o);
        this.tables.appliedCommits.push({ groupId, offset: o, simulatedMs: this.scheduler.now });
      }
      return true;
    });
  }

  fetchOffsets(
    clusterId: string,
    groupId: string,
    topics: readonly string[] | null,
  ): Promise<CommittedOffset[]> {
    return this.read(clusterId, "offset-fetch", () =>
      [...this.tables.offsets.entries()]
        .filter(([key]) => key.startsWith(`${groupId}\u0000`))
        .map(([, o]) => ({ ...o }))
        .filter((o) => topics === null || topics.includes(o.topic))
        .sort((a, b) =>
          a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
        ),
    );
  }

  deleteOffsets(
    clusterId: string,
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
  ): Promise<void> {
    return this.write(clusterId, "offset-delete", () => {
      for (const p of partitions)
        this.tables.offsets.delete(offsetKey(groupId, p.topic, p.partition));
    });
  }

  /** The simulation has no partitions' high watermarks: lag is what the console asks, not clients. */
  lag(clusterId: string, _groupId: string): Promise<PartitionLag[]> {
    return this.read(clusterId, "group-lag", () => []);
  }

  private read<T>(clusterId: string, label: string, apply: () => T): Promise<T> {
    this.checkCluster(clusterId);
    return this.scheduler.submit(this.owner, label, this.faults.read, apply);
  }

  private write<T>(clusterId: string, label: string, apply: () => T): Promise<T> {
    this.checkCluster(clusterId);
    return this.scheduler.submit(this.owner, label, this.faults.write, apply);
  }

  private checkCluster(clusterId: string): void {
    if (clusterId !== this.tables.clusterId) throw new Error(`unknown cluster ${clusterId}`);
  }
}
