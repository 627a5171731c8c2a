import {
  ApiKey,
  ErrorCode,
  defaultElectLeadersResponse,
  type ElectLeadersRequest,
  type ElectLeadersResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { hasPartition, requestedPartitions } from "../topics/requested-partitions.ts";
import { allowedOnCluster } from "../acl/authorize.ts";

/**
 * Leadership is virtual (any agent serves any partition; the "leader" is a hash of the live
 * agents), so every partition already has its preferred leader: Kafka's answer for that is
 * ELECTION_NOT_NEEDED, and, as in Kafka, an election over all partitions lists none of them.
 */
export const electLeadersApi = defineApi<ElectLeadersRequest, ElectLeadersResponse>({
  apiKey: ApiKey.ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    if (!(await allowedOnCluster(ctx, "ALTER")))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    if (request.topicPartitions === null) return defaultElectLeadersResponse();
    const requested = await requestedPartitions(
      ctx,
      request.topicPartitions.map((t) => ({ name: t.topic, partitions: t.partitions })),
    );
    return {
      ...defaultElectLeadersResponse(),
      replicaElectionResults: requested.map((t) => ({
        topic: t.name,
        partitionResult: t.partitions.map((partitionId) =>
          hasPartition(t, partitionId)
            ? {
                partitionId,
                errorCode: ErrorCode.ELECTION_NOT_NEEDED,
                errorMessage: "Leader election not needed for topic partition.",
              }
            : {
                partitionId,
                errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                errorMessage: "The topic or partition does not exist.",
              },
        ),
      })),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultElectLeadersResponse(),
      errorCode,
      replicaElectionResults: (request.topicPartitions ?? []).map((t) => ({
        topic: t.topic,
        partitionResult: t.partitions.map((partitionId) => ({
          partitionId,
          errorCode,
          errorMessage: null,
        })),
      })),
    };
  },
});
