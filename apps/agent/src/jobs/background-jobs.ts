import type { Logger } from "pino";
import type { AgentMetrics } from "../http/metrics.ts";
import type { JobStore } from "../metadata/job-store.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { collectObjects } from "./object-collector.ts";
import { compactObjects, type CompactionLevels } from "./object-compaction.ts";
import { applyRetention, retentionPolicies } from "./retention.ts";
import { sweepOrphanObjects } from "./orphan-sweep.ts";
import { compactTopics } from "./topic-compaction.ts";

/** Agents silent this long are forgotten (they dropped out of Metadata long before). */
const DEAD_AGENT_RETENTION_MS = 3_600_000;
/** Objects no metadata knows are looked for this often (it lists the bucket)... */
const ORPHAN_SWEEP_INTERVAL_MS = 3_600_000;
/** ...and deleted once this old: no flush takes an hour from its PUT to its commit. */
const ORPHAN_MIN_AGE_MS = 3_600_000;

/** Compacted topics' output objects are cut at this size (each is held in memory until written). */
const CLEANED_OBJECT_BYTES = 64 * 1024 * 1024;

export interface BackgroundJobsOptions {
  jobs: JobStore;
  store: ObjectStore;
  /** A dedicated agent's cluster; null = every cluster (shared agents). */
  clusterId: string | null;
  intervalMs: number;
  objectDeletionGraceMs: number;
  offsetsRetentionMs: number;
  /** Kafka's producer.id.expiration.ms. */
  producerIdExpirationMs: number;
  compaction: CompactionLevels;
  /** Memory of a compacted topic's key map. */
  compactedTopicMapBytes: number;
  metrics: Pick<
    AgentMetrics,
    | "retentionIndexRows"
    | "objectsDeleted"
    | "objectsDeletedBytes"
    | "offsetsExpired"
    | "objectsCompacted"
    | "compactedTopicRecordsRemoved"
    | "compactionWrittenBytes"
    | "producerStatesExpired"
    | "jobFailures"
  >;
  logger: Pick<Logger, "info" | "warn">;
}

/**
 * The jobs role: every interval, retention (retention.ms, retention.bytes) for every topic, then
 * compacted topics (cleanup.policy=compact), then object compaction, then deletion of the objects nothing references any more, then expiry of
 * committed offsets, idempotent producers' states and dead agents; hourly, objects the metadata
 * store never knew (an agent died between PUT and commit) are swept. Compaction and collection share the pass (and its lock) so that collection
 * never meets the output of a merge still being written. Agents
 * with the role take turns through the store's job lock, so one pass runs at a time per scope
 * (a cluster, or all of them).
 */
export class BackgroundJobs {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastOrphanSweep = 0;

  constructor(private readonly options: BackgroundJobsOptions) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass, unless another agent is running one for the same scope. */
  private async pass(): Promise<void> {
    const { jobs, clusterId } = this.options;
    try {
      await jobs.withJobLock(`streambed-jobs:${clusterId ?? "*"}`, async () => {
        await this.retention();
        await this.compactTopics();
        await this.compact();
        await this.collect();
        await this.expireOffsets();
        await this.expireProducersAndAgents();
        if (Date.now() - this.lastOrphanSweep >= ORPHAN_SWEEP_INTERVAL_MS) await this.sweep();
      });
    } catch (err) {
      this.failed("lock", err);
    }
  }

  private async retention(): Promise<void> {
    const { jobs, clusterId, metrics, logger } = this.options;
    let policies;
    try {
      policies = await retentionPolicies(jobs, clusterId);
    } catch (err) {
      this.failed("retention", err);
      return;
    }
    for (const policy of policies) {
      try {
        const pass = await applyRetention(jobs, policy, BigInt(Date.now()));
        metrics.retentionIndexRows.inc(pass.indexRowsDeleted);
        if (pass.moved.length > 0) {
          logger.info(
            {
              clusterId: policy.clusterId,
              topicId: policy.topicId,
              partitions: pass.moved.length,
              indexRows: pass.indexRowsDeleted,
            },
            "retention moved log start offsets",
          );
        }
      } catch (err) {
        // One topic's failure (a lock timeout behind busy commits) must not stop the others.
        this.failed("retention", err);
      }
    }
  }

