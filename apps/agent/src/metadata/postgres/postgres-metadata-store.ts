import type pg from "pg";
import type {
  AgentRegistration,
  CommitResult,
  FlushedObject,
  FlushEntry,
  HeadChangeHandlers,
  HeadChangeSubscription,
  IndexLookup,
  IndexRow,
  LiveAgent,
  MetadataStore,
  PartitionHead,
  PartitionRef,
  TopicConfigs,
  TopicInfo,
} from "../metadata-store.ts";
import * as agents from "./agents.ts";
import * as commit from "./commit-flush.ts";
import { PostgresControlPlane } from "./control-plane.ts";
import { PostgresAdminStore } from "./admin.ts";
import { PostgresConsumerGroupStore } from "./consumer-protocol-groups.ts";
import { PostgresGroupStore } from "./groups.ts";
import { PostgresAclStore } from "./acls.ts";
import { PostgresQuotaStore } from "./quotas.ts";
import { PostgresScramCredentialStore } from "./scram-credentials.ts";
import { PostgresJobStore } from "./jobs.ts";
import { PostgresProducerStore } from "./producers.ts";
import { PostgresTransactionStore } from "./transactions.ts";
import { type HeadListenerOptions, listenForHeadChanges } from "./head-notifications.ts";
import * as index from "./partition-index.ts";
import * as topics from "./topics.ts";

export interface PostgresMetadataStoreOptions {
  /** A pool on the metadata database; one of its connections is kept for LISTEN. */
  pool: pg.Pool;
  /** End the pool on close(). Default false (the caller owns it). */
  ownsPool?: boolean;
  listener?: HeadListenerOptions;
}

/** MetadataStore on Postgres: hand-written, batched SQL over a `pg` pool. */
export class PostgresMetadataStore implements MetadataStore {
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly listenerOptions: HeadListenerOptions;
  private readonly subscriptions = new Set<HeadChangeSubscription>();
  readonly groups: PostgresGroupStore;
  readonly consumerGroups: PostgresConsumerGroupStore;
  readonly producers: PostgresProducerStore;
  readonly controlPlane: PostgresControlPlane;
  readonly jobs: PostgresJobStore;
  readonly admin: PostgresAdminStore;
  readonly quotas: PostgresQuotaStore;
  readonly transactions: PostgresTransactionStore;
  readonly acls: PostgresAclStore;
  readonly scramCredentials: PostgresScramCredentialStore;

  constructor(options: PostgresMetadataStoreOptions) {
    this.pool = options.pool;
    this.ownsPool = options.ownsPool ?? false;
    this.listenerOptions = options.listener ?? {};
    this.groups = new PostgresGroupStore(this.pool);
    this.consumerGroups = new PostgresConsumerGroupStore(this.pool);
    this.producers = new PostgresProducerStore(this.pool);
    this.controlPlane = new PostgresControlPlane(this.pool);
    this.jobs = new PostgresJobStore(this.pool);
    this.admin = new PostgresAdminStore(this.pool);
    this.quotas = new PostgresQuotaStore(this.pool);
    this.transactions = new PostgresTransactionStore(this.pool);
    this.acls = new PostgresAclStore(this.pool, this.listenerOptions);
    this.scramCredentials = new PostgresScramCredentialStore(this.pool);
  }

  registerAgent(agent: AgentRegistration): Promise<void> {
    return agents.registerAgent(this.pool, agent);
  }

  heartbeatAgent(agentId: string): Promise<boolean> {
    return agents.heartbeatAgent(this.pool, agentId);
  }

  deregisterAgent(agentId: string): Promise<void> {
    return agents.deregisterAgent(this.pool, agentId);
  }

  liveAgents(clusterId: string, maxAgeMs: number): Promise<LiveAgent[]> {
    return agents.liveAgents(this.pool, clusterId, maxAgeMs);
  }

  deploymentSecret(name: string): Promise<string> {
    return agents.deploymentSecret(this.pool, name);
  }

  createTopic(
    clusterId: string,
    name: string,
    partitionCount: number,
    configs: TopicConfigs,
  ): Promise<TopicInfo> {
    return topics.createTopic(this.pool, clusterId, name, partitionCount, configs);
  }

  deleteTopic(clusterId: string, topicId: string): Promise<boolean> {
    if (!topics.isUuid(topicId)) return Promise.resolve(false);
    return topics.deleteTopic(this.pool, clusterId, topicId);
  }

  listTopics(clusterId: string): Promise<TopicInfo[]> {
    return topics.listTopics(this.pool, clusterId);
  }

  getTopicByName(clusterId: string, name: string): Promise<TopicInfo | undefined> {
    return topics.getTopicByName(this.pool, clusterId, name);
  }

  getTopicById(clusterId: string, topicId: string): Promise<TopicInfo | undefined> {
    return topics.getTopicById(this.pool, clusterId, topicId);
  }

  addPartitions(clusterId: string, topicId: string, newPartitionCount: number): Promise<void> {
    return topics.addPartitions(this.pool, clusterId, topicId, newPartitionCount);
  }

  updateTopicConfigs(
    clusterId: string,
    topicId: string,
    changes: Record<string, string | null>,
  ): Promise<TopicConfigs> {
    return topics.updateTopicConfigs(this.pool, clusterId, topicId, changes);
  }

  replaceTopicConfigs(clusterId: string, topicId: string, configs: TopicConfigs): Promise<void> {
    return topics.replaceTopicConfigs(this.pool, clusterId, topicId, configs);
  }

  partitionHeads(clusterId: string, partitions: readonly PartitionRef[]): Promise<PartitionHead[]> {
    return index.partitionHeads(this.pool, clusterId, partitions);
  }

  async commitFlush(
    clusterId: string,
    objectKey: string,
    sizeBytes: number,
    entries: readonly FlushEntry[],
  ): Promise<CommitResult> {
    const [result] = await commit.commitFlushes(this.pool, clusterId, [
      { objectKey, sizeBytes, entries },
    ]);
    return result!;
  }

  commitFlushes(clusterId: string, objects: readonly FlushedObject[]): Promise<CommitResult[]> {
    return commit.commitFlushes(this.pool, clusterId, objects);
  }

  recordOrphanedObject(clusterId: string, objectKey: string, sizeBytes: number): Promise<void> {
    return commit.recordOrphanedObject(this.pool, clusterId, objectKey, sizeBytes);
  }

  deleteRecordsBefore(
    clusterId: string,
    ref: PartitionRef,
    offset: bigint,
  ): Promise<PartitionHead | undefined> {
    return index.deleteRecordsBefore(this.pool, clusterId, ref, offset);
  }

  findIndexRows(clusterId: string, lookups: readonly IndexLookup[]): Promise<IndexRow[][]> {
    return index.findIndexRows(this.pool, clusterId, lookups);
  }

  findIndexRowByTimestamp(
    clusterId: string,
    ref: PartitionRef,
    timestamp: bigint,
  ): Promise<IndexRow | undefined> {
    return index.findIndexRowByTimestamp(this.pool, clusterId, ref, timestamp);
  }

  findMaxTimestampIndexRow(clusterId: string, ref: PartitionRef): Promise<IndexRow | undefined> {
    return index.findMaxTimestampIndexRow(this.pool, clusterId, ref);
  }

  subscribeHeadChanges(handlers: HeadChangeHandlers): HeadChangeSubscription {
    const subscription = listenForHeadChanges(this.pool, handlers, this.listenerOptions);
    this.subscriptions.add(subscription);
    return {
      ready: subscription.ready,
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    if (this.ownsPool) await this.pool.end();
  }
}
