import type { ConsumerGroupStore } from "./consumer-group-store.ts";
import type { ControlPlaneStore } from "./control-plane-store.ts";
import type { GroupStore } from "./group-store.ts";
import type { JobStore } from "./job-store.ts";
import type { TransactionStore } from "./transaction-store.ts";
import type { ProducerStore } from "./producer-store.ts";

/**
 * The agent's view of the metadata store: agents, topics, partitions, offsets and index rows
 * here; consumer groups, producer ids, the console's tables and the background jobs' statements
 * in the focused interfaces beside this file, reached as properties of MetadataStore.
 * One interface so another backend can be added; the Postgres implementation is
 * `PostgresMetadataStore`. Offsets are bigint, topic ids are UUID strings.
 */

export interface AgentRegistration {
  id: string;
  /** null for a shared agent serving every cluster. */
  clusterId: string | null;
  host: string;
  port: number;
  httpPort: number;
  zone: string;
  roles: string[];
  version: string;
}

export interface LiveAgent extends AgentRegistration {
  startedAt: Date;
  lastHeartbeatAt: Date;
}

export type TopicConfigs = Record<string, string>;

export interface TopicInfo {
  id: string;
  clusterId: string;
  name: string;
  partitionCount: number;
  configs: TopicConfigs;
  createdAt: Date;
}

export interface PartitionRef {
  topicId: string;
  partition: number;
}

export interface PartitionHead extends PartitionRef {
  /** Offset the next record will get (= high watermark = last stable offset). */
  highWatermark: bigint;
  logStartOffset: bigint;
  leaderEpoch: number;
}

/**
 * Producer identity of one entry: commitFlush checks (producerId, epoch, partition, sequence)
 * inside its transaction (see producers/sequence-gate.ts).
 */
export interface ProducerBatchInfo {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  /** A transactional producer's batch: taken only while its transaction holds the partition. */
  transactional?: boolean;
  /** A transaction marker (control batch) written by the transaction coordinator. */
  control?: "commit" | "abort";
}

/** One producer request's batches for one partition, at a byte range of the flushed object. */
export interface FlushEntry extends PartitionRef {
  byteOffset: number;
  byteLength: number;
  /** Offsets the entry takes: sum over its batches of lastOffsetDelta + 1. */
  recordCount: number;
  maxTimestamp: bigint;
  producer?: ProducerBatchInfo;
}

export type CommitEntryResult =
  /** `duplicate`: an idempotent producer's retry of a committed batch, answered with its original offset. */
  | { ok: true; baseOffset: bigint; duplicate?: true }
  | { ok: false; errorCode: CommitEntryErrorCode };

export type CommitEntryErrorCode =
  | "UNKNOWN_TOPIC_OR_PARTITION"
  | "OUT_OF_ORDER_SEQUENCE_NUMBER"
  | "INVALID_PRODUCER_EPOCH"
  | "INVALID_TXN_STATE";

export interface CommitResult {
  /** One result per entry, in the order given. */
  entries: CommitEntryResult[];
  /** New heads of every partition that advanced. */
  heads: PartitionHead[];
  /** Commit time (ms since epoch): the log-append time of every record in the object. */
  committedAtMs: bigint;
}

/** One flushed object to commit: its key, size and entries (in object order). */
export interface FlushedObject {
  objectKey: string;
  sizeBytes: number;
  entries: readonly FlushEntry[];
}

export interface IndexRow extends PartitionRef {
  baseOffset: bigint;
  lastOffset: bigint;
  objectKey: string;
  byteOffset: number;
  byteLength: number;
  maxTimestamp: bigint;
  recordCount: number;
}

export interface IndexLookup extends PartitionRef {
  /** First offset wanted; the row containing it comes first. */
  fromOffset: bigint;
  /** Stop after the rows whose byte lengths add up to at least this (always >= 1 row). */
  maxBytes: number;
}

/** A partition head changed (commit or DeleteRecords), on any agent. */
export interface HeadChange extends PartitionRef {
  clusterId: string;
  highWatermark: bigint;
  logStartOffset: bigint;
}

export interface HeadChangeSubscription {
  /** Resolves once the first LISTEN is in place; rejects if that first attempt fails (it keeps retrying). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface HeadChangeHandlers {
  onChange(change: HeadChange): void;
  /** The listener reconnected after a break; changes made while it was down were not delivered. */
  onResync(): void;
}

export class TopicExistsError extends Error {
  constructor(name: string) {
    super(`topic already exists: ${name}`);
    this.name = "TopicExistsError";
  }
}

export class UnknownTopicError extends Error {
  constructor(what: string) {
    super(`unknown topic: ${what}`);
    this.name = "UnknownTopicError";
  }
}

export class InvalidPartitionCountError extends Error {
  readonly currentCount: number;
  constructor(currentCount: number, requested: number) {
    super(`topic has ${currentCount} partitions; cannot change to ${requested}`);
    this.name = "InvalidPartitionCountError";
    this.currentCount = currentCount;
  }
}

