import type { IndexRow, PartitionHead, TopicConfigs } from "./metadata-store.ts";

/** A topic's retention configs, with its cluster's default retention.ms filled in. */
export interface RetentionConfig {
  topicId: string;
  clusterId: string;
  retentionMs: bigint;
  retentionBytes: bigint;
  cleanupPolicy: string;
  timestampType: string;
}

/** A topic's retention, as its configs (or its cluster's defaults) set it. */
export interface RetentionPolicy {
  topicId: string;
  clusterId: string;
  /** -1: keep regardless of age. */
  retentionMs: bigint;
  /** -1: keep regardless of size. */
  retentionBytes: bigint;
  /** LogAppendTime topics age by commit time, not by the producers' timestamps. */
  logAppendTime: boolean;
}

export interface RetentionPass {
  /** Partitions whose log start moved, with their new heads. */
  moved: PartitionHead[];
  indexRowsDeleted: number;
}

export interface StoredObject {
  key: string;
  sizeBytes: number;
}

export interface ExpiredProducerStates {
  /** Idempotent producers' per-partition states dropped (producer.id.expiration.ms). */
  partitionStates: number;
}

export interface ExpiredOffsets {
  groups: number;
  offsets: number;
}

/** An object compaction may merge: committed (or partly released) and of one level. */
export interface CompactionCandidate {
  key: string;
  clusterId: string;
  sizeBytes: number;
}

/** An index row as compaction reads and writes it: with the time its records were committed. */
export interface StoredIndexRow extends IndexRow {
  createdAt: Date;
}

/** An index row with the level of the object it points into. */
export interface LeveledIndexRow extends StoredIndexRow {
  level: number;
}

/** A topic whose cleanup.policy includes compact. */
export interface CompactedTopic {
  topicId: string;
  clusterId: string;
  partitionCount: number;
  configs: TopicConfigs;
}

/** One compaction's swap: the rows of the inputs replaced by rows into the output objects. */
export interface CompactionSwap {
  clusterId: string;
  outputKeys: readonly string[];
  replaced: readonly StoredIndexRow[];
  /** Each pointing into one of outputKeys. */
  written: readonly StoredIndexRow[];
  inputKeys: readonly string[];
}

/** The swap found the inputs changed (retention, DeleteRecords, topic deletion): nothing done. */
export class CompactionConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CompactionConflictError";
  }
}

/** What the background jobs (agent role `jobs`) read and change; see jobs/. */
export interface JobStore {
  /**
   * Up to `limit` objects of `level` still holding index rows, oldest first, of one cluster or
   * (null) of all.
   */
  compactionCandidates(
    clusterId: string | null,
    level: number,
    limit: number,
  ): Promise<CompactionCandidate[]>;
  /** Every index row pointing into the objects, by (topicId, partition, baseOffset). */
  indexRowsOfObjects(keys: readonly string[]): Promise<StoredIndexRow[]>;
  /** Topics with cleanup.policy compact (or compact,delete), of one cluster or (null) of all. */
  compactedTopics(clusterId: string | null): Promise<CompactedTopic[]>;
  /** The partition's index rows at or above its log start, by offset, with their objects' levels. */
  partitionIndexRows(topicId: string, partition: number): Promise<LeveledIndexRow[]>;
  /** Moves an object to a higher level as it is: a lone object needs no rewrite to leave L0. */
  promoteObject(key: string, level: number): Promise<void>;
  /**
   * Records a compaction output before it is written, as an orphan: if the swap never happens
   * (crash, conflict) object collection deletes it like any unreferenced object.
   */
  recordCompactionOutput(
    clusterId: string,
    key: string,
    sizeBytes: number,
    level: number,
  ): Promise<void>;
  /**
   * In ONE transaction: locks the partitions (in commit order), deletes the replaced rows (all of
   * them still there, or CompactionConflictError and nothing changes), inserts the written rows,
   * marks the outputs committed and the inputs released (deleted by object collection once
   * unreferenced, after the grace period).
   */
  swapCompactedRows(swap: CompactionSwap): Promise<void>;
  /** Runs `work` unless another agent holds the lock of `scope`, holding it meanwhile. */
  withJobLock(scope: string, work: () => Promise<void>): Promise<void>;
  /** Every topic's retention configs, of one cluster or (null) of all. */
  retentionConfigs(
    clusterId: string | null,
    defaultRetentionMs: bigint,
  ): Promise<RetentionConfig[]>;
  /**
   * In each partition of the topic, drops the oldest index rows while every row up to them is
   * older than `cutoffMs` or the rows after them alone hold at least retention.bytes; moves the
   * log start past them and tells every agent of the new heads.
   */
  applyRetention(policy: RetentionPolicy, cutoffMs: bigint): Promise<RetentionPass>;
  /**
   * Marks up to `limit` released or orphaned objects older than the grace period and referenced
   * by no index row as 'deleting', due after the grace period; referenced ones are checked again
   * later. Returns how many were looked at and how many were marked.
   */
  scheduleUnreferencedObjects(
    clusterId: string | null,
    graceMs: number,
    limit: number,
  ): Promise<{ candidates: number; scheduled: number }>;
  /** Up to `limit` objects marked 'deleting' whose time has come, oldest first. */
  objectsDueForDeletion(clusterId: string | null, limit: number): Promise<StoredObject[]>;
  /** Forgets objects deleted from the object store. */
  forgetDeletedObjects(keys: readonly string[]): Promise<void>;
  /**
   * Kafka's committed-offset expiry (offsets.retention.minutes, KIP-211): the offsets of a group
   * with members never expire; a consumer group that has been Empty for the retention (since its
   * last state change) goes with all its offsets; offsets committed without group membership
   * (no group protocol, e.g. a standalone consumer or an admin tool) expire one by one, the
   * retention after they were committed.
   */
  expireCommittedOffsets(clusterId: string | null, retentionMs: number): Promise<ExpiredOffsets>;
  /**
   * Kafka's producer.id.expiration.ms: drops an idempotent producer's state of a partition it has
   * not written to for that long (a batch it sends later is taken as a new producer's would be).
   */
  expireProducerStates(
    clusterId: string | null,
    expirationMs: number,
  ): Promise<ExpiredProducerStates>;
  /** Forgets agents that stopped heartbeating `afterMs` ago; returns how many. */
  forgetDeadAgents(clusterId: string | null, afterMs: number): Promise<number>;
  /** Of the keys, those the objects table does not know (never committed nor recorded). */
  unknownObjectKeys(keys: readonly string[]): Promise<string[]>;
}
