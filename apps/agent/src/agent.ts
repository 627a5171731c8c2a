import { randomUUID } from "node:crypto";
import { ulid } from "ulid";
import type { Logger } from "pino";
import { createPgPool, USAGE_INGEST_SECRET } from "@streambed/db";
import { TopicLookup } from "./topics/topic-lookup.ts";
import { type AgentKeyError, clusterOfAgentKey, watchAgentKey } from "./auth/agent-key.ts";
import { CredentialCache } from "./auth/credential-cache.ts";
import { FailureLimiter } from "./auth/failure-limiter.ts";
import { SaslAuthenticator } from "./auth/sasl-authenticator.ts";
import { AgentRegistry } from "./cluster/agent-registry.ts";
import type { AgentConfig } from "./config.ts";
import { BlockCache } from "./fetch/block-cache.ts";
import { FetchReader } from "./fetch/fetch-reader.ts";
import { IndexRowCache } from "./fetch/index-row-cache.ts";
import { PartitionHeadCache } from "./fetch/partition-heads.ts";
import { PeerBlockClient } from "./fetch/peer-blocks.ts";
import { ConsumerGroupCoordinator } from "./groups/consumer-protocol/consumer-group-coordinator.ts";
import { GroupCoordinator } from "./groups/group-coordinator.ts";
import { defaultConsumerGroupSettings } from "./groups/consumer-protocol/consumer-group-types.ts";
import { defaultGroupSettings, realTimers } from "./groups/group-types.ts";
import { AgentHttpServer } from "./http/http-server.ts";
import { AgentMetrics } from "./http/metrics.ts";
import { PEER_TOKEN_SECRET, PeerBlockRoute } from "./http/peer-block-route.ts";
import { BackgroundJobs } from "./jobs/background-jobs.ts";
import { TransactionCoordinator } from "./transactions/transaction-coordinator.ts";
import { TransactionTimeouts } from "./transactions/transaction-timeouts.ts";
import type { MetadataStore } from "./metadata/metadata-store.ts";
import { PostgresMetadataStore } from "./metadata/postgres/postgres-metadata-store.ts";
import { ProduceBuffer } from "./produce/produce-buffer.ts";
import { FramePool } from "./server/frame-pool.ts";
import type { AgentServices } from "./server/agent-services.ts";
import { QuotaEnforcer } from "./quotas/quota-enforcer.ts";
import { ClusterSettingsReader } from "./server/cluster-settings.ts";
import { dispatchTable } from "./apis/dispatch.ts";
import { KafkaServer } from "./server/kafka-server.ts";
import { loadTlsOptions } from "./server/tls-options.ts";
import { AclCache } from "./acl/acl-cache.ts";
import { persistentAgentId } from "./usage/agent-identity.ts";
import { WriteBytesCounter } from "./usage/uncompressed-size.ts";
import { UsageRecorder } from "./usage/usage-recorder.ts";
import { startUsageReporting, type UsageReporting } from "./usage/usage-reporting.ts";
import { ClusterMetricsReporter } from "./observability/cluster-metrics-reporter.ts";
import type { WindowClock } from "./usage/usage-windows.ts";
import { instrumentObjectStore } from "./storage/instrumented-object-store.ts";
import { openAgentObjectStore } from "./storage/open-object-store.ts";
import { FetchSessionCache } from "./fetch/fetch-sessions.ts";

/** Kafka's: a session unused this long gives way to any new one (min.incremental.fetch.session.eviction.ms). */
const FETCH_SESSION_EVICTION_MS = 120_000;
/** A transaction in PrepareCommit/PrepareAbort this long has lost the agent completing it. */
const TRANSACTION_STUCK_MS = 15_000;

export const AGENT_VERSION = "0.1.0";

export interface RunningAgent {
  id: string;
  kafkaPort: number;
  httpPort: number;
  metrics: AgentMetrics;
  /** Resolves once the usage closed so far has been acknowledged (tests, benchmarks). */
  usageSent(): Promise<void>;
  /**
   * Graceful shutdown: stop accepting, answer every request already read (flushing what is
   * buffered), deregister, close pools.
   */
  stop(): Promise<void>;
  /**
   * Resolves, once the agent has stopped, if it stopped by itself: its agent key was revoked or
   * its cluster deleted while it ran. Never settles otherwise.
   */
  stoppedBy: Promise<AgentKeyError>;
}

