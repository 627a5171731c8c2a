import { addOffsetsToTxnApi } from "./add-offsets-to-txn.ts";
import { addPartitionsToTxnApi } from "./add-partitions-to-txn.ts";
import { alterClientQuotasApi } from "./alter-client-quotas.ts";
import { alterConfigsApi } from "./alter-configs.ts";
import { alterUserScramCredentialsApi } from "./alter-user-scram-credentials.ts";
import { apiVersionsApi } from "./api-versions.ts";
import { createAclsApi } from "./create-acls.ts";
import { createPartitionsApi } from "./create-partitions.ts";
import { createTopicsApi } from "./create-topics.ts";
import { deleteAclsApi } from "./delete-acls.ts";
import { deleteRecordsApi } from "./delete-records.ts";
import { deleteTopicsApi } from "./delete-topics.ts";
import { describeAclsApi } from "./describe-acls.ts";
import { describeClusterApi } from "./describe-cluster.ts";
import { describeClientQuotasApi } from "./describe-client-quotas.ts";
import { describeConfigsApi } from "./describe-configs.ts";
import { describeLogDirsApi } from "./describe-log-dirs.ts";
import { describeProducersApi } from "./describe-producers.ts";
import { describeTransactionsApi } from "./describe-transactions.ts";
import { endTxnApi } from "./end-txn.ts";
import { listTransactionsApi } from "./list-transactions.ts";
import { txnOffsetCommitApi } from "./txn-offset-commit.ts";
import { electLeadersApi } from "./elect-leaders.ts";
import { describeTopicPartitionsApi } from "./describe-topic-partitions.ts";
import { describeUserScramCredentialsApi } from "./describe-user-scram-credentials.ts";
import { incrementalAlterConfigsApi } from "./incremental-alter-configs.ts";
import { offsetForLeaderEpochApi } from "./offset-for-leader-epoch.ts";
import { fetchApi } from "./fetch.ts";
import { listOffsetsApi } from "./list-offsets.ts";
import { metadataApi } from "./metadata.ts";
import { produceApi } from "./produce.ts";
import { consumerGroupDescribeApi } from "./consumer-group-describe.ts";
import { consumerGroupHeartbeatApi } from "./consumer-group-heartbeat.ts";
import { deleteGroupsApi } from "./delete-groups.ts";
import { describeGroupsApi } from "./describe-groups.ts";
import { findCoordinatorApi } from "./find-coordinator.ts";
import { heartbeatApi } from "./heartbeat.ts";
import { initProducerIdApi } from "./init-producer-id.ts";
import { joinGroupApi } from "./join-group.ts";
import { leaveGroupApi } from "./leave-group.ts";
import { listGroupsApi } from "./list-groups.ts";
import { offsetCommitApi } from "./offset-commit.ts";
import { offsetDeleteApi } from "./offset-delete.ts";
import { offsetFetchApi } from "./offset-fetch.ts";
import { saslAuthenticateApi } from "./sasl-authenticate.ts";
import { saslHandshakeApi } from "./sasl-handshake.ts";
import { syncGroupApi } from "./sync-group.ts";
import type { ApiHandler } from "../server/api-handler.ts";

export type DispatchTable = ReadonlyMap<number, ApiHandler>;

/** Every Kafka API the agent serves, by API key. ApiVersions advertises exactly these. */
export const dispatchTable: DispatchTable = new Map(
  [
    produceApi,
    fetchApi,
    listOffsetsApi,
    metadataApi,
    apiVersionsApi,
    createTopicsApi,
    deleteTopicsApi,
    createPartitionsApi,
    deleteRecordsApi,
    offsetForLeaderEpochApi,
    describeConfigsApi,
    alterConfigsApi,
    incrementalAlterConfigsApi,
    describeClusterApi,
    describeTopicPartitionsApi,
    // Admin APIs operations tools call.
    describeLogDirsApi,
    describeProducersApi,
    electLeadersApi,
    describeClientQuotasApi,
    alterClientQuotasApi,
    describeAclsApi,
    createAclsApi,
    deleteAclsApi,
    describeUserScramCredentialsApi,
    alterUserScramCredentialsApi,
    // Consumer groups, idempotent producers, SASL.
    findCoordinatorApi,
    joinGroupApi,
    syncGroupApi,
    heartbeatApi,
    leaveGroupApi,
    offsetCommitApi,
    offsetFetchApi,
    offsetDeleteApi,
    describeGroupsApi,
    listGroupsApi,
    deleteGroupsApi,
    consumerGroupHeartbeatApi,
    consumerGroupDescribeApi,
    initProducerIdApi,
    // Transactions (state in the metadata store: any agent coordinates any transactional id).
    addPartitionsToTxnApi,
    addOffsetsToTxnApi,
    txnOffsetCommitApi,
    endTxnApi,
    describeTransactionsApi,
    listTransactionsApi,
    saslHandshakeApi,
    saslAuthenticateApi,
  ].map((api) => [api.apiKey, api]),
);