export interface MetadataStore {
  // Agents
  registerAgent(agent: AgentRegistration): Promise<void>;
  /** Refreshes the heartbeat; false when the agent is not registered (then register again). */
  heartbeatAgent(agentId: string): Promise<boolean>;
  deregisterAgent(agentId: string): Promise<void>;
  /** Agents serving `clusterId` (dedicated to it or shared) that heartbeated within `maxAgeMs`, sorted by id. */
  liveAgents(clusterId: string, maxAgeMs: number): Promise<LiveAgent[]>;
  /**
   * The secret every agent of this deployment shares under `name`, made up by the first agent
   * that asks (agents meet only in the metadata store, so that is where it lives).
   */
  deploymentSecret(name: string): Promise<string>;

  // Topics
  /** Creates the topic and its partitions. Throws TopicExistsError. */
  createTopic(
    clusterId: string,
    name: string,
    partitionCount: number,
    configs: TopicConfigs,
  ): Promise<TopicInfo>;
  /** Deletes the topic with its partitions and index rows; false when it did not exist. */
  deleteTopic(clusterId: string, topicId: string): Promise<boolean>;
  listTopics(clusterId: string): Promise<TopicInfo[]>;
  getTopicByName(clusterId: string, name: string): Promise<TopicInfo | undefined>;
  getTopicById(clusterId: string, topicId: string): Promise<TopicInfo | undefined>;
  /**
   * Grows the topic to `newPartitionCount` partitions. Throws UnknownTopicError, or
   * InvalidPartitionCountError when the count is not larger than the current one.
   */
  addPartitions(clusterId: string, topicId: string, newPartitionCount: number): Promise<void>;
  /**
   * Changes topic configs: a string sets a key, null removes it; keys not mentioned are kept.
   * Returns the resulting configs. Throws UnknownTopicError.
   */
  updateTopicConfigs(
    clusterId: string,
    topicId: string,
    changes: Record<string, string | null>,
  ): Promise<TopicConfigs>;
  /** Replaces all topic configs. Throws UnknownTopicError. */
  replaceTopicConfigs(clusterId: string, topicId: string, configs: TopicConfigs): Promise<void>;

  // Partitions and offsets
  /** Heads of the partitions that exist (missing ones are simply absent). */
  partitionHeads(clusterId: string, partitions: readonly PartitionRef[]): Promise<PartitionHead[]>;
  /**
   * Records a flushed object and assigns offsets to its entries in ONE transaction: locks the
   * partitions in (topic_id, partition) order, advances next_offset, inserts the index rows
   * (adjacent entries of a partition coalesced), then notifies head changes. When the
   * transaction fails the object is recorded as orphaned (best effort) and the error rethrown.
   */
  commitFlush(
    clusterId: string,
    objectKey: string,
    sizeBytes: number,
    entries: readonly FlushEntry[],
  ): Promise<CommitResult>;
  /**
   * commitFlush for several objects in ONE transaction (group commit): offsets are assigned
   * object after object in the order given, each partition's row locked and updated once. On
   * failure every object is recorded as orphaned. One result per object.
   */
  commitFlushes(clusterId: string, objects: readonly FlushedObject[]): Promise<CommitResult[]>;
  /** Records an object that no index row will ever reference, for later deletion. */
  recordOrphanedObject(clusterId: string, objectKey: string, sizeBytes: number): Promise<void>;
  /**
   * Moves the log start offset forward to `offset` (DeleteRecords; negative means the high
   * watermark; clamped to it; never backwards) and drops index rows wholly below it. Returns the
   * new head, or undefined when the partition does not exist.
   */
  deleteRecordsBefore(
    clusterId: string,
    ref: PartitionRef,
    offset: bigint,
  ): Promise<PartitionHead | undefined>;

  // Index
  /** Index rows covering each lookup, batched in one query; result per lookup, in order. */
  findIndexRows(clusterId: string, lookups: readonly IndexLookup[]): Promise<IndexRow[][]>;
  /** First index row at or after the log start whose max timestamp is >= `timestamp`. */
  findIndexRowByTimestamp(
    clusterId: string,
    ref: PartitionRef,
    timestamp: bigint,
  ): Promise<IndexRow | undefined>;
  /** The index row (at or after the log start) holding the largest timestamp (earliest on ties). */
  findMaxTimestampIndexRow(clusterId: string, ref: PartitionRef): Promise<IndexRow | undefined>;

  // Consumer groups
  readonly groups: GroupStore;
  /** KIP-848 (group.protocol=consumer) groups; their offsets are in `groups`. */
  readonly consumerGroups: ConsumerGroupStore;

  // Producer ids
  readonly producers: ProducerStore;
  /** Transaction state of transactional ids (see transactions/). */
  readonly transactions: TransactionStore;

  // The console's tables
  readonly controlPlane: ControlPlaneStore;

  // Background jobs
  readonly jobs: JobStore;

  // Notifications
  /** Listens (on a dedicated connection) for head changes made by any agent. */
  subscribeHeadChanges(handlers: HeadChangeHandlers): HeadChangeSubscription;

  /** Resolves when the store answers a trivial query (the health endpoint's check). */
  ping(): Promise<void>;

  close(): Promise<void>;
}