export interface AgentTimings {
  /** How often a dedicated agent re-checks its agent key. */
  agentKeyCheckIntervalMs?: number;
  /** Clock of the usage windows. */
  usageClock?: WindowClock;
  /** Backoff of usage sends. */
  usageRetry?: { initialMs: number; maxMs: number };
}

/** Builds every part of an agent from its config, starts listening and registers it. */
export async function startAgent(
  options: AgentConfig,
  logger: Logger,
  timings: AgentTimings = {},
): Promise<RunningAgent> {
  const metrics = new AgentMetrics();
  const pool = createPgPool(options.databaseUrl, { max: 20 });
  // An idle connection dropped by Postgres (restart, failover) must not crash the agent: the pool
  // replaces it on the next checkout.
  pool.on("error", (err) => logger.warn({ err }, "idle Postgres connection failed"));
  const metadata = new PostgresMetadataStore({ pool });
  const config = await withProvenCluster(options, metadata).catch(async (err: unknown) => {
    await pool.end().catch(() => undefined);
    throw err;
  });
  const store = instrumentObjectStore(openAgentObjectStore(config, logger), metrics.objectStore);
  const heads = new PartitionHeadCache(metadata);
  const acls = new AclCache(metadata.acls, config.sslPrincipalMappingRules);
  const produceBuffer = new ProduceBuffer({
    store,
    metadata,
    batchMaxBytes: config.batchMaxBytes,
    batchTimeoutMs: config.batchTimeoutMs,
    maxFlushesInFlight: config.maxFlushesInFlight,
    metrics: metrics.produce,
    logger,
    // Local fetchers wake at once; other agents learn of the commit through notifications.
    onCommitted: (_clusterId, committed) => heads.apply(committed),
  });
  const metering = config.controlPlaneUrl !== null;
  // Metering needs the same id after a restart: resent windows must carry the same keys.
  const id = config.agentId ?? (metering ? await persistentAgentId(config.usageSpoolDir) : ulid());
  const usage = new UsageRecorder(metering);
  const writeBytes = new WriteBytesCounter(usage, logger, metrics.uncompressedSize);
  // Ports are filled in once bound (port 0 = any free port); the registry only reads them at start().
  const self = {
    id,
    clusterId: config.clusterId,
    host: config.advertisedHost,
    port: config.kafkaPort,
    httpPort: config.httpPort,
    zone: config.zone,
    roles: config.roles,
    version: AGENT_VERSION,
  };
  const registry = new AgentRegistry({ metadata, logger, self });
  const peerToken = await metadata.deploymentSecret(PEER_TOKEN_SECRET);
  const blocks = new BlockCache(store, {
    maxBytes: config.blockCacheBytes,
    metrics: metrics.blockCacheLookups,
    peers: new PeerBlockClient({
      self,
      token: peerToken,
      agents: (clusterId) => registry.visibleAgents(clusterId),
      metrics: metrics.peerBlockFetches,
      logger,
    }),
  });
  const groups = new GroupCoordinator({
    store: metadata.groups,
    agents: {
      self: registry.self,
      liveAgents: (clusterId: string) => registry.visibleAgents(clusterId),
    },
    settings: {
      ...defaultGroupSettings,
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    },
    timers: realTimers,
    newMemberId: (clientId) => `${clientId}-${randomUUID()}`,
    logger,
  });
  const topics = new TopicLookup(metadata);
  const consumerGroups = new ConsumerGroupCoordinator({
    store: metadata.consumerGroups,
    offsets: metadata.groups,
    isCoordinator: async (clusterId, groupId) =>
      (await groups.coordinatorOf(clusterId, groupId)).id === registry.self.id,
    classicGroupActive: async (clusterId, groupId) => {
      const classic = await groups.describe(clusterId, groupId);
      return classic.error === null && classic.snapshot.members.length > 0;
    },
    topicsByName: (clusterId, names) => topics.getMany(clusterId, names),
    allTopics: (clusterId) => metadata.listTopics(clusterId),
    settings: {
      ...defaultConsumerGroupSettings,
      heartbeatIntervalMs: config.groupConsumerHeartbeatIntervalMs,
      sessionTimeoutMs: config.groupConsumerSessionTimeoutMs,
    },
    timers: realTimers,
    logger,
  });

  const transactions = new TransactionCoordinator({
    store: metadata.transactions,
    producerIds: metadata.producers,
    produceBuffer,
    logger,
  });

  // Up to the produce buffer's bound: that much of produce frames can be in use at once.
  const framePool = new FramePool({
    maxRetainedBytes: config.maxBufferedProduceBytes,
    minFrameBytes: 64 * 1024,
    maxFrameBytes: 16 * 1024 * 1024,
  });
  metrics.watchProduceMemory({
    buffered: () => produceBuffer.bufferedBytes,
    framesLent: () => framePool.lentOutBytes,
    framesPooled: () => framePool.retainedBytes,
  });
  const credentials = new CredentialCache(metadata.controlPlane);
  const kafkaServer = new KafkaServer(
    dispatchTable,
    {
      config,
      metadata,
      registry,
      produceBuffer,
      framePool,
      fetchReader: new FetchReader({
        metadata,
        heads,
        blocks,
        // Rows replaced by compaction point at objects deleted after the grace period: cached
        // rows must be dropped well before (every agent is given the same grace).
        indexRows: new IndexRowCache({
          ttlMs: Math.min(30_000, Math.floor(config.objectDeletionGraceMs / 2)),
        }),
        logger,
      }),
      fetchSessions: new FetchSessionCache({
        maxSessions: config.fetchSessionCacheSlots,
        evictionMs: FETCH_SESSION_EVICTION_MS,
      }),
      heads,
      blocks,
      clusterSettings: new ClusterSettingsReader(metadata.controlPlane),
      topics,
      metrics,
      groups,
      consumerGroups,
      producerIds: metadata.producers,
      transactions,
      admin: metadata.admin,
      quotas: metadata.quotas,
      acls,
      aclStore: metadata.acls,
      quotaEnforcer: new QuotaEnforcer({
        store: metadata.quotas,
        windowMs: config.quotaWindowMs,
        samples: config.quotaWindowSamples,
        refreshMs: config.quotaRefreshMs,
        ceilings: {
          produceByteRate: config.clusterProduceByteRate,
          fetchByteRate: config.clusterFetchByteRate,
        },
        onThrottle: (clusterId, quota, ms) => metrics.recordThrottle(clusterId, quota, ms),
        onRefreshError: (err) => logger.warn({ err }, "could not read client quotas"),
      }),
      sasl: new SaslAuthenticator({
        credentials,
        limiter: new FailureLimiter({
          onThrottled: (outcome) => metrics.saslThrottled.inc({ outcome }),
        }),
        dedicatedClusterId: config.clusterId,
        logger,
      }),
      credentials,
      scramCredentials: metadata.scramCredentials,
      usage,
      writeBytes,
    } satisfies AgentServices,
    logger,
    await loadTlsOptions(config),
  );
  const httpServer = new AgentHttpServer({
    metrics,
    logger,
    checkMetadataStore: () => metadata.ping(),
    identity: () => ({
      agentId: id,
      zone: config.zone,
      roles: config.roles,
      version: AGENT_VERSION,
      clusterId: config.clusterId,
    }),
    peerBlocks: new PeerBlockRoute({
      blocks,
      token: peerToken,
      clusterId: config.clusterId,
      metrics: metrics.peerBlockServes,
    }),
  });

  const jobs = config.roles.includes("jobs")
    ? new BackgroundJobs({
        jobs: metadata.jobs,
        store,
        clusterId: config.clusterId,
        intervalMs: config.retentionCheckIntervalMs,
        objectDeletionGraceMs: config.objectDeletionGraceMs,
        offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
        producerIdExpirationMs: config.producerIdExpirationMs,
        compaction: {
          l1TargetBytes: config.compactionL1TargetBytes,
          l2TargetBytes: config.compactionL2TargetBytes,
          l2FanIn: config.compactionL2FanIn,
        },
        compactedTopicMapBytes: config.compactedTopicMapBytes,
        metrics,
        logger,
      })
    : undefined;

  // Transaction timeouts run apart from the jobs pass: its interval is the transactions' own.
  const transactionTimeouts = config.roles.includes("jobs")
    ? new TransactionTimeouts({
        coordinator: transactions,
        clusterId: config.clusterId,
        intervalMs: config.transactionCheckIntervalMs,
        stuckMs: TRANSACTION_STUCK_MS,
        logger,
      })
    : undefined;

  let reporting: UsageReporting | undefined;
  let clusterMetrics: ClusterMetricsReporter | undefined;
  try {
    // First: an unusable spool directory stops the start before the agent registers.
    if (config.controlPlaneUrl === null) logger.info("usage metering off: no --control-plane-url");
    else {
      const agentKey = config.agentKey;
      // A dedicated agent proves its cluster with its key; shared agents share a deployment token.
      const ingestToken =
        agentKey !== null
          ? () => Promise.resolve(agentKey)
          : () => metadata.deploymentSecret(USAGE_INGEST_SECRET);
      reporting = await startUsageReporting({
        recorder: usage,
        writeBytes,
        agentId: id,
        controlPlaneUrl: config.controlPlaneUrl,
        spoolDir: config.usageSpoolDir,
        windowMs: config.usageWindowMs,
        token: ingestToken,
        logger,
        metrics: metrics.usageSender,
        clock: timings.usageClock,
        retry: timings.usageRetry,
      });
      clusterMetrics = new ClusterMetricsReporter({
        metrics,
        agentId: id,
        controlPlaneUrl: config.controlPlaneUrl,
        windowMs: config.usageWindowMs,
        token: ingestToken,
        logger,
      });
      clusterMetrics.start();
    }
    await heads.start();
    await acls.start();
    const kafkaPort = await kafkaServer.listen(config.kafkaPort, config.listenHost);
    const httpPort = await httpServer.listen(config.httpPort, config.listenHost);
    self.port = kafkaPort;
    self.httpPort = httpPort;
    await registry.start();
    jobs?.start();
    transactionTimeouts?.start();
    logger.info(
      { agentId: id, kafkaPort, httpPort, bucket: store.location, clusterId: config.clusterId },
      "agent started",
    );

    let stopping: Promise<void> | undefined;
    let stopWatchingKey = (): void => undefined;
    const stop = () =>
      (stopping ??= (async () => {
        logger.info("agent stopping");
        stopWatchingKey();
        await jobs?.stop();
        await transactionTimeouts?.stop();
        await kafkaServer.close();
        await groups.close();
        await consumerGroups.close();
        await produceBuffer.flushAndClose();
        await clusterMetrics?.stop();
        await reporting
          ?.stop()
          .catch((err: unknown) => logger.warn({ err }, "usage reporting did not stop cleanly"));
        await registry
          .stop()
          .catch((err: unknown) => logger.warn({ err }, "deregistration failed"));
        await httpServer.close();
        await heads.close();
        await acls.close();
        await metadata.close();
        await store.close();
        await pool.end();
        logger.info("agent stopped");
      })());
    const stoppedBy = new Promise<AgentKeyError>((resolve) => {
      if (config.agentKey === null || config.clusterId === null) return;
      // A revoked key must not keep serving its cluster until the next restart.
      stopWatchingKey = watchAgentKey({
        keys: metadata.controlPlane,
        secret: config.agentKey,
        clusterId: config.clusterId,
        intervalMs: timings.agentKeyCheckIntervalMs,
        logger,
        onInvalid: (err) => {
          logger.error({ err }, "the agent key no longer proves the cluster: stopping");
          void stop()
            .catch((stopErr: unknown) => logger.error({ err: stopErr }, "shutdown failed"))
            .finally(() => resolve(err));
        },
      });
    });
    const usageSent = async () => {
      await reporting?.sent();
    };
    return { id, kafkaPort, httpPort, metrics, usageSent, stop, stoppedBy };
  } catch (err) {
    await clusterMetrics?.stop();
    await reporting?.stop().catch(() => undefined);
    await Promise.allSettled([
      kafkaServer.close(),
      httpServer.close(),
      heads.close(),
      acls.close(),
      groups.close(),
      consumerGroups.close(),
    ]);
    await metadata.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw err;
  }
}

/** The config of a dedicated agent with an agent key: serving the key's cluster, and by default. */
async function withProvenCluster(
  config: AgentConfig,
  metadata: MetadataStore,
): Promise<AgentConfig> {
  if (config.agentKey === null) return config;
  const clusterId = await clusterOfAgentKey(
    metadata.controlPlane,
    config.agentKey,
    config.clusterId,
  );
  return { ...config, clusterId, defaultClusterId: config.defaultClusterId ?? clusterId };
}
