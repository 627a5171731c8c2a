import { alterConfigsApi } from "../apis/alter-configs.ts";
import { apiVersionsApi } from "../apis/api-versions.ts";
import { createPartitionsApi } from "../apis/create-partitions.ts";
import { createTopicsApi } from "../apis/create-topics.ts";
import { deleteRecordsApi } from "../apis/delete-records.ts";
import { deleteTopicsApi } from "../apis/delete-topics.ts";
import { describeClusterApi } from "../apis/describe-cluster.ts";
import { describeConfigsApi } from "../apis/describe-configs.ts";
import { describeTopicPartitionsApi } from "../apis/describe-topic-partitions.ts";
import { incrementalAlterConfigsApi } from "../apis/incremental-alter-configs.ts";
import { offsetForLeaderEpochApi } from "../apis/offset-for-leader-epoch.ts";
import { fetchApi } from "../apis/fetch.ts";
import { listOffsetsApi } from "../apis/list-offsets.ts";
import { metadataApi } from "../apis/metadata.ts";
import { produceApi } from "../apis/produce.ts";
import { deleteGroupsApi } from "../apis/delete-groups.ts";
import { describeGroupsApi } from "../apis/describe-groups.ts";
import { findCoordinatorApi } from "../apis/find-coordinator.ts";
import { heartbeatApi } from "../apis/heartbeat.ts";
import { initProducerIdApi } from "../apis/init-producer-id.ts";
import { joinGroupApi } from "../apis/join-group.ts";
import { leaveGroupApi } from "../apis/leave-group.ts";
import { listGroupsApi } from "../apis/list-groups.ts";
import { offsetCommitApi } from "../apis/offset-commit.ts";
import { offsetDeleteApi } from "../apis/offset-delete.ts";
import { offsetFetchApi } from "../apis/offset-fetch.ts";
import { saslAuthenticateApi } from "../apis/sasl-authenticate.ts";
import { saslHandshakeApi } from "../apis/sasl-handshake.ts";
import { syncGroupApi } from "../apis/sync-group.ts";
import type { ApiHandler } from "./api-handler.ts";

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
    initProducerIdApi,
    saslHandshakeApi,
    saslAuthenticateApi,
  ].map((api) => [api.apiKey, api]),
);