  private async compactTopics(): Promise<void> {
    const { jobs, store, clusterId, intervalMs, compactedTopicMapBytes, metrics, logger } =
      this.options;
    try {
      const pass = await compactTopics(jobs, store, {
        clusterId,
        nowMs: Date.now(),
        mapBytes: compactedTopicMapBytes,
        outputObjectBytes: CLEANED_OBJECT_BYTES,
        intervalMs,
      });
      metrics.compactedTopicRecordsRemoved.inc(pass.recordsRemoved);
      if (pass.partitionsCleaned > 0 || pass.conflicts > 0)
        logger.info(pass, "compacted topics cleaned");
    } catch (err) {
      this.failed("compacted-topics", err);
    }
  }

  private async compact(): Promise<void> {
    const { jobs, store, clusterId, compaction, metrics, logger } = this.options;
    try {
      const pass = await compactObjects(jobs, store, { clusterId, levels: compaction });
      metrics.objectsCompacted.inc(pass.objectsMerged);
      metrics.compactionWrittenBytes.inc(pass.bytesWritten);
      if (pass.objectsWritten > 0 || pass.conflicts > 0) logger.info(pass, "objects compacted");
    } catch (err) {
      this.failed("compaction", err);
    }
  }

  private async collect(): Promise<void> {
    const { jobs, store, clusterId, objectDeletionGraceMs, metrics, logger } = this.options;
    try {
      const collected = await collectObjects(jobs, store, {
        clusterId,
        graceMs: objectDeletionGraceMs,
      });
      metrics.objectsDeleted.inc(collected.deleted);
      metrics.objectsDeletedBytes.inc(collected.deletedBytes);
      if (collected.deleted > 0 || collected.scheduled > 0)
        logger.info(collected, "unreferenced objects collected");
    } catch (err) {
      this.failed("objects", err);
    }
  }

  private async expireOffsets(): Promise<void> {
    const { jobs, clusterId, offsetsRetentionMs, metrics, logger } = this.options;
    try {
      const expired = await jobs.expireCommittedOffsets(clusterId, offsetsRetentionMs);
      metrics.offsetsExpired.inc(expired.offsets);
      if (expired.offsets > 0 || expired.groups > 0)
        logger.info(expired, "committed offsets expired");
    } catch (err) {
      this.failed("offsets", err);
    }
  }

  private async expireProducersAndAgents(): Promise<void> {
    const { jobs, clusterId, producerIdExpirationMs, metrics, logger } = this.options;
    try {
      const producers = await jobs.expireProducerStates(clusterId, producerIdExpirationMs);
      metrics.producerStatesExpired.inc(producers.partitionStates);
      const agents = await jobs.forgetDeadAgents(clusterId, DEAD_AGENT_RETENTION_MS);
      if (producers.partitionStates > 0 || agents > 0)
        logger.info({ ...producers, agents }, "producer states and dead agents expired");
    } catch (err) {
      this.failed("expiry", err);
    }
  }

  private async sweep(): Promise<void> {
    const { jobs, store, clusterId, metrics, logger } = this.options;
    try {
      const swept = await sweepOrphanObjects(jobs, store, {
        clusterId,
        minAgeMs: ORPHAN_MIN_AGE_MS,
        nowMs: Date.now(),
      });
      this.lastOrphanSweep = Date.now();
      metrics.objectsDeleted.inc(swept.deleted);
      metrics.objectsDeletedBytes.inc(swept.deletedBytes);
      if (swept.deleted > 0) logger.info(swept, "objects unknown to the metadata store deleted");
    } catch (err) {
      this.failed("orphans", err);
    }
  }

  private failed(
    job:
      | "lock"
      | "retention"
      | "compacted-topics"
      | "compaction"
      | "objects"
      | "offsets"
      | "expiry"
      | "orphans",
    err: unknown,
  ): void {
    this.options.metrics.jobFailures.inc({ job });
    this.options.logger.warn({ err, job }, "background job failed");
  }
}
