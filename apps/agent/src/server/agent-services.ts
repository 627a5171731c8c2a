import type { AclCache } from "../acl/acl-cache.ts";
import type { CredentialCache } from "../auth/credential-cache.ts";
import type { SaslAuthenticator } from "../auth/sasl-authenticator.ts";
import type { AgentRegistry } from "../cluster/agent-registry.ts";
import type { AgentConfig } from "../config.ts";
import type { BlockCache } from "../fetch/block-cache.ts";
import type { FetchReader } from "../fetch/fetch-reader.ts";
import type { FetchSessionCache } from "../fetch/fetch-sessions.ts";
import type { PartitionHeadCache } from "../fetch/partition-heads.ts";
import type { AgentMetrics } from "../http/metrics.ts";
import type { ConsumerGroupCoordinator } from "../groups/consumer-protocol/consumer-group-coordinator.ts";
import type { GroupCoordinator } from "../groups/group-coordinator.ts";
import type { AclStore } from "../metadata/acl-store.ts";
import type { AdminStore } from "../metadata/admin-store.ts";
import type { LiveAgent, MetadataStore } from "../metadata/metadata-store.ts";
import type { ProducerStore } from "../metadata/producer-store.ts";
import type { QuotaStore } from "../metadata/quota-store.ts";
import type { ScramCredentialStore } from "../metadata/scram-credential-store.ts";
import type { QuotaEnforcer } from "../quotas/quota-enforcer.ts";
import type { ProduceBuffer } from "../produce/produce-buffer.ts";
import type { TransactionCoordinator } from "../transactions/transaction-coordinator.ts";
import type { TopicLookup } from "../topics/topic-lookup.ts";
import type { UsageRecorder } from "../usage/usage-recorder.ts";
import type { WriteBytesCounter } from "../usage/uncompressed-size.ts";
import type { ClusterSettingsReader } from "./cluster-settings.ts";
import type { FramePool } from "./frame-pool.ts";

/** The domain modules request handlers call; built once per agent by startAgent. */
export interface AgentServices {
  config: AgentConfig;
  metadata: MetadataStore;
  registry: AgentRegistry;
  produceBuffer: ProduceBuffer;
  /** Memory for Produce frames, reused across requests and connections. */
  framePool: FramePool;
  fetchReader: FetchReader;
  /** Incremental fetch sessions (KIP-227) of this agent. */
  fetchSessions: FetchSessionCache;
  heads: PartitionHeadCache;
  blocks: BlockCache;
  clusterSettings: ClusterSettingsReader;
  topics: TopicLookup;
  metrics: AgentMetrics;
  groups: GroupCoordinator<LiveAgent>;
  /** KIP-848 consumer groups (group.protocol=consumer). */
  consumerGroups: ConsumerGroupCoordinator;
  producerIds: ProducerStore;
  /** Transactional producers' coordinator (state in the metadata store, markers via the buffer). */
  transactions: TransactionCoordinator;
  /** Reads of the admin APIs (log dir sizes, active producers). */
  admin: AdminStore;
  /** Client quotas (AlterClientQuotas / DescribeClientQuotas). */
  quotas: QuotaStore;
  /** Throttles clients over their quota (and clusters over this agent's ceilings). */
  quotaEnforcer: QuotaEnforcer;
  sasl: SaslAuthenticator;
  /** ACL decisions per connection (see acl/authorize.ts). */
  acls: AclCache;
  /** Kafka ACLs (CreateAcls / DescribeAcls / DeleteAcls). */
  aclStore: AclStore;
  /** The credentials SASL checks against, cached; forgotten here when changed through this agent. */
  credentials: CredentialCache;
  /** SCRAM credentials as Describe/AlterUserScramCredentials see them. */
  scramCredentials: ScramCredentialStore;
  /** Usage counters of the hot path (requests, read_bytes). */
  usage: UsageRecorder;
  /** Meters committed produce batches as write_bytes, uncompressed. */
  writeBytes: WriteBytesCounter;
}
