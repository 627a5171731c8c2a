import type { PartitionHead } from "./metadata-store.ts";

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

export interface ExpiredOffsets {
  groups: number;
  offsets: number;
}

/** What the background jobs (agent role `jobs`) read and change; see jobs/. */
export interface JobStore {
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
}
