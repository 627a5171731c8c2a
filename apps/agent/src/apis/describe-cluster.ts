import {
  ErrorCode,
  ApiKey,
  defaultDescribeClusterResponse,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { clusterViewFor } from "../cluster/brokers.ts";

/** DescribeCluster's endpoint type for brokers (v1 also lets clients ask for controllers). */
const BROKER_ENDPOINTS = 1;

export const describeClusterApi = defineApi<DescribeClusterRequest, DescribeClusterResponse>({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    if (ctx.apiVersion >= 1 && request.endpointType !== BROKER_ENDPOINTS) {
      return {
        ...defaultDescribeClusterResponse(),
        errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: "agents expose broker endpoints only",
      };
    }
    const { brokers } = await clusterViewFor(ctx);
    return {
      ...defaultDescribeClusterResponse(),
      clusterId: ctx.connection.clusterId,
      controllerId: brokers[0]?.nodeId ?? -1,
      brokers: brokers.map((b) => ({
        brokerId: b.nodeId,
        host: b.host,
        port: b.port,
        rack: b.rack,
      })),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultDescribeClusterResponse(), errorCode };
  },
});
